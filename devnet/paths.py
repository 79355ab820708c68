"""Where devnet keeps things: the repository root, ``var/<name>/`` and ``.cache/``."""

import re
from pathlib import Path

from devnet.errors import DevnetError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
VAR_DIR = REPO_ROOT / "var"
CACHE_DIR = REPO_ROOT / ".cache"
PHP_DIR = PACKAGE_DIR / "php"
SHIM_DIR = REPO_ROOT / "wp-plugin-shim"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")


def check_name(name: str) -> str:
    """Return ``name`` if it is a usable network name; raise DevnetError otherwise.

    A name is 1-40 characters of letters, digits, ``-`` and ``_``, starting with a letter or
    digit (it becomes a folder name and part of a database name).
    """
    if not _NAME_RE.match(name):
        raise DevnetError(f"bad network name {name!r}: use 1-40 of A-Z a-z 0-9 - _")
    return name


def network_dir(name: str) -> Path:
    """Return ``var/<name>/`` (not created)."""
    return VAR_DIR / check_name(name)
