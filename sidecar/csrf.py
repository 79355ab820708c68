"""CSRF tokens for the proxied pages, stateless and bound to one WordPress log-in.

The browser never holds a sidecar session (the shim proxies every request), so the token is an
HMAC over the verified identity — user, site, audience and the hash of WordPress's session
token — plus an issue time. A form posted from another log-in, user, site or after
``MAX_AGE`` fails; an attacker's page cannot read the token out of wp-admin.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_AGE = 12 * 3600


def _mac(secret_key: str, issued: int, binding: str) -> str:
    message = f"csrf|{issued}|{binding}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def make_token(secret_key: str, binding: str, now: int) -> str:
    """Return a token for the identity summarised by ``binding``."""
    return f"{now}.{_mac(secret_key, now, binding)}"


def token_is_valid(secret_key: str, binding: str, token: str, now: int) -> bool:
    """True when ``token`` was made for ``binding`` within the last ``MAX_AGE`` seconds."""
    issued_text, _, mac = (token or "").partition(".")
    if not issued_text.isdigit():
        return False
    issued = int(issued_text)
    if not (now - MAX_AGE <= issued <= now + 60):
        return False
    return hmac.compare_digest(mac, _mac(secret_key, issued, binding))
