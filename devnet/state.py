"""A network's state file, ``var/<name>/network.json``: everything needed to use it.

``load()`` is the small API tests use::

    from devnet import state
    net = state.load("dev-a")          # or a path to a network.json
    net["url"], net["admin"]["app_password"], net["customers"][0]["site_url"]
"""

import json
import os
import secrets
import string
from pathlib import Path

from devnet.errors import DevnetError
from devnet.paths import network_dir

_ALNUM = string.ascii_letters + string.digits


def state_path(name: str) -> Path:
    """Return ``var/<name>/network.json``."""
    return network_dir(name) / "network.json"


def load(name_or_path) -> dict:
    """Read a network's state, given its name or the path of its network.json (or folder).

    Raises DevnetError when there is no such network.
    """
    text = str(name_or_path)
    path = Path(text) if ("/" in text or text.endswith(".json")) else state_path(text)
    if path.is_dir():
        path = path / "network.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise DevnetError(f"no network state at {path} (run python -m devnet up first)") from exc


def load_or_empty(name: str) -> dict:
    """Return the saved state of ``name``, or {} when the network was never brought up."""
    path = state_path(name)
    return json.loads(path.read_text()) if path.exists() else {}


def write_private(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` readable by the owner only, unless it is already there.

    Returns True when the file changed.
    """
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return True


def save(data: dict) -> bool:
    """Write ``data`` to its network's network.json; return True when it changed."""
    return write_private(state_path(data["name"]), json.dumps(data, indent=2) + "\n")


def password(length: int = 24) -> str:
    """Return a random password of letters and digits (safe in PHP, SQL, TOML and shells)."""
    return "".join(secrets.choice(_ALNUM) for _ in range(length))
