"""Signed assertions: each way of tampering is refused with its own code."""

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from shutil import which

import pytest

from sidecar import assertions
from sidecar.assertions import AssertionRefused, Claims, sign, verify

SECRET = "k" * 40
NOW = 1_800_000_000


def claims(**changes):
    base = Claims(
        aud="account",
        sub=5,
        blog=2,
        net=1,
        iat=NOW,
        exp=NOW + 60,
        jti="0123456789abcdef0123456789abcdef",
        mth="GET",
        pth="/account/",
        ses="ab" * 32,
        base="http://net/site/wp-admin/admin.php?page=sidecar-account",
        rid="req-1",
        loc="nl_NL",
    )
    return replace(base, **changes)


def check(token, **overrides):
    kwargs = {"audience": "account", "method": "GET", "path": "/account/", "now": NOW + 1}
    return verify(SECRET, token, **{**kwargs, **overrides})


def refused_code(token, **overrides):
    with pytest.raises(AssertionRefused) as caught:
        check(token, **overrides)
    return caught.value.code


def test_good_token_round_trips():
    assert check(sign(SECRET, claims())) == claims()


def test_forged_signature_and_other_secret():
    token = sign(SECRET, claims())
    head, payload, sig = token.split(".")
    assert refused_code(f"{head}.{payload}.{sig[:-2]}AA") == "bad_signature"
    assert refused_code(sign("x" * 40, claims())) == "bad_signature"
    tampered = json.dumps({**claims().__dict__, "sub": 6}).encode()
    forged_payload = assertions._b64encode(tampered)
    assert refused_code(f"{head}.{forged_payload}.{sig}") == "bad_signature"


@pytest.mark.parametrize("token", ["", "v1", "v2.a.b", "v1.a.b.c", "garbage"])
def test_malformed(token):
    assert refused_code(token) in {"malformed", "bad_signature"}


def test_expired_future_and_too_long():
    assert refused_code(sign(SECRET, claims(exp=NOW))) == "expired"
    assert refused_code(sign(SECRET, claims(iat=NOW + 600, exp=NOW + 660))) == "not_yet_valid"
    assert refused_code(sign(SECRET, claims(exp=NOW + 3600))) == "too_long"


def test_wrong_audience_method_or_path():
    token = sign(SECRET, claims())
    assert refused_code(token, audience="network") == "wrong_audience"
    assert refused_code(token, method="POST") == "wrong_request"
    assert refused_code(token, path="/account/invoices") == "wrong_request"


def test_wrong_types_are_malformed():
    assert refused_code(sign(SECRET, claims(sub="5"))) == "malformed"
    assert refused_code(sign(SECRET, claims(jti="short"))) == "malformed"


VECTOR = Path("wp-plugin-shim/tests/assertion-vector.php")


@pytest.mark.skipif(not which("php"), reason="php is not installed")
def test_php_and_python_sign_the_same_bytes():
    """The shim's signer (PHP) and ours agree byte for byte on a fixed vector."""
    vector = json.loads(
        subprocess.run(["php", str(VECTOR)], capture_output=True, check=True, text=True).stdout
    )
    assert sign(vector["secret"], Claims(**vector["claims"])) == vector["token"]
