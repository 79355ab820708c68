"""Languages: the WordPress locale picks Dutch, French or English; money, numbers and dates are
written the way that language writes them; translated texts reach templates and messages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask import Flask, g, render_template_string
from flask_babel import gettext

from sidecar import i18n

NBSP = "\u00a0"


@pytest.fixture
def app():
    app = Flask("sidecar")  # root path: the sidecar package, so its translations load
    i18n.init_app(app)
    return app


def in_language(app, wp_locale: str):
    """A request context whose verified assertion carries ``wp_locale``."""
    ctx = app.test_request_context("/account/")
    ctx.push()
    g.claims = SimpleNamespace(loc=wp_locale)
    return ctx


@pytest.mark.parametrize(
    ("wp_locale", "language"),
    [
        ("nl_NL", "nl"),
        ("nl_BE", "nl"),
        ("nl_NL_formal", "nl"),
        ("fr_FR", "fr"),
        ("fr_CA", "fr"),
        ("en_US", "en"),
        ("de_DE", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_wordpress_locales_map_to_a_language(wp_locale, language):
    assert i18n.locale_from_wordpress(wp_locale) == language


def test_the_assertion_decides_before_accept_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr-FR"}):
        assert i18n.select_locale() == "fr"
        g.claims = SimpleNamespace(loc="nl_NL")
        assert i18n.select_locale() == "nl"
    with app.test_request_context("/"):
        assert i18n.select_locale() == "en"


def test_outside_a_request_everything_is_english():
    assert i18n.current_locale() == "en"
    assert i18n.format_money_local(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert gettext("Billing Address") == "Billing Address"


@pytest.mark.parametrize(
    ("wp_locale", "money", "number", "day", "percent"),
    [
        ("en_US", "€29.00", "12,345", "November 29, 2026", "21%"),
        ("nl_NL", f"€{NBSP}29,00", "12.345", "29 november 2026", "21%"),
        ("fr_FR", f"29,00{NBSP}€", "12\u202f345", "29 novembre 2026", f"21{NBSP}%"),
    ],
)
def test_money_numbers_and_dates_in_each_language(app, wp_locale, money, number, day, percent):
    ctx = in_language(app, wp_locale)
    try:
        assert i18n.format_money_local(Decimal("29"), "eur") == money
        assert i18n.format_number(12345) == number
        assert i18n.format_day(datetime(2026, 11, 29, 23, 59)) == day
        assert i18n.format_day(date(2026, 11, 29)) == day
        assert i18n.format_percent(Decimal("21.00")) == percent
        assert i18n.format_day(None) == i18n.format_number(None) == "—"
    finally:
        ctx.pop()


def test_prices_labels_and_templates_are_translated(app):
    ctx = in_language(app, "fr_FR")
    try:
        assert i18n.format_price(Decimal("9.5"), "EUR", "month") == f"9,50{NBSP}€ / mois"
        assert i18n.label("invoice_status", "paid") == "Payée"
        assert i18n.label("membership_status", "on_hold") == "Suspendue"
        assert i18n.label("invoice_status", "unknown") == "unknown"
        page = render_template_string(
            '{{ _("Billing Address") }} · {{ 29|money("EUR") }} · {{ "active"|membership_status }}'
            ' · {{ ngettext("%(num)d minute left", "%(num)d minutes left", 5) }}'
        )
        assert page == f"Adresse de facturation · 29,00{NBSP}€ · Active · encore 5 minutes"
        assert i18n.country_name("NL") == "Pays-Bas"
        assert ("DE", "Allemagne") in i18n.country_options()
    finally:
        ctx.pop()


def test_lazy_messages_are_translated_when_shown(app):
    from sidecar.errors import NotFound
    from sidecar.schemas.billing_address import BILLING_ADDRESS_FORM

    ctx = in_language(app, "nl_NL")
    try:
        assert str(NotFound().message) == "Deze pagina bestaat niet of is niet van jou."
        errors = BILLING_ADDRESS_FORM.validate({"billing_country": "NL"})
        assert errors["billing_name"] == ["Naam is verplicht."]
        address = {"billing_name": "A", "billing_address_1": "B", "billing_city": "C"}
        errors = BILLING_ADDRESS_FORM.validate({**address, "billing_country": "NL"})
        assert errors == {"billing_postcode": ["Voor dit land is een postcode verplicht."]}
    finally:
        ctx.pop()
