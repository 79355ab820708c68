"""Checking a password against the hash WordPress stored in ``wp_users.user_pass``.

WordPress has written four formats over the years, and a network may hold all of them:

- ``$wp$2y$…`` (WordPress ≥ 6.8): bcrypt over ``base64(HMAC-SHA384(key "wp-sha384",
  password))`` — the pre-hash lets passwords longer than bcrypt's 72 bytes count in full;
- ``$P$…`` / ``$H$…`` (WordPress ≤ 6.7, phpass "portable" hashes): md5 iterated
  2^n times (n from the 4th character, 8192 rounds for ``$P$B``) over an 8-character salt;
- ``$2y$…`` (plain bcrypt, written by plugins or a ``wp_hash_password`` override);
- 32 hex characters: an unsalted md5 from very old installs (WordPress upgrades them on log-in).

Anything else is refused. Comparisons are constant-time (``hmac.compare_digest``, and bcrypt's
own). Passwords longer than 4096 bytes are refused, as WordPress does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import bcrypt

ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
MAX_PASSWORD_BYTES = 4096
BCRYPT_MAX_BYTES = 72  # PHP's bcrypt ignores what follows
_WP_HMAC_KEY = b"wp-sha384"
_MD5_HEX = re.compile(r"^[0-9a-f]{32}$")
_BCRYPT = re.compile(r"^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$")


def check_password(password: str, stored_hash: str) -> bool:
    """True when ``password`` matches ``stored_hash`` in one of WordPress's formats.

    Never raises: a malformed or unknown hash, or a password WordPress would refuse (over
    4096 bytes), gives False.
    """
    if not isinstance(password, str) or not isinstance(stored_hash, str):
        return False
    secret = password.encode("utf-8", "surrogatepass")
    if len(secret) > MAX_PASSWORD_BYTES:
        return False
    if stored_hash.startswith("$wp$"):
        return _bcrypt_matches(wp_prehash(secret), stored_hash[3:])
    if stored_hash.startswith(("$P$", "$H$")):
        computed = phpass_crypt(secret, stored_hash)
        return computed is not None and _same(computed, stored_hash)
    if stored_hash.startswith("$2"):
        return _bcrypt_matches(secret[:BCRYPT_MAX_BYTES], stored_hash)
    if _MD5_HEX.match(stored_hash):
        return _same(hashlib.md5(secret).hexdigest(), stored_hash)  # noqa: S324 (legacy format)
    return False


def wp_prehash(secret: bytes) -> bytes:
    """WordPress 6.8's pre-hash: base64 of HMAC-SHA384 keyed with ``wp-sha384`` (64 bytes)."""
    return base64.b64encode(hmac.new(_WP_HMAC_KEY, secret, hashlib.sha384).digest())


def phpass_crypt(secret: bytes, setting: str) -> str | None:
    """phpass's portable hash of ``secret`` with the prefix, count and salt of ``setting``
    (the first 12 characters of a ``$P$``/``$H$`` hash); None when ``setting`` is malformed."""
    if len(setting) < 12 or setting[:3] not in ("$P$", "$H$"):
        return None
    count_log2 = ITOA64.find(setting[3])
    salt = setting[4:12]
    if not 7 <= count_log2 <= 30 or not all(char in ITOA64 for char in salt):
        return None
    digest = hashlib.md5(salt.encode("ascii") + secret).digest()  # noqa: S324 (phpass)
    for _ in range(1 << count_log2):
        digest = hashlib.md5(digest + secret).digest()  # noqa: S324 (phpass)
    return setting[:12] + encode64(digest)


def encode64(data: bytes) -> str:
    """phpass's base-64: little-endian groups of 3 bytes, 6 bits per character of ITOA64,
    a short last group giving 2 or 3 characters (16 bytes → 22 characters)."""
    out = []
    for start in range(0, len(data), 3):
        group = data[start : start + 3]
        value = int.from_bytes(group, "little")
        out.extend(ITOA64[(value >> shift) & 0x3F] for shift in range(0, 6 * (len(group) + 1), 6))
    return "".join(out)


def _bcrypt_matches(secret: bytes, stored: str) -> bool:
    if not _BCRYPT.match(stored):
        return False
    try:
        return bcrypt.checkpw(secret, stored.encode("ascii"))
    except ValueError:  # a NUL byte, or a hash the library cannot read
        return False


def _same(computed: str, stored: str) -> bool:
    return hmac.compare_digest(computed.encode("utf-8"), stored.encode("utf-8", "surrogatepass"))
