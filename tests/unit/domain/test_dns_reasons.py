"""DNS check reasons: stored in English, shown in the reader's language with the same values."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import Flask, g

from sidecar import i18n
from sidecar.domain import dns_reasons
from sidecar.domain.dns_reasons import localized, reason

SAMPLES = {
    "nxdomain": {"domain": "nowhere.example"},
    "wrong_record": {"type": "A", "found": "203.0.113.9", "expected": "198.51.100.7"},
    "wrong_txt": {"name": "_sidecar-challenge.shop.nl", "found": '"abc"', "token": "sc-1"},
    "cname_chain": {"chain": "a.nl → b.nl", "expected": "sites.net.test"},
    "tls_failed": {"port": 443, "address": "127.0.0.1", "detail": "TLS error"},
    "no_resolver": {},
}


@pytest.fixture
def app():
    app = Flask("sidecar")
    i18n.init_app(app)
    return app


def _in(app, wp_locale: str):
    ctx = app.test_request_context("/account/")
    ctx.push()
    g.claims = SimpleNamespace(loc=wp_locale)
    return ctx


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)", text))


def test_every_template_is_recognised_again_in_english(app):
    ctx = _in(app, "en_US")
    try:
        for key, template in dns_reasons._TEMPLATES.items():
            values = {name: f"value-{name}" for name in _placeholders(template)}
            text = reason(key, **values)
            assert localized(text) == text, key
    finally:
        ctx.pop()


@pytest.mark.parametrize("wp_locale", ["nl_NL", "fr_FR"])
@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_a_stored_reason_is_shown_translated_with_its_values(app, wp_locale, key):
    text = reason(key, **SAMPLES[key])
    ctx = _in(app, wp_locale)
    try:
        shown = localized(text)
    finally:
        ctx.pop()
    assert shown != text
    for value in SAMPLES[key].values():
        assert str(value) in shown


def test_a_nested_reason_is_translated_too(app):
    inner = reason("dns_timeout")
    text = reason("retry", reason=inner)
    ctx = _in(app, "nl_NL")
    try:
        shown = localized(text)
        assert localized(inner) in shown
        assert inner not in shown
    finally:
        ctx.pop()


def test_an_unknown_text_is_shown_as_it_is(app):
    ctx = _in(app, "fr_FR")
    try:
        assert localized("something an older version wrote") == "something an older version wrote"
        assert localized("") == ""
    finally:
        ctx.pop()
