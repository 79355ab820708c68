"""Logs: text or JSON lines with the request id; secrets never written."""

import io
import json
import logging
import sys

import pytest

from sidecar.config import load_settings
from sidecar.logging_setup import REDACTED, Redactor, configure_from_settings

APP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"
SHIM_SECRET = "s" * 20 + "shimsecret-0123456789"
DB_PASSWORD = "db-password-9876"
API_KEY = "sk_abcdef123456_" + "Z" * 32
FORM_PASSWORD = "Correct-Horse-Battery-7"


def _settings(log_format: str):
    return load_settings(
        None,
        environ={
            "SIDECAR_DATABASE_HOST": "127.0.0.1",
            "SIDECAR_DATABASE_PORT": "1",
            "SIDECAR_DATABASE_USER": "nobody",
            "SIDECAR_DATABASE_PASSWORD": DB_PASSWORD,
            "SIDECAR_DATABASE_NAME": "nothing",
            "SIDECAR_WORDPRESS_URL": "http://127.0.0.1:1/",
            "SIDECAR_WORDPRESS_APP_PASSWORD": APP_PASSWORD,
            "SIDECAR_SHIM_SECRET": SHIM_SECRET,
            "SIDECAR_SIDECAR_BASE_URL": "http://127.0.0.1:2",
            "SIDECAR_SIDECAR_SECRET_KEY": "k" * 40,
            "SIDECAR_SIDECAR_LOG_FORMAT": log_format,
        },
    )


@pytest.fixture
def app_and_log(request, tmp_path, monkeypatch):
    from flask import request as flask_request

    from sidecar import create_app

    monkeypatch.chdir(tmp_path)  # no config.toml here: everything from the environment
    settings = _settings(request.param)
    app = create_app(settings)
    stream = io.StringIO()
    configure_from_settings(settings, stream=stream)

    @app.post("/_careless")
    def careless():
        logging.getLogger("sidecar.test").warning(
            "form %s headers %s", dict(flask_request.form), dict(flask_request.headers)
        )
        return "ok"

    yield app, stream
    configure_from_settings(settings, stream=sys.stderr)


SECRETS = (APP_PASSWORD, SHIM_SECRET, DB_PASSWORD, API_KEY, FORM_PASSWORD, "k" * 40)


@pytest.mark.parametrize("app_and_log", ["text", "json"], indirect=True)
def test_secrets_never_reach_the_log(app_and_log):
    app, stream = app_and_log
    client = app.test_client()
    client.post(
        "/_careless",
        data={"login": "alice", "password": FORM_PASSWORD, "pass1": FORM_PASSWORD},
        headers={
            "Authorization": f"Bearer {API_KEY}",
            "X-Sidecar-Assertion": "eyJhbGciOi.payload.signature",
            "X-Request-Id": "req-42",
        },
    )
    client.get("/api/v1/sites/3", headers={"Authorization": f"Bearer {API_KEY}"})
    log = logging.getLogger("sidecar.test")
    log.error("connecting with %s and %s", APP_PASSWORD, SHIM_SECRET)
    try:
        raise RuntimeError(f"mysql said: access denied for password {DB_PASSWORD}")
    except RuntimeError:
        log.exception("boom")
    text = stream.getvalue()
    assert "req-42" in text and REDACTED in text and "boom" in text
    for secret in (*SECRETS, "eyJhbGciOi.payload.signature"):
        assert secret not in text


@pytest.mark.parametrize("app_and_log", ["json"], indirect=True)
def test_json_lines_carry_the_request_id_and_route(app_and_log):
    app, stream = app_and_log
    client = app.test_client()
    client.get("/healthz", headers={"X-Request-Id": "not-logged"})  # probes are not logged
    client.get("/no/such/page", headers={"X-Request-Id": "abc-123"})
    client.get("/no/such/page", headers={"X-Request-Id": "bad id with spaces"})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    first, second = [entry for entry in lines if entry["logger"] == "sidecar.access"][:2]
    assert first["request_id"] == "abc-123" and first["route"] == "<unmatched>"
    assert first["status"] == 404 and first["method"] == "GET" and first["level"] == "INFO"
    assert second["request_id"] == "-"
    assert "not-logged" not in stream.getvalue()


def test_the_request_id_is_echoed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from sidecar import create_app

    app = create_app(_settings("text"))
    answer = app.test_client().get("/healthz", headers={"X-Request-Id": "trace-9"})
    assert answer.headers["X-Request-Id"] == "trace-9"


def test_the_assertion_rid_wins_over_the_header():
    from flask import Flask, g

    from sidecar.assertions import Claims
    from sidecar.logging_setup import request_id

    app = Flask(__name__)
    with app.test_request_context(headers={"X-Request-Id": "from-header"}):
        assert request_id() == "from-header"
        g.claims = Claims(
            aud="account",
            sub=1,
            blog=1,
            net=1,
            iat=0,
            exp=1,
            jti="j" * 22,
            mth="GET",
            pth="/",
            rid="from-shim",
        )
        assert request_id() == "from-shim"


def test_the_redactor_knows_secret_shapes():
    redact = Redactor(["my-known-secret"])
    assert redact("x my-known-secret y") == f"x {REDACTED} y"
    assert redact("Authorization: Bearer abc.def") == f"Authorization: Bearer {REDACTED}"
    assert redact("key sk_live_1234567890abcdef") == f"key {REDACTED}"
    assert redact("hook whsec_0123456789abcdef0123") == f"hook {REDACTED}"
    assert redact("user=alice&password=hunter22&x=1") == f"user=alice&password={REDACTED}&x=1"
    assert redact('{"new_password": "p4ss"}') == f'{{"new_password": "{REDACTED}"}}'
    assert redact("nothing secret here") == "nothing secret here"
