"""Languages: English, Dutch and French (Flask-Babel, gettext catalogues in
``sidecar/translations``; ``make translations`` extracts, updates and compiles them).

The language is the WordPress user's locale, which the shim sends in every assertion
(``loc``: ``get_user_locale()``, i.e. the user's ``locale`` meta, else the site's ``WPLANG``).
Dates, numbers and money are formatted for that locale too. Without a verified assertion the
request's ``Accept-Language`` decides; outside requests (the jobs process, the CLI) everything
is English.

Code marks text with ``flask_babel.gettext`` inside functions and ``lazy_gettext`` for
module-level constants (translated when rendered); templates use ``_()``, ``ngettext()`` and
``{% trans %}``. The formatting helpers here work outside a request too (English).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as babel_percent
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext, lazy_pgettext
from markupsafe import Markup, escape

from .domain import dns_reasons
from .domain.money import money

SUPPORTED = ("en", "nl", "fr")
DEFAULT = "en"
NONE = "—"

# Words for the values the database stores, as people read them (template filters of the
# same names; an unknown value is shown as stored).
LABELS = {
    "membership_status": {
        "pending": lazy_pgettext("membership status", "Pending"),
        "active": lazy_pgettext("membership status", "Active"),
        "on_hold": lazy_pgettext("membership status", "On hold"),
        "expired": lazy_pgettext("membership status", "Expired"),
        "cancelled": lazy_pgettext("membership status", "Cancelled"),
    },
    "invoice_status": {
        "pending": lazy_pgettext("invoice status", "Pending"),
        "paid": lazy_pgettext("invoice status", "Paid"),
        "refunded": lazy_pgettext("invoice status", "Refunded"),
        "failed": lazy_pgettext("invoice status", "Failed"),
        "cancelled": lazy_pgettext("invoice status", "Cancelled"),
    },
    "payment_status": {
        "pending": lazy_pgettext("payment status", "Pending"),
        "succeeded": lazy_pgettext("payment status", "Received"),
        "completed": lazy_pgettext("payment status", "Received"),
        "paid": lazy_pgettext("payment status", "Received"),
        "refunded": lazy_pgettext("payment status", "Refunded"),
        "failed": lazy_pgettext("payment status", "Failed"),
    },
    "invoice_reason": {
        "signup": lazy_pgettext("invoice reason", "Sign-up"),
        "renewal": lazy_pgettext("invoice reason", "Renewal"),
        "change": lazy_pgettext("invoice reason", "Plan change"),
        "package": lazy_pgettext("invoice reason", "Package"),
    },
    "site_status": {
        "active": lazy_pgettext("site status", "Active"),
        "archived": lazy_pgettext("site status", "Archived"),
        "spam": lazy_pgettext("site status", "Spam"),
        "deleted": lazy_pgettext("site status", "Deleted"),
    },
    # After a price: "€ 9,99 / maand".
    "per_period": {
        "month": lazy_pgettext("billing period", "month"),
        "year": lazy_pgettext("billing period", "year"),
    },
    "actor": {
        "admin": lazy_pgettext("actor", "Administrator"),
        "customer": lazy_pgettext("actor", "Customer"),
        "system": lazy_pgettext("actor", "System"),
        "api": lazy_pgettext("actor", "API"),
    },
}


def label(vocabulary: str, value: str | None) -> str:
    """The words for a stored ``value`` of ``vocabulary`` (a key of ``LABELS``)."""
    if value is None:
        return NONE
    return str(LABELS[vocabulary].get(value, value))


def locale_from_wordpress(wp_locale: str | None) -> str:
    """Map a WordPress locale (``nl_NL``, ``fr_BE``, ``en_GB``, ``nl_NL_formal``) to a
    supported language; anything else is English."""
    language = (wp_locale or "").replace("-", "_").split("_")[0].lower()
    return language if language in SUPPORTED else DEFAULT


def select_locale() -> str:
    """Flask-Babel's locale selector: the viewer's WordPress locale from the verified
    assertion. Before (or without) one — a refused assertion, the JSON API — the request's
    ``Accept-Language`` (the shim sends the same locale there), else English."""
    claims = g.get("claims")
    if claims is not None:
        return locale_from_wordpress(getattr(claims, "loc", ""))
    if has_request_context():
        return request.accept_languages.best_match(SUPPORTED) or DEFAULT
    return DEFAULT


def current_locale() -> str:
    """The language of this request (``en`` outside a request)."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):  # no app, or an app without Babel
        locale = None
    return str(locale) if locale else DEFAULT


def format_money_local(amount: Decimal | int | str, currency: str) -> str:
    """An amount in the current locale's style: ``€29.00`` (English), ``€ 29,00`` (Dutch),
    ``29,00 €`` (French). Raises ValueError when ``amount`` is not a number."""
    return format_currency(money(amount), currency.upper(), locale=current_locale())


def format_number(value: int | float | Decimal | None, pattern: str | None = None) -> str:
    """A number with the locale's grouping and decimal signs (``12,345`` / ``12.345`` /
    ``12 345``), optionally in a CLDR ``pattern`` (``#,##0.0``); "—" for None."""
    if value is None:
        return NONE
    return format_decimal(value, format=pattern, locale=current_locale())


def format_percent(value: Decimal | int | float) -> str:
    """A percentage given in percent (``21`` → ``21%``, ``5.5`` → ``5.5%``; ``21 %`` in
    French)."""
    return babel_percent(
        Decimal(str(value)) / 100, locale=current_locale(), decimal_quantization=False
    )


def format_price(amount: Decimal | int | str, currency: str, period: str) -> str:
    """A price with how often it is paid: ``€29.00 / month``, ``€149.00 once``."""
    price = format_money_local(amount, currency)
    if period == "once":
        return gettext("%(price)s once", price=price)
    if period == "year":
        return gettext("%(price)s / year", price=price)
    if period == "month":
        return gettext("%(price)s / month", price=price)
    return f"{price} / {period}"


def format_day(moment: date | datetime | None, style: str = "long") -> str:
    """A date for people: ``long`` (``29 november 2026``) or ``medium`` (``29 nov 2026``);
    "—" for none. Datetimes are UTC: their date is shown."""
    if not moment:
        return NONE
    day = moment.date() if isinstance(moment, datetime) else moment
    return format_date(day, format=style, locale=current_locale())


def format_moment(moment: datetime | None) -> str:
    """A UTC date and time to the minute (``29 nov 2026, 13:45``); "—" for none."""
    if not moment:
        return NONE
    locale = current_locale()
    day = format_date(moment.date(), format="medium", locale=locale)
    time = format_time(moment, "HH:mm", locale=locale)
    return get_datetime_format("medium", locale=locale).format(time, day)


def country_name(code: str) -> str:
    """A country's name in the current language (ISO 3166 alpha-2 ``code``)."""
    return dict(_countries(current_locale())).get(code, code)


def country_options() -> list[tuple[str, str]]:
    """Every country as ``(code, name)``, named and sorted in the current language."""
    return _countries(current_locale())


def country_select_options(selected: str) -> Markup:
    """Every country as the ``<option>``s of a select, ``selected`` marked — the markup is
    built once per language (a loop over ~250 countries in the template on every Account
    page was a tenth of its CPU time)."""
    options = _country_options_html(current_locale())
    return Markup("".join(chosen if code == selected else plain for code, plain, chosen in options))  # noqa: S704 (escaped when built)


@lru_cache(maxsize=len(SUPPORTED))
def _country_options_html(locale: str) -> list[tuple[str, str, str]]:
    options = []
    for code, name in _countries(locale):
        value, label = escape(code), escape(name)
        options.append(
            (
                code,
                f'<option value="{value}">{label}</option>',
                f'<option value="{value}" selected>{label}</option>',
            )
        )
    return options


@lru_cache(maxsize=len(SUPPORTED))
def _countries(locale: str) -> list[tuple[str, str]]:
    from .schemas.billing_address import COUNTRIES

    names = Locale.parse(locale).territories
    named = [(code, names.get(code) or english) for code, english in COUNTRIES]
    return sorted(named, key=lambda item: _sort_key(item[1]))


def _sort_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def messages_text(problems) -> str:
    """Validation messages as one line of text: a message (plain or lazy), a list of them, or
    a mapping of nested ones."""
    if isinstance(problems, Mapping):
        return " ".join(messages_text(value) for value in problems.values())
    if isinstance(problems, list | tuple):
        return " ".join(messages_text(value) for value in problems)
    return str(problems)


def init_app(app: Flask) -> None:
    """Install Flask-Babel (with ``_``/``gettext``/``ngettext`` in templates), the
    locale-aware template filters ``money``, ``number``, ``day`` and ``moment``, and the
    globals ``countries()``, ``country_name(code)`` and ``country_select_options(code)``."""
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.filters.update(
        {name: _label_filter(name) for name in LABELS}
        | {
            "money": format_money_local,
            "price": format_price,
            "number": format_number,
            "day": format_day,
            "moment": format_moment,
            "messages": messages_text,
            "dns_reason": dns_reasons.localized,
        }
    )
    app.jinja_env.globals.update(
        countries=country_options,
        country_name=country_name,
        country_select_options=country_select_options,
    )


def _label_filter(vocabulary: str):
    return lambda value: label(vocabulary, value)
