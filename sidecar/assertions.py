"""Signed assertions between the shim and the sidecar (see docs/protocol.md).

A token is ``v1.<payload>.<signature>``: base64url (no padding) compact JSON claims, and
base64url HMAC-SHA256 of ``v1.<payload>`` under the shared secret. This module is pure — no
clock, no database, no Flask — so the same code signs (sidecar → shim) and verifies
(shim → sidecar), and tests can pin time. Replay refusal needs storage and lives with the caller.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import unquote

VERSION = "v1"
MAX_LIFETIME = 120
CLOCK_LEEWAY = 30
_JTI = re.compile(r"^[0-9a-f]{32}$")
_RID = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class AssertionRefused(Exception):
    """The token must not be trusted; ``code`` says why (for logs and tests, not for users)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Claims:
    aud: str
    sub: int
    blog: int
    net: int
    iat: int
    exp: int
    jti: str
    mth: str
    pth: str
    ses: str = ""
    base: str = ""
    rid: str = ""
    loc: str = ""


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signed_part: str) -> str:
    digest = hmac.new(secret.encode(), signed_part.encode("ascii"), hashlib.sha256).digest()
    return _b64encode(digest)


def new_jti() -> str:
    """Return a fresh one-time id (16 random bytes, hex)."""
    return secrets.token_hex(16)


def sign(secret: str, claims: Claims) -> str:
    """Return the token for ``claims`` (compact JSON in the protocol's key order)."""
    payload = json.dumps(claims.__dict__, separators=(",", ":"), ensure_ascii=False)
    signed_part = f"{VERSION}.{_b64encode(payload.encode())}"
    return f"{signed_part}.{_signature(secret, signed_part)}"


def verify(secret: str, token: str, *, audience: str, method: str, path: str, now: int) -> Claims:
    """Check a token against the request it came with and return its claims.

    Raises AssertionRefused (format, signature, audience, time, method/path) — replay is
    checked by the caller, which has the storage for one-time ids.
    """
    payload = _verified_payload(secret, token)
    claims = _parse_claims(payload)
    _check_claims(claims, audience=audience, method=method, path=path, now=now)
    return claims


def _verified_payload(secret: str, token: str) -> bytes:
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != VERSION:
        raise AssertionRefused("malformed", "the assertion is not a v1 token")
    expected = _signature(secret, f"{parts[0]}.{parts[1]}")
    if not hmac.compare_digest(expected.encode(), parts[2].encode("ascii", "replace")):
        raise AssertionRefused("bad_signature", "the assertion's signature does not match")
    try:
        return _b64decode(parts[1])
    except (binascii.Error, ValueError):
        raise AssertionRefused("malformed", "the assertion's payload is not base64url") from None


def _parse_claims(payload: bytes) -> Claims:
    try:
        data = json.loads(payload)
        claims = Claims(**data)
    except (ValueError, TypeError):
        raise AssertionRefused("malformed", "the assertion's claims are not valid") from None
    ints = (claims.sub, claims.blog, claims.net, claims.iat, claims.exp)
    texts = (claims.aud, claims.jti, claims.mth, claims.pth, claims.ses, claims.base, claims.rid)
    if not all(type(v) is int and v >= 0 for v in ints) or not all(
        isinstance(v, str) for v in texts
    ):
        raise AssertionRefused("malformed", "the assertion's claims have the wrong types")
    if not _JTI.match(claims.jti) or (claims.rid and not _RID.match(claims.rid)):
        raise AssertionRefused("malformed", "the assertion's ids are malformed")
    return claims


def _check_claims(claims: Claims, *, audience: str, method: str, path: str, now: int) -> None:
    if claims.aud != audience:
        raise AssertionRefused("wrong_audience", f"the assertion is not meant for {audience}")
    if claims.iat > now + CLOCK_LEEWAY:
        raise AssertionRefused("not_yet_valid", "the assertion was issued in the future")
    if claims.exp <= now:
        raise AssertionRefused("expired", "the assertion has expired")
    if claims.exp - claims.iat > MAX_LIFETIME:
        raise AssertionRefused("too_long", "the assertion lives longer than allowed")
    if claims.mth != method.upper() or unquote(claims.pth) != unquote(path):
        raise AssertionRefused("wrong_request", "the assertion was made for another request")
