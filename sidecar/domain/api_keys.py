"""API keys: ``sk_<key id>_<secret>``. The key id finds the row; the secret is compared as a
SHA-256 in constant time. The full key is shown once, at creation."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask_babel import gettext

from ..errors import Unauthorized
from ..store import api_keys as store
from ..store.api_keys import ApiKeyRow
from ..wp_bridge.db import Database

PREFIX = "sk_"


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(db: Database, name: str) -> str:
    """Create a key named ``name``; return the full key (never stored in clear)."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    store.insert(db, name, key_id, _sha256(secret))
    return f"{PREFIX}{key_id}_{secret}"


def authenticate(db: Database, presented: str | None) -> ApiKeyRow:
    """Return the key row matching ``presented``. Raises Unauthorized (no detail on why)."""
    key_id, secret = _split(presented or "")
    row = store.find_active(db, key_id) if key_id else None
    expected = row.secret_sha256 if row else _sha256("no such key")
    if not hmac.compare_digest(expected, _sha256(secret)) or row is None:
        raise Unauthorized(gettext("A valid API key is required."), code="invalid_api_key")
    store.touch(db, row.id)
    return row


def _split(presented: str) -> tuple[str, str]:
    if not presented.startswith(PREFIX):
        return "", ""
    key_id, _, secret = presented[len(PREFIX) :].partition("_")
    return (key_id, secret) if len(key_id) == 12 and secret else ("", "")
