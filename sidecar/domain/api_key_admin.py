"""Network Admin → API keys: list, create (shown once), revoke."""

from __future__ import annotations

from flask_babel import gettext

from ..errors import NotFound
from ..store import api_keys as store
from ..store.api_keys import ApiKeyRow
from ..wp_bridge.db import Database
from .api_keys import create_key


def list_keys(db: Database) -> list[ApiKeyRow]:
    """Return every key (without secrets), newest first."""
    return store.list_all(db)


def issue_key(db: Database, name: str) -> str:
    """Create a key; return the full key, which is never shown again."""
    return create_key(db, name.strip())


def revoke_key(db: Database, key_id: str) -> None:
    """Revoke an active key. Raises NotFound when there is none with that id."""
    if not store.revoke(db, key_id):
        raise NotFound(gettext("No active key with this id."))
