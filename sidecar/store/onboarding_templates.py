"""Onboarding templates, their managers and attached webhooks: plain queries."""

from __future__ import annotations

import pymysql

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import global_table
from . import table

COLUMNS = ("name", "description", "plan_id", "payer_customer_id")


def list_for_network(db: Database, network_id: int) -> list[Row]:
    """Every template of a network, the default first, then by name."""
    return db.fetch_all(
        f"SELECT * FROM {table(db.prefix, 'onboarding_templates')} WHERE network_id = %s"
        " ORDER BY is_default IS NULL, name, id",
        (network_id,),
    )


def get(db: Database, network_id: int, template_id: int, *, for_update: bool = False) -> Row | None:
    """One template of a network, or None (locked FOR UPDATE when asked)."""
    lock = " FOR UPDATE" if for_update else ""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'onboarding_templates')}"
        f" WHERE network_id = %s AND id = %s{lock}",
        (network_id, template_id),
    )


def find_by_name(db: Database, network_id: int, name: str) -> Row | None:
    """The template of a network with this name, or None."""
    return db.fetch_one(
        f"SELECT * FROM {table(db.prefix, 'onboarding_templates')}"
        " WHERE network_id = %s AND name = %s",
        (network_id, name),
    )


def default_id(db: Database, network_id: int) -> int | None:
    """The id of the network's default template, or None."""
    return db.fetch_value(
        f"SELECT id FROM {table(db.prefix, 'onboarding_templates')}"
        " WHERE network_id = %s AND is_default = 1",
        (network_id,),
    )


def lock_network(db: Database, network_id: int) -> list[Row]:
    """Lock every template row of a network (inside the caller's transaction); return ids."""
    return db.fetch_all(
        f"SELECT id, is_default FROM {table(db.prefix, 'onboarding_templates')}"
        " WHERE network_id = %s ORDER BY id FOR UPDATE",
        (network_id,),
    )


def insert(db: Database, network_id: int, values: dict) -> int:
    """Insert a template (never the default); return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'onboarding_templates')} (network_id, name, description,"
        " plan_id, payer_customer_id, is_default, created_at, updated_at) VALUES (%(net)s,"
        " %(name)s, %(description)s, %(plan_id)s, %(payer_customer_id)s, NULL,"
        " UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        {"net": network_id, **{key: values[key] for key in COLUMNS}},
    )


def update(db: Database, template_id: int, values: dict) -> None:
    """Replace a template's editable columns."""
    db.execute(
        f"UPDATE {table(db.prefix, 'onboarding_templates')} SET name = %(name)s,"
        " description = %(description)s, plan_id = %(plan_id)s,"
        " payer_customer_id = %(payer_customer_id)s, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %(id)s",
        {"id": template_id, **{key: values[key] for key in COLUMNS}},
    )


def clear_default(db: Database, network_id: int) -> None:
    """Make no template of the network the default."""
    db.execute(
        f"UPDATE {table(db.prefix, 'onboarding_templates')} SET is_default = NULL"
        " WHERE network_id = %s AND is_default = 1",
        (network_id,),
    )


def mark_default(db: Database, template_id: int) -> None:
    """Make one template the default (the UNIQUE key refuses a second one)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'onboarding_templates')} SET is_default = 1,"
        " updated_at = UTC_TIMESTAMP() WHERE id = %s",
        (template_id,),
    )


def delete(db: Database, template_id: int) -> None:
    """Delete a template with its managers and webhook links."""
    for name in ("onboarding_managers", "onboarding_webhooks"):
        db.execute(f"DELETE FROM {table(db.prefix, name)} WHERE template_id = %s", (template_id,))
    db.execute(
        f"DELETE FROM {table(db.prefix, 'onboarding_templates')} WHERE id = %s", (template_id,)
    )


def managers(db: Database, template_ids: list[int]) -> list[Row]:
    """The managers (template_id, user_id, role, user_login) of the given templates."""
    if not template_ids:
        return []
    marks = ", ".join(["%s"] * len(template_ids))
    return db.fetch_all(
        f"SELECT m.template_id, m.user_id, m.role, u.user_login, u.display_name"
        f" FROM {table(db.prefix, 'onboarding_managers')} m"
        f" LEFT JOIN {global_table(db.prefix, 'users')} u ON u.ID = m.user_id"
        f" WHERE m.template_id IN ({marks}) ORDER BY u.user_login, m.user_id",
        tuple(template_ids),
    )


def set_managers(db: Database, template_id: int, managers_: list[tuple[int, str]]) -> None:
    """Replace a template's managers with (user_id, role) pairs."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'onboarding_managers')} WHERE template_id = %s",
        (template_id,),
    )
    for user_id, role in managers_:
        db.execute(
            f"INSERT INTO {table(db.prefix, 'onboarding_managers')} (template_id, user_id, role)"
            " VALUES (%s, %s, %s)",
            (template_id, user_id, role),
        )


def webhook_ids(db: Database, template_ids: list[int]) -> list[Row]:
    """The (template_id, webhook_id) links of the given templates."""
    if not template_ids:
        return []
    marks = ", ".join(["%s"] * len(template_ids))
    return db.fetch_all(
        f"SELECT template_id, webhook_id FROM {table(db.prefix, 'onboarding_webhooks')}"
        f" WHERE template_id IN ({marks}) ORDER BY webhook_id",
        tuple(template_ids),
    )


def set_webhooks(db: Database, template_id: int, webhook_ids_: list[int]) -> None:
    """Replace the webhooks a template attaches."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'onboarding_webhooks')} WHERE template_id = %s",
        (template_id,),
    )
    for webhook_id in webhook_ids_:
        db.execute(
            f"INSERT INTO {table(db.prefix, 'onboarding_webhooks')} (template_id, webhook_id)"
            " VALUES (%s, %s)",
            (template_id, webhook_id),
        )


def payer_choices(db: Database, limit: int = 500) -> list[Row]:
    """Customers who can pay for others: id, login and name, by login."""
    return db.fetch_all(
        f"SELECT c.id, u.user_login, u.display_name, u.user_email"
        f" FROM {table(db.prefix, 'customers')} c"
        f" JOIN {global_table(db.prefix, 'users')} u ON u.ID = c.user_id"
        " ORDER BY u.user_login LIMIT %s",
        (limit,),
    )


def user_choices(db: Database, limit: int = 500) -> list[Row]:
    """Network users who can be managers: ID, login and name, by login."""
    return db.fetch_all(
        f"SELECT ID AS id, user_login, display_name FROM {global_table(db.prefix, 'users')}"
        " WHERE user_status = 0 ORDER BY user_login LIMIT %s",
        (limit,),
    )


def mark_default_if_none(db: Database, template_id: int) -> bool:
    """Make a template the default unless the network has one already (the UNIQUE key
    decides under concurrency); True when it became the default."""
    try:
        with db.transaction():
            mark_default(db, template_id)
    except pymysql.err.IntegrityError:
        return False
    return True
