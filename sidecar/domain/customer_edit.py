"""Editing one customer: the grid's inline edit (email, group, phone, ZIP, website, VAT
number, gender) and the customer page (every field). Input has been checked for shape by the
caller's schema; here: the group exists, the email is free across WordPress, the website is a
site of the customer, the sales representative is a network admin, the birth date is kept as
the settings allow. Name and email live in WordPress and change through its REST API.

All or nothing: the sidecar's row changes in a transaction that WordPress's change closes; when
WordPress refuses, the row is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from ..errors import Invalid, NotFound
from ..store import customer_companies, customer_groups
from ..store import customer_settings as settings_store
from ..store import customers as store
from ..wp_bridge import WordPress
from ..wp_bridge.rest import RestError
from ..wp_bridge.tables.sites import get_site
from ..wp_bridge.tables.user_accounts import site_roles
from ..wp_bridge.tables.users import find_users_by_email, get_user
from . import webhooks
from .events import Actor, record
from .ownership import is_super_admin

INLINE_FIELDS = ("email", "group_id", "phone", "zip", "website_blog_id", "vat_number", "gender")
FULL_BIRTH_DATES = "full_birth_dates"
MAIN_SITE_ID = 1


@dataclass(frozen=True)
class CustomerRecord:
    """A customer row with the WordPress user's name and email."""

    row: dict
    name: str
    email: str
    login: str


def get_customer(db, customer_id: int) -> CustomerRecord:
    """Customer ``customer_id`` with name and email. Raises NotFound."""
    row = store.get(db, customer_id)
    if row is None:
        raise NotFound(gettext("There is no such customer."))
    user = get_user(db, int(row["user_id"]))
    return CustomerRecord(
        row,
        user.display_name if user else "",
        user.email if user else "",
        user.login if user else "",
    )


def full_birth_dates(db) -> bool:
    """Whether day and month of birth are kept (otherwise only the year)."""
    return settings_store.get(db, FULL_BIRTH_DATES, "0") == "1"


def set_full_birth_dates(db, enabled: bool, actor: Actor) -> None:
    """Switch full birth dates on or off; off also forgets every stored day and month."""
    with db.transaction():
        settings_store.put(db, FULL_BIRTH_DATES, "1" if enabled else "0")
        forgotten = 0 if enabled else settings_store.forget_birth_dates(db)
        record(
            db,
            actor,
            "customers",
            0,
            "customers.birth_dates",
            None,
            {"full": enabled, "forgotten": forgotten},
        )


def update_customer(wp: WordPress, customer_id: int, data: dict, actor: Actor) -> CustomerRecord:
    """Apply ``data`` (schema-checked fields) to customer ``customer_id``; return the record.

    Raises NotFound, Invalid (field → messages; nothing written), or Unavailable-like
    RestError subclasses when WordPress cannot be reached (nothing written).
    """
    current = get_customer(wp.db, customer_id)
    changes, wp_changes = _checked(wp, current, dict(data))
    if not changes and not wp_changes:
        return current
    before = {key: current.row.get(key) for key in changes}
    before |= {key: getattr(current, key) for key in wp_changes}
    with wp.db.transaction():
        store.update_fields(wp.db, customer_id, changes)
        record(
            wp.db,
            actor,
            "customer",
            customer_id,
            "customer.updated",
            before,
            {**changes, **wp_changes},
        )
        if "newsletter" in changes and bool(changes["newsletter"]) != bool(before["newsletter"]):
            _emit_newsletter(wp, customer_id, bool(changes["newsletter"]), [customer_id])
        if wp_changes:
            _change_in_wordpress(wp, int(current.row["user_id"]), wp_changes)
    return get_customer(wp.db, customer_id)


def _emit_newsletter(wp: WordPress, customer_id: int | None, on: bool, ids: list[int]) -> None:
    """Queue ``newsletter.subscribed``/``unsubscribed`` for webhooks (inside the caller's
    transaction)."""
    kind = "newsletter.subscribed" if on else "newsletter.unsubscribed"
    webhooks.emit(wp.db, wp.network_id, kind, {"customer_ids": ids}, customer_id=customer_id)


def _checked(wp: WordPress, current: CustomerRecord, data: dict) -> tuple[dict, dict]:
    """Split ``data`` into sidecar column changes and WordPress changes (only what differs).
    Raises Invalid with every problem found."""
    errors: dict[str, list[str]] = {}
    wp_changes = {}
    for key in ("email", "name"):
        value = data.pop(key, None)
        if value is not None and value != getattr(current, key):
            wp_changes[key] = value
    if "email" in wp_changes:
        _check_email(wp, current, wp_changes["email"], errors)
    if "birth" in data:
        data.update(_birth(wp.db, data.pop("birth")))
    if "company" in data:
        name = data.pop("company").strip()
        data["company_id"] = customer_companies.ensure(wp.db, name) if name else None
    _check_references(wp, current, data, errors)
    if errors:
        raise Invalid(errors)
    changes = {key: value for key, value in data.items() if current.row.get(key) != value}
    return changes, wp_changes


def _check_email(wp: WordPress, current: CustomerRecord, email: str, errors: dict) -> None:
    others = [u for u in find_users_by_email(wp.db, email) if u.id != current.row["user_id"]]
    if others:
        errors["email"] = [gettext("This email address is already used by another account.")]
    elif _site_path(wp, int(current.row["user_id"])) is None:
        errors["email"] = [
            gettext(
                "This customer belongs to no site, so WordPress cannot change the email here."
                " Change it in Network Admin → Users."
            )
        ]


def _check_references(wp: WordPress, current: CustomerRecord, data: dict, errors: dict) -> None:
    if "group_id" in data and customer_groups.get(wp.db, data["group_id"]) is None:
        errors["group_id"] = [gettext("Choose a customer group from the list.")]
    blog_id = data.get("website_blog_id")
    if blog_id is not None and blog_id not in site_roles(wp.db, int(current.row["user_id"])):
        errors["website_blog_id"] = [gettext("Choose one of the customer's own sites.")]
    rep = data.get("sales_rep_user_id")
    if rep is not None:
        user = get_user(wp.db, rep)
        if user is None or not is_super_admin(wp.db, wp.network_id, user):
            errors["sales_rep_user_id"] = [gettext("Choose a network administrator.")]
    if data.get("customer_type") in ("company_admin", "company_user"):
        company = data.get("company_id", current.row.get("company_id"))
        if not company:
            errors["customer_type"] = [gettext("Company admins and users need a company.")]


def _birth(db, value: date | int | None) -> dict:
    """The birth columns for ``value`` (a date, a year, or None): the day is dropped unless
    full birth dates are enabled."""
    if value is None:
        return {"birth_year": None, "birth_date": None}
    if isinstance(value, date):
        keep = full_birth_dates(db)
        return {"birth_year": value.year, "birth_date": value if keep else None}
    return {"birth_year": int(value), "birth_date": None}


def _site_path(wp: WordPress, user_id: int) -> str | None:
    """The path of a site the user belongs to (the main site first): WordPress's REST API
    edits users only under such a site in a network. None when there is none."""
    roles = site_roles(wp.db, user_id)
    for blog_id in sorted(roles, key=lambda b: (b != MAIN_SITE_ID, b)):
        site = get_site(wp.db, blog_id)
        if site is not None:
            return site.path
    return None


def _change_in_wordpress(wp: WordPress, user_id: int, changes: dict) -> None:
    """POST the name/email changes to ``/wp/v2/users/<id>``. Raises Invalid when WordPress
    refuses the value, RestError subclasses when it cannot be reached."""
    body = {key: value for key, value in changes.items()}
    try:
        wp.rest.post(f"/wp/v2/users/{user_id}", json=body, site_path=_site_path(wp, user_id) or "/")
    except RestError as error:
        if error.status == 400:
            field = "email" if "email" in error.code or "email" in changes else "name"
            raise Invalid({field: [_wp_message(error)]}) from None
        raise


def _wp_message(error: RestError) -> str:
    if error.code == "rest_user_invalid_email":
        return gettext("WordPress refused this email address (invalid or already used).")
    return gettext("WordPress refused the change: %(message)s", message=error.message)
