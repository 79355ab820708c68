"""Shared fixtures. Integration and browser tests run against the real network that
``make test`` stands up (``SIDECAR_TEST_NETWORK`` = path of its ``network.json``); unit tests
need nothing. With ``SIDECAR_REQUIRE_NETWORK=1`` (as ``make test`` sets) a missing network is an
error, never a silent skip."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent


def _network_file() -> Path | None:
    path = os.environ.get("SIDECAR_TEST_NETWORK")
    return Path(path) if path else None


@pytest.fixture(scope="session")
def network() -> dict:
    """The running test network's facts (URLs, users, passwords, database)."""
    path = _network_file()
    if path is None or not path.exists():
        if os.environ.get("SIDECAR_REQUIRE_NETWORK") == "1":
            pytest.fail(f"SIDECAR_TEST_NETWORK does not point at a network.json ({path})")
        pytest.skip("no test network: run `make test` (or set SIDECAR_TEST_NETWORK)")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def config_path(network) -> Path:
    return Path(network["wp_path"]).parent / "config.toml"


@pytest.fixture(scope="session")
def settings(config_path):
    from sidecar.config import load_settings

    return load_settings(str(config_path), environ={})


@pytest.fixture(scope="session")
def migrated(settings):
    """The sidecar's tables exist in the test network's database."""
    from sidecar.store.migrate import migrate
    from sidecar.wp_bridge.db import connect

    db = connect(settings.database)
    try:
        migrate(db)
    finally:
        db.close()


@pytest.fixture
def db(settings, migrated):
    """A connection whose work is rolled back at the end of the test."""
    from sidecar.wp_bridge.db import connect

    conn = connect(settings.database)
    unit = conn.transaction()
    unit.__enter__()
    yield conn
    unit.__exit__(_Rollback, _Rollback(), None)  # the block "raised": everything rolls back
    conn.close()


class _Rollback(Exception):
    """Thrown into the test's transaction to roll it back."""


@pytest.fixture(scope="session")
def sidecar_url(network, config_path, migrated) -> str:
    """A real gunicorn serving the sidecar where the shim expects it, for the whole session."""
    url = network["sidecar_url"].rstrip("/")
    bind = url.split("://", 1)[1]
    log = open(Path(network["wp_path"]).parent / "sidecar-test.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            bind,
            "--workers",
            "2",
            "--threads",
            "4",
            "sidecar.wsgi:app",
        ],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path)},
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    _wait_until_up(f"{url}/healthz", proc)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)
    log.close()


def _wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the sidecar exited with {proc.returncode}; see sidecar-test.log")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the sidecar did not answer on {url}")


@pytest.fixture(scope="session")
def customers(network) -> dict:
    """Customers by login: alice and bob each own exactly one site."""
    return {c["login"]: c for c in network["customers"]}


from .wp_cleanup import created, wpdb  # noqa: E402,F401  (shared fixtures)
