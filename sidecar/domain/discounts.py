"""Discount codes: a percentage or a fixed amount off the first payment (and, if the code says
so, off renewals too), limited in uses and in time.

Codes are stored in capitals and matched case-insensitively. Times are naive UTC datetimes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext, lazy_gettext, ngettext

from ..errors import Conflict, Invalid, NotFound
from ..i18n import format_day
from ..store import discount_codes as store
from ..wp_bridge.db import Database
from . import events
from .events import SYSTEM, Actor
from .money import CURRENCIES, MAX_AMOUNT, ZERO, money

KINDS = ("percent", "fixed")
DESCRIPTION_MAX = 255
_CODE = re.compile(r"^[A-Za-z0-9_-]{3,40}$")
FIELD = "discount_code"  # the field Invalid errors from find_usable are reported under


@dataclass(frozen=True)
class DiscountCode:
    """A discount code. ``amount`` is a percentage (0–100] for ``percent`` codes, or money in
    ``currency`` for ``fixed`` ones."""

    id: int
    code: str
    kind: str
    amount: Decimal
    currency: str | None = None
    applies_to_renewals: bool = False
    description: str = ""
    max_uses: int | None = None
    uses: int = 0
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    active: bool = True
    created_at: datetime | None = None

    @property
    def used_up(self) -> bool:
        """True when the code has been used ``max_uses`` times."""
        return self.max_uses is not None and self.uses >= self.max_uses

    def status(self, now: datetime) -> str:
        """Return ``inactive``, ``scheduled``, ``expired``, ``used up`` or ``active``."""
        now = _naive_utc(now)
        if not self.active:
            return "inactive"
        if self.valid_from and now < self.valid_from:
            return "scheduled"
        if self.valid_until and now > self.valid_until:
            return "expired"
        return "used up" if self.used_up else "active"


# --- applying a code -------------------------------------------------------------------------


def discount_for(code: DiscountCode, amount: Decimal, *, renewal: bool) -> Decimal:
    """Return how much ``code`` takes off ``amount`` (quantised to 0.01): 0 on a renewal when
    the code is for the first payment only, never more than ``amount``, never negative."""
    total = money(amount)
    if total <= 0 or (renewal and not code.applies_to_renewals):
        return ZERO
    if code.kind == "percent":
        off = money(total * Decimal(code.amount) / 100)
    else:
        off = money(code.amount)
    return max(ZERO, min(off, total))


def find_usable(db: Database, code: str, *, currency: str, now: datetime) -> DiscountCode:
    """Return the code a customer typed if it can be used now on a price in ``currency``.

    Raises Invalid (under ``discount_code``) saying why not: unknown, switched off, not valid
    yet, expired, used up, or a fixed amount in another currency.
    """
    typed = (code or "").strip()
    row = store.find_by_code(db, typed) if typed else None
    if row is None:
        _refuse(
            gettext("There is no discount code %(code)s. Check its spelling.", code=typed)
            if typed
            else gettext("Enter a discount code.")
        )
    found = DiscountCode(**row)
    reason = _unusable_reason(found, currency, _naive_utc(now))
    if reason:
        _refuse(reason)
    return found


def _unusable_reason(code: DiscountCode, currency: str, now: datetime) -> str | None:
    state = code.status(now)
    if state == "inactive":
        return gettext("The discount code %(code)s is no longer available.", code=code.code)
    if state == "scheduled":
        return gettext(
            "The discount code %(code)s can be used from %(day)s.",
            code=code.code,
            day=format_day(code.valid_from),
        )
    if state == "expired":
        return gettext(
            "The discount code %(code)s expired on %(day)s.",
            code=code.code,
            day=format_day(code.valid_until),
        )
    if state == "used up":
        return gettext("The discount code %(code)s has been used up.", code=code.code)
    if code.kind == "fixed" and code.currency != (currency or "").upper():
        return gettext(
            "The discount code %(code)s only applies to prices in %(currency)s.",
            code=code.code,
            currency=code.currency,
        )
    return None


def _refuse(message: str):
    raise Invalid({FIELD: [message]}, message)


def redeem(db: Database, code_id: int, *, actor: Actor = SYSTEM) -> DiscountCode:
    """Count one use of a code, atomically, and record ``discount_code.redeemed``; call it in
    the transaction of the purchase. Raises NotFound, or Conflict when it is used up."""
    with db.transaction():
        if not store.use_once(db, code_id):
            row = store.get(db, code_id)
            if row is None:
                raise NotFound(gettext("There is no discount code with this id."))
            raise Conflict(
                gettext("The discount code %(code)s has been used up.", code=row["code"])
            )
        after = DiscountCode(**store.get(db, code_id))
        events.record(
            db,
            actor,
            "discount_code",
            code_id,
            "discount_code.redeemed",
            None,
            {"uses": after.uses},
        )
    return after


# --- administration --------------------------------------------------------------------------


def list_codes(db: Database) -> list[DiscountCode]:
    """Return every code, active ones first, then by code."""
    return [DiscountCode(**row) for row in store.list_all(db)]


def get_code(db: Database, code_id: int) -> DiscountCode:
    """Return one code. Raises NotFound."""
    row = store.get(db, code_id)
    if row is None:
        raise NotFound(gettext("There is no discount code with this id."))
    return DiscountCode(**row)


def create_code(db: Database, data: Mapping[str, Any], actor: Actor) -> DiscountCode:
    """Create a code from ``data`` (code, kind, amount; currency for fixed codes; optional
    description, applies_to_renewals, max_uses, valid_from, valid_until, active) and record
    ``discount_code.created``. Raises Invalid with per-field messages."""
    with db.transaction():
        fields = _cleaned(db, data, code_id=None, uses=0)
        code = DiscountCode(**store.get(db, store.insert(db, fields)))
        events.record(db, actor, "discount_code", code.id, "discount_code.created", None, code)
    return code


def update_code(db: Database, data: Mapping[str, Any], actor: Actor) -> DiscountCode:
    """Change the code ``data["id"]``: the fields given replace the current ones; records
    ``discount_code.updated``. Raises NotFound, or Invalid with per-field messages."""
    code_id = data.get("id")
    with db.transaction():
        row = store.get(db, code_id, for_update=True) if isinstance(code_id, int) else None
        if row is None:
            raise NotFound(gettext("There is no discount code with this id."))
        before = DiscountCode(**row)
        merged = {**asdict(before), **{k: v for k, v in data.items() if k != "id"}}
        store.update(db, code_id, _cleaned(db, merged, code_id=code_id, uses=before.uses))
        after = get_code(db, code_id)
        events.record(db, actor, "discount_code", code_id, "discount_code.updated", before, after)
    return after


def deactivate_code(db: Database, code_id: int, actor: Actor) -> DiscountCode:
    """Switch a code off (memberships that used it keep their discount); records
    ``discount_code.deactivated``. Raises NotFound."""
    return _set_active(db, code_id, False, actor)


def activate_code(db: Database, code_id: int, actor: Actor) -> DiscountCode:
    """Switch a code back on; records ``discount_code.activated``. Raises NotFound."""
    return _set_active(db, code_id, True, actor)


def _set_active(db: Database, code_id: int, active: bool, actor: Actor) -> DiscountCode:
    with db.transaction():
        row = store.get(db, code_id, for_update=True)
        if row is None:
            raise NotFound(gettext("There is no discount code with this id."))
        before = DiscountCode(**row)
        if before.active == active:
            return before
        store.set_active(db, code_id, active)
        after = get_code(db, code_id)
        action = "discount_code.activated" if active else "discount_code.deactivated"
        events.record(db, actor, "discount_code", code_id, action, before, after)
    return after


# --- checking --------------------------------------------------------------------------------


def check_code(data: Mapping[str, Any], *, complete: bool = False) -> dict[str, list[str]]:
    """Return the problems with a code's fields as ``{field: [message]}``. Only the fields
    present are checked unless ``complete``, which also asks for the required ones."""
    problems: dict[str, list[str]] = {}
    if complete:
        for name, message in _REQUIRED.items():
            if data.get(name) in (None, ""):
                problems[name] = [message]
    for name, check in _CHECKS.items():
        if name in data and name not in problems:
            message = check(data[name])
            if message:
                problems[name] = [message]
    for name, message in _combined_problems(data).items():
        problems.setdefault(name, [message])
    return problems


_REQUIRED = {
    "code": lazy_gettext("Enter the code customers will type, e.g. WELCOME10."),
    "kind": lazy_gettext("Choose a percentage or a fixed amount."),
    "amount": lazy_gettext("Enter how much the code takes off."),
}


def _check_code_text(value: Any) -> str | None:
    if isinstance(value, str) and _CODE.match(value.strip()):
        return None
    return gettext("A code has 3 to 40 letters, digits, hyphens or underscores.")


def _check_kind(value: Any) -> str | None:
    return None if value in KINDS else gettext("The kind must be percent or fixed.")


def _check_amount(value: Any) -> str | None:
    try:
        amount = money(value)
    except ValueError:
        return gettext("The amount must be a number, e.g. 10.")
    return None if amount <= MAX_AMOUNT else gettext("The amount is too large.")


def _check_currency(value: Any) -> str | None:
    if value in (None, ""):
        return None
    code = value.upper() if isinstance(value, str) else value
    return None if code in CURRENCIES else gettext("Unknown currency %(code)s.", code=value)


def _check_max_uses(value: Any) -> str | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
        return None
    return gettext("Maximum uses must be a whole number, 1 or more (empty = no limit).")


def _check_when(value: Any) -> str | None:
    return None if value is None or isinstance(value, datetime) else gettext("Enter a date.")


def _check_flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else gettext("Choose yes or no.")


def _check_description(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and len(value) <= DESCRIPTION_MAX):
        return None
    return gettext("The description can have at most %(max)d characters.", max=DESCRIPTION_MAX)


_CHECKS = {
    "code": _check_code_text,
    "kind": _check_kind,
    "amount": _check_amount,
    "currency": _check_currency,
    "max_uses": _check_max_uses,
    "valid_from": _check_when,
    "valid_until": _check_when,
    "applies_to_renewals": _check_flag,
    "active": _check_flag,
    "description": _check_description,
}


def _combined_problems(data: Mapping[str, Any]) -> dict[str, str]:
    problems = {}
    amount = _safe_money(data.get("amount"))
    if data.get("kind") == "percent" and amount is not None and not 0 < amount <= 100:
        problems["amount"] = gettext("A percentage must be more than 0 and at most 100.")
    if data.get("kind") == "fixed":
        if amount is not None and amount <= 0:
            problems["amount"] = gettext("A fixed discount must be more than 0.")
        if not data.get("currency"):
            problems["currency"] = gettext("Choose the currency of a fixed discount.")
    start, end = data.get("valid_from"), data.get("valid_until")
    if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        problems["valid_until"] = gettext("The end date must be on or after the start date.")
    return problems


def _safe_money(value: Any) -> Decimal | None:
    try:
        return money(value)
    except ValueError:
        return None


def _cleaned(db: Database, data: Mapping[str, Any], *, code_id: int | None, uses: int) -> dict:
    """Check ``data`` (raising Invalid) and return the row to store."""
    problems = check_code(data, complete=True)
    max_uses = data.get("max_uses")
    if "max_uses" not in problems and max_uses is not None and max_uses < uses:
        problems["max_uses"] = [
            ngettext(
                "This code was already used once; the maximum cannot be lower.",
                "This code was already used %(num)d times; the maximum cannot be lower.",
                uses,
            )
        ]
    text = data["code"].strip().upper() if "code" not in problems else ""
    existing = store.find_by_code(db, text) if text else None
    if existing and existing["id"] != code_id:
        problems["code"] = [
            gettext("There is already a discount code %(code)s.", code=existing["code"])
        ]
    if problems:
        raise Invalid(problems)
    return {
        "code": text,
        "description": (data.get("description") or "").strip(),
        "kind": data["kind"],
        "amount": money(data["amount"]),
        "currency": data["currency"].upper() if data["kind"] == "fixed" else None,
        "applies_to_renewals": data.get("applies_to_renewals", False),
        "max_uses": max_uses,
        "valid_from": data.get("valid_from"),
        "valid_until": data.get("valid_until"),
        "active": data.get("active", True),
    }


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
