"""The customers grid's columns: label, filter kind, shown by default or optional, and how a
value is shown on screen and in exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext

GENDERS = ("", "female", "male", "other")
CUSTOMER_TYPES = ("individual", "company_admin", "company_user")

# Filter kinds: text (contains), prefix (starts with), number (exact), select (one of the
# options), date (from/to day), year (from/to year), none.


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    kind: str
    default: bool
    filter_key: str = ""

    @property
    def filter_on(self) -> str:
        """The store column a filter on this column compares."""
        return self.filter_key or self.key


_ = lazy_gettext
COLUMNS: tuple[Column, ...] = (
    Column("id", _("ID"), "number", True),
    Column("name", _("Name"), "text", True),
    Column("email", _("Email"), "text", True),
    Column("group", _("Group"), "select", True, "group_id"),
    Column("phone", _("Phone"), "text", True),
    Column("zip", _("ZIP"), "prefix", True),
    Column("country", _("Country"), "select", True),
    Column("state", _("State/Province"), "text", True),
    Column("since", _("Customer since"), "date", True),
    Column("website", _("Website"), "text", True),
    Column("email_confirmed", _("Confirmed email"), "select", True),
    Column("created_in", _("Account created in"), "text", True),
    Column("birth", _("Date of birth"), "year", True, "birth_year"),
    Column("vat_number", _("Tax/VAT number"), "text", True),
    Column("gender", _("Gender"), "select", True),
    Column("company", _("Company"), "text", False),
    Column("street", _("Street address"), "text", False),
    Column("city", _("City"), "text", False),
    Column("fax", _("Fax"), "text", False),
    Column("billing_first_name", _("Billing first name"), "text", False),
    Column("billing_last_name", _("Billing last name"), "text", False),
    Column("billing_address", _("Billing address"), "text", False),
    Column("shipping_address", _("Shipping address"), "text", False),
    Column("account_lock", _("Account lock"), "select", False),
    Column("active", _("Status"), "select", False),
    Column("customer_type", _("Customer type"), "select", False),
    Column("sales_rep", _("Sales representative"), "text", False),
    Column("newsletter", _("Newsletter"), "select", False),
)
del _

BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = [column.key for column in COLUMNS if column.default]
YES_NO_COLUMNS = ("email_confirmed", "newsletter")


def gender_label(value: str) -> str:
    """The shown name of a stored gender."""
    labels = {
        "": lazy_gettext("Not specified"),
        "female": lazy_gettext("Female"),
        "male": lazy_gettext("Male"),
        "other": lazy_gettext("Other"),
    }
    return str(labels.get(value, value))


def type_label(value: str) -> str:
    """The shown name of a stored customer type."""
    labels = {
        "individual": lazy_gettext("Individual user"),
        "company_admin": lazy_gettext("Company admin"),
        "company_user": lazy_gettext("Company user"),
    }
    return str(labels.get(value, value))


def select_options(key: str, groups: list[dict], countries: list[tuple[str, str]]) -> list:
    """(value, label) choices of a select filter (or an inline select) on column ``key``."""
    yes_no = [("1", str(lazy_gettext("Yes"))), ("0", str(lazy_gettext("No")))]
    options = {
        "group": [(str(g["id"]), g["name"]) for g in groups],
        "country": list(countries),
        "email_confirmed": yes_no,
        "newsletter": yes_no,
        "gender": [(value, gender_label(value)) for value in GENDERS],
        "customer_type": [(value, type_label(value)) for value in CUSTOMER_TYPES],
        "active": [("1", str(lazy_gettext("Active"))), ("0", str(lazy_gettext("Inactive")))],
        "account_lock": [
            ("1", str(lazy_gettext("Locked"))),
            ("0", str(lazy_gettext("Unlocked"))),
        ],
    }
    return options.get(key, [])


def display(key: str, value) -> str:
    """A stored value as people read it (screen and exports)."""
    if value is None:
        return ""
    if key in YES_NO_COLUMNS:
        return str(lazy_gettext("Yes") if int(value) else lazy_gettext("No"))
    if key == "account_lock":
        return str(lazy_gettext("Locked") if int(value) else lazy_gettext("Unlocked"))
    if key == "active":
        return str(lazy_gettext("Active") if int(value) else lazy_gettext("Inactive"))
    if key == "gender":
        return gender_label(value)
    if key == "customer_type":
        return type_label(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
