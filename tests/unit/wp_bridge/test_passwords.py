"""Checking passwords against WordPress hashes: fixtures made by real PHP (WordPress's own
class-phpass.php; the 6.8 format per the algorithm, cross-checked with password_verify), and
properties over generated passwords."""

import base64
import hashlib
import hmac
import json
from pathlib import Path

import bcrypt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.wp_bridge import passwords
from sidecar.wp_bridge.passwords import check_password, encode64, phpass_crypt, wp_prehash

FIXTURES = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "wp_passwords" / "hashes.json").read_text()
)
FORMATS = ("phpass", "wp68", "bcrypt", "md5")

# Passwords WordPress can store: no NUL (bcrypt stops there), at most 4096 bytes.
wp_passwords = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=80,
)
salts = st.text(alphabet=passwords.ITOA64, min_size=8, max_size=8)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f["password"][:12])
@pytest.mark.parametrize("kind", FORMATS)
def test_hashes_made_by_php_verify(fixture, kind):
    assert check_password(fixture["password"], fixture[kind])


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f["password"][:12])
@pytest.mark.parametrize("kind", FORMATS)
def test_wrong_passwords_fail(fixture, kind):
    password = fixture["password"]
    for wrong in ("!" + password, password.upper() if password.upper() != password else "y", ""):
        assert not check_password(wrong, fixture[kind])


def test_the_wordpress_68_format_is_bcrypt_over_the_hmac_prehash():
    fixture = FIXTURES[0]
    inner = fixture["wp68"][3:].encode()
    expected = base64.b64encode(
        hmac.new(b"wp-sha384", fixture["password"].encode(), hashlib.sha384).digest()
    )
    assert wp_prehash(fixture["password"].encode()) == expected
    assert bcrypt.checkpw(expected, inner)
    assert not check_password(fixture["password"], inner.decode())  # plain bcrypt of the raw pw


def test_plain_bcrypt_ignores_bytes_past_72_like_php():
    long = next(f for f in FIXTURES if len(f["password"].encode()) > 72)
    assert check_password(long["password"] + "tail", long["bcrypt"])
    assert not check_password(long["password"] + "tail", long["wp68"])  # 6.8 counts them all


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "*",
        "plain text",
        "$P$",
        "$P$B",
        "$P$!abcdefgh1234567890123456789012",  # count character outside itoa64
        "$P$/abcdefgh1234567890123456789012",  # count below 2^7
        "$wp$",
        "$wp$2y$10$short",
        "$2y$10$tooshort",
        "$argon2id$v=19$m=65536,t=4,p=1$abc$def",
        "9CC2AE8A1BA7A93DA39B46FC1019C481",  # md5 in upper case: WordPress compares exactly
    ],
)
def test_unknown_or_malformed_hashes_are_refused(stored):
    assert not check_password("correct horse battery staple", stored)


def test_passwords_over_4096_bytes_are_refused():
    password = "a" * 4097
    assert not check_password(password, hashlib.md5(password.encode()).hexdigest())  # noqa: S324


@settings(max_examples=25, deadline=None)
@given(password=wp_passwords, salt=salts, other=wp_passwords)
def test_phpass_round_trip(password, salt, other):
    stored = phpass_crypt(password.encode(), "$P$B" + salt)
    assert len(stored) == 34
    assert check_password(password, stored)
    if other != password:
        assert not check_password(other, stored)


@settings(max_examples=10, deadline=None)
@given(password=wp_passwords, other=wp_passwords)
def test_wordpress_68_round_trip(password, other):
    inner = bcrypt.hashpw(wp_prehash(password.encode()), bcrypt.gensalt(4)).decode()
    stored = "$wp" + inner.replace("$2b$", "$2y$", 1)
    assert check_password(password, stored)
    if other != password:
        assert not check_password(other, stored)


@given(password=st.text(max_size=40), stored=st.text(max_size=80))
def test_never_raises(password, stored):
    assert check_password(password, stored) in (True, False)


@given(data=st.binary(min_size=1, max_size=40))
def test_encode64_writes_6_bits_per_character(data):
    encoded = encode64(data)
    assert len(encoded) == (len(data) * 8 + 5) // 6
    assert set(encoded) <= set(passwords.ITOA64)


def test_comparisons_go_through_compare_digest(monkeypatch):
    calls = []
    real = passwords.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(passwords.hmac, "compare_digest", spy)
    fixture = FIXTURES[0]
    assert check_password(fixture["password"], fixture["phpass"])
    assert check_password(fixture["password"], fixture["md5"])
    assert len(calls) == 2
