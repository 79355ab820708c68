"""The site templates catalogue, the network's template settings and each plan's template
settings (Allow Site Templates, selection mode, Available / Not Available per template)."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import global_table
from . import table

_COLUMNS = "t.blog_id, t.network_id, t.name, t.description, t.preview_url, t.sort_order"


# --- the catalogue ---------------------------------------------------------------------------


def list_templates(db: Database, network_id: int) -> list[Row]:
    """Every template of the network (sites that still exist), by sort order and name."""
    return db.fetch_all(
        f"SELECT {_COLUMNS}, b.domain, b.path FROM {table(db.prefix, 'site_templates')} t"
        f" JOIN {global_table(db.prefix, 'blogs')} b ON b.blog_id = t.blog_id AND b.deleted = 0"
        " WHERE t.network_id = %s ORDER BY t.sort_order, t.name, t.blog_id",
        (network_id,),
    )


def get_template(db: Database, network_id: int, blog_id: int) -> Row | None:
    """One template of the network, or None (not a template, or its site is gone)."""
    return db.fetch_one(
        f"SELECT {_COLUMNS}, b.domain, b.path FROM {table(db.prefix, 'site_templates')} t"
        f" JOIN {global_table(db.prefix, 'blogs')} b ON b.blog_id = t.blog_id AND b.deleted = 0"
        " WHERE t.network_id = %s AND t.blog_id = %s",
        (network_id, blog_id),
    )


def save_template(db: Database, network_id: int, blog_id: int, values: dict) -> None:
    """Mark ``blog_id`` as a template or update its name, description, preview and order."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'site_templates')} (blog_id, network_id, name,"
        " description, preview_url, sort_order, created_at, updated_at) VALUES (%(blog_id)s,"
        " %(network_id)s, %(name)s, %(description)s, %(preview_url)s, %(sort_order)s,"
        " UTC_TIMESTAMP(), UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE name = VALUES(name),"
        " description = VALUES(description), preview_url = VALUES(preview_url),"
        " sort_order = VALUES(sort_order), updated_at = UTC_TIMESTAMP()",
        {**values, "blog_id": blog_id, "network_id": network_id},
    )


def delete_template(db: Database, blog_id: int) -> int:
    """Unmark a template: forget it and every plan's choice about it. Returns rows removed."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'plan_template_choices')} WHERE blog_id = %s", (blog_id,)
    )
    db.execute(
        f"UPDATE {table(db.prefix, 'plan_templates')} SET"
        " assigned_blog_id = IF(assigned_blog_id = %s, NULL, assigned_blog_id),"
        " preselected_blog_id = IF(preselected_blog_id = %s, NULL, preselected_blog_id)",
        (blog_id, blog_id),
    )
    return db.execute(
        f"DELETE FROM {table(db.prefix, 'site_templates')} WHERE blog_id = %s", (blog_id,)
    )


# --- the network setting ---------------------------------------------------------------------


def allow_switching(db: Database, network_id: int) -> bool:
    """The network's Allow Template Switching (False when never saved)."""
    value = db.fetch_value(
        f"SELECT allow_switching FROM {table(db.prefix, 'template_settings')}"
        " WHERE network_id = %s",
        (network_id,),
    )
    return bool(value)


def save_allow_switching(db: Database, network_id: int, allowed: bool) -> None:
    """Store the network's Allow Template Switching."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'template_settings')} (network_id, allow_switching,"
        " updated_at) VALUES (%s, %s, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE"
        " allow_switching = VALUES(allow_switching), updated_at = UTC_TIMESTAMP()",
        (network_id, int(allowed)),
    )


# --- per plan --------------------------------------------------------------------------------


def plan_settings(db: Database, plan_id: int) -> Row | None:
    """A plan's template settings row, or None (never saved: templates off)."""
    return db.fetch_one(
        "SELECT plan_id, allow_templates, mode, assigned_blog_id, preselected_blog_id"
        f" FROM {table(db.prefix, 'plan_templates')} WHERE plan_id = %s",
        (plan_id,),
    )


def available_ids(db: Database, plan_id: int) -> set[int]:
    """The templates a plan marks Available."""
    rows = db.fetch_all(
        f"SELECT blog_id FROM {table(db.prefix, 'plan_template_choices')}"
        " WHERE plan_id = %s AND available = 1",
        (plan_id,),
    )
    return {int(row["blog_id"]) for row in rows}


def save_plan_settings(db: Database, plan_id: int, values: dict, available: set[int]) -> None:
    """Replace a plan's template settings (allow_templates, mode, assigned_blog_id,
    preselected_blog_id) and the set of its Available templates."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'plan_templates')} (plan_id, allow_templates, mode,"
        " assigned_blog_id, preselected_blog_id, updated_at) VALUES (%(plan_id)s,"
        " %(allow_templates)s, %(mode)s, %(assigned_blog_id)s, %(preselected_blog_id)s,"
        " UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE allow_templates = VALUES(allow_templates),"
        " mode = VALUES(mode), assigned_blog_id = VALUES(assigned_blog_id),"
        " preselected_blog_id = VALUES(preselected_blog_id), updated_at = UTC_TIMESTAMP()",
        {**values, "plan_id": plan_id},
    )
    db.execute(
        f"DELETE FROM {table(db.prefix, 'plan_template_choices')} WHERE plan_id = %s", (plan_id,)
    )
    for blog_id in sorted(available):
        db.execute(
            f"INSERT INTO {table(db.prefix, 'plan_template_choices')} (plan_id, blog_id,"
            " available) VALUES (%s, %s, 1)",
            (plan_id, blog_id),
        )


def delete_plan_settings(db: Database, plan_id: int) -> None:
    """Forget a plan's template settings (back to: templates off)."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'plan_template_choices')} WHERE plan_id = %s", (plan_id,)
    )
    db.execute(f"DELETE FROM {table(db.prefix, 'plan_templates')} WHERE plan_id = %s", (plan_id,))
