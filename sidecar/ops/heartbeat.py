"""The jobs process's heartbeat: a row it rewrites every minute (``sidecar doctor`` reads it)."""

from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

from ..config import Settings
from ..store import heartbeats
from ..wp_bridge.db import DatabaseUnavailable, connect

PROCESS = "jobs"
EVERY_SECONDS = 60
log = logging.getLogger("sidecar.jobs")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Heartbeat:
    """Writes this process's heartbeat row; a failed write is logged, never raised."""

    def __init__(self, settings: Settings, process: str = PROCESS):
        self.settings = settings
        self.process = process
        self.started_at = _now()

    def beat(self) -> bool:
        """Write the row now; return False when the database could not be reached."""
        try:
            db = connect(self.settings.database)
        except DatabaseUnavailable as error:
            log.warning("heartbeat: database unreachable: %s", error)
            return False
        try:
            heartbeats.beat(
                db, self.process, socket.gethostname(), os.getpid(), self.started_at, _now()
            )
            return True
        except Exception:  # the scheduler must keep running whatever happens here
            log.exception("heartbeat failed")
            return False
        finally:
            db.close()
