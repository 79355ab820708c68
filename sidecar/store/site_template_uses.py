"""Which template each site uses: the switches and undos the product side requested (with their
outcome once the engine finished) and, per site, the template its content comes from now."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import global_table
from . import table

_USE_COLUMNS = (
    "id, blog_id, switch_id, kind, template_blog_id, previous_blog_id, source, outcome, created_at"
)


def add_use(db: Database, values: dict) -> int:
    """Remember a requested switch or undo (blog_id, switch_id, kind, template_blog_id,
    previous_blog_id, source); return its id."""
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'site_template_uses')} (blog_id, switch_id, kind,"
        " template_blog_id, previous_blog_id, source, created_at) VALUES (%(blog_id)s,"
        " %(switch_id)s, %(kind)s, %(template_blog_id)s, %(previous_blog_id)s, %(source)s,"
        " UTC_TIMESTAMP())",
        values,
    )


def by_switch(db: Database, switch_id: int) -> Row | None:
    """The request with the engine's id ``switch_id``, or None."""
    return db.fetch_one(
        f"SELECT {_USE_COLUMNS} FROM {table(db.prefix, 'site_template_uses')} WHERE switch_id = %s",
        (switch_id,),
    )


def unsettled(db: Database, blog_id: int | None = None) -> list[Row]:
    """Requests whose outcome is not known yet (of one site, or of every site)."""
    where = "outcome IS NULL" + (" AND blog_id = %s" if blog_id is not None else "")
    return db.fetch_all(
        f"SELECT {_USE_COLUMNS} FROM {table(db.prefix, 'site_template_uses')} WHERE {where}"
        " ORDER BY id",
        (blog_id,) if blog_id is not None else (),
    )


def settle(db: Database, use_id: int, outcome: str) -> bool:
    """Record the outcome of a request once; False when it was already settled."""
    return bool(
        db.execute(
            f"UPDATE {table(db.prefix, 'site_template_uses')} SET outcome = %s"
            " WHERE id = %s AND outcome IS NULL",
            (outcome, use_id),
        )
    )


def count_done_switches(db: Database, blog_id: int, sources: tuple[str, ...]) -> int:
    """How many switches from ``sources`` finished on the site."""
    marks = ", ".join(["%s"] * len(sources))
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {table(db.prefix, 'site_template_uses')} WHERE blog_id = %s"
            f" AND kind = 'switch' AND outcome = 'done' AND source IN ({marks})",
            (blog_id, *sources),
        )
    )


def get_origin(db: Database, blog_id: int) -> Row | None:
    """The site's current and previous template, or None (never switched)."""
    return db.fetch_one(
        "SELECT blog_id, template_blog_id, previous_blog_id, updated_at"
        f" FROM {table(db.prefix, 'site_template_origins')} WHERE blog_id = %s",
        (blog_id,),
    )


def save_origin(db: Database, blog_id: int, template_id: int | None, previous: int | None):
    """Store the template the site's content comes from now and the one before it."""
    db.execute(
        f"INSERT INTO {table(db.prefix, 'site_template_origins')} (blog_id, template_blog_id,"
        " previous_blog_id, updated_at) VALUES (%s, %s, %s, UTC_TIMESTAMP()) ON DUPLICATE KEY"
        " UPDATE template_blog_id = VALUES(template_blog_id),"
        " previous_blog_id = VALUES(previous_blog_id), updated_at = UTC_TIMESTAMP()",
        (blog_id, template_id, previous),
    )


def usage_counts(db: Database) -> dict[int, int]:
    """How many sites (not deleted) use each template now: ``{template blog id: sites}``."""
    rows = db.fetch_all(
        "SELECT o.template_blog_id, COUNT(*) AS sites"
        f" FROM {table(db.prefix, 'site_template_origins')} o"
        f" JOIN {global_table(db.prefix, 'blogs')} b ON b.blog_id = o.blog_id AND b.deleted = 0"
        " WHERE o.template_blog_id IS NOT NULL GROUP BY o.template_blog_id"
    )
    return {int(row["template_blog_id"]): int(row["sites"]) for row in rows}


def sites_using(db: Database, template_id: int) -> list[int]:
    """The sites (not deleted) whose content comes from ``template_id`` now."""
    rows = db.fetch_all(
        f"SELECT o.blog_id FROM {table(db.prefix, 'site_template_origins')} o"
        f" JOIN {global_table(db.prefix, 'blogs')} b ON b.blog_id = o.blog_id AND b.deleted = 0"
        " WHERE o.template_blog_id = %s ORDER BY o.blog_id",
        (template_id,),
    )
    return [int(row["blog_id"]) for row in rows]


def forget_site(db: Database, blog_id: int) -> None:
    """Forget everything about a site (when it is deleted)."""
    db.execute(
        f"DELETE FROM {table(db.prefix, 'site_template_origins')} WHERE blog_id = %s", (blog_id,)
    )
    db.execute(
        f"DELETE FROM {table(db.prefix, 'site_template_uses')} WHERE blog_id = %s", (blog_id,)
    )
