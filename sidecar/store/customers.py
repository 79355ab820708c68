"""The customers table (``{prefix}sidecar_customers``): a WordPress user who buys, with their
billing address."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table


def find_by_user(db: Database, user_id: int) -> Row | None:
    """Return the customer row of WordPress user ``user_id``, or None when they have none."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customers')} WHERE user_id = %s", (user_id,)
    )


BILLING_FIELDS = (
    "billing_name",
    "billing_company",
    "billing_address_1",
    "billing_address_2",
    "billing_city",
    "billing_postcode",
    "billing_state",
    "billing_country",
    "billing_vat_number",
)


def get(db: Database, customer_id: int) -> Row | None:
    """Return customer ``customer_id``, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customers')} WHERE id = %s", (customer_id,)
    )


def insert(db: Database, user_id: int, billing: dict | None = None) -> int:
    """Create the customer row of a WordPress user (ignored if it exists); return its id."""
    values = {key: (billing or {}).get(key, "") for key in BILLING_FIELDS}
    columns = ", ".join(BILLING_FIELDS)
    marks = ", ".join(f"%({key})s" for key in BILLING_FIELDS)
    db.execute(
        f"INSERT IGNORE INTO {table(db.prefix, 'customers')} (user_id, {columns},"
        f" created_at, updated_at) VALUES (%(user_id)s, {marks}, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        {"user_id": user_id, **values},
    )
    return int(find_by_user(db, user_id)["id"])


def update_billing(db: Database, customer_id: int, billing: dict) -> None:
    """Replace the billing address of customer ``customer_id``."""
    assignments = ", ".join(f"{key} = %({key})s" for key in BILLING_FIELDS)
    db.execute(
        f"UPDATE {table(db.prefix, 'customers')} SET {assignments}, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %(id)s",
        {"id": customer_id, **{key: billing.get(key, "") for key in BILLING_FIELDS}},
    )


def delete(db: Database, customer_id: int) -> int:
    """Delete customer ``customer_id``'s row (invoices keep their own snapshots)."""
    return db.execute(f"DELETE FROM {table(db.prefix, 'customers')} WHERE id = %s", (customer_id,))


# The columns the customers grid and the customer page edit (besides the billing address).
PROFILE_FIELDS = (
    "group_id",
    "phone",
    "fax",
    "street",
    "city",
    "zip",
    "country",
    "state",
    "website_blog_id",
    "created_in",
    "email_confirmed",
    "birth_year",
    "birth_date",
    "vat_number",
    "gender",
    "company_id",
    "customer_type",
    "sales_rep_user_id",
    "newsletter",
    "active",
    "billing_first_name",
    "billing_last_name",
    "shipping_address",
)


def update_fields(db: Database, customer_id: int, changes: dict) -> int:
    """Set ``changes`` (keys from PROFILE_FIELDS or BILLING_FIELDS) on customer
    ``customer_id``; return the number of rows changed."""
    allowed = set(PROFILE_FIELDS) | set(BILLING_FIELDS)
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not customer fields: {sorted(unknown)}")
    if not changes:
        return 0
    assignments = ", ".join(f"{key} = %({key})s" for key in changes)
    return db.execute(
        f"UPDATE {table(db.prefix, 'customers')} SET {assignments}, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %(id)s",
        {**changes, "id": customer_id},
    )


def lock(db: Database, customer_id: int) -> Row | None:
    """Customer ``customer_id`` locked for update (``SELECT … FOR UPDATE``), or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'customers')} WHERE id = %s FOR UPDATE", (customer_id,)
    )
