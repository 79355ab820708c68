"""Read-only access to Ultimate Multisite's (formerly WP Ultimo 2) tables, for the import.

Its tables are global: ``{base_prefix}wu_<name>`` (customers, products, memberships, payments,
discount_codes, domain_mappings) with meta tables ``{base_prefix}wu_<singular>meta`` keyed by
``wu_<singular>_id``; sites keep ``wu_customer_id``/``wu_membership_id``/``wu_type`` in
WordPress's own ``blogmeta``. Meta values are PHP-serialized.
"""

from __future__ import annotations

from collections import defaultdict

from ..db import Database, Row
from ..phpserial import PHPSerialError, is_serialized, loads
from ..prefix import global_table

TABLES = ("customers", "products", "memberships", "payments", "discount_codes", "domain_mappings")
_META = {"customer": "customermeta", "product": "productmeta", "membership": "membershipmeta"}


def _table(db: Database, name: str) -> str:
    return global_table(db.prefix, f"wu_{name}")


def present(db: Database) -> list[str]:
    """Return which of the source tables exist in this database."""
    rows = db.fetch_all(
        "SELECT table_name AS name FROM information_schema.tables"
        " WHERE table_schema = DATABASE() AND table_name IN ("
        + ", ".join(["%s"] * len(TABLES))
        + ")",
        [f"{db.prefix}wu_{name}" for name in TABLES],
    )
    found = {row["name"] for row in rows}
    return [name for name in TABLES if f"{db.prefix}wu_{name}" in found]


def rows(db: Database, name: str) -> list[Row]:
    """Return every row of source table ``name`` (one of ``TABLES``) by id."""
    if name not in TABLES:
        raise ValueError(f"unknown source table {name!r}")
    return db.fetch_all(f"SELECT * FROM {_table(db, name)} ORDER BY id")


def meta(db: Database, kind: str, key: str) -> dict[int, object]:
    """Return ``{object id: unserialized value}`` of meta ``key`` for ``kind`` (customer,
    product, membership); empty when the meta table does not exist. A value that does not
    unserialize comes back as ``Broken`` (the caller reports it)."""
    name = _META[kind]
    exists = db.fetch_value(
        "SELECT COUNT(*) FROM information_schema.tables"
        " WHERE table_schema = DATABASE() AND table_name = %s",
        (f"{db.prefix}wu_{name}",),
    )
    if not exists:
        return {}
    column = f"wu_{kind}_id"
    found = db.fetch_all(
        f"SELECT {column} AS id, meta_value FROM {_table(db, name)} WHERE meta_key = %s"
        " ORDER BY meta_id",
        (key,),
    )
    return {int(row["id"]): _value(row["meta_value"]) for row in found}


class Broken(str):
    """A meta value that looks serialized but does not unserialize (kept as its raw text)."""


def _value(raw) -> object:
    if raw is None or not is_serialized(raw):
        return raw
    try:
        return loads(raw.strip() if isinstance(raw, str) else raw)
    except PHPSerialError:
        return Broken(raw if isinstance(raw, str) else raw.decode("utf-8", "replace"))


def sites_by_membership(db: Database) -> dict[int, list[int]]:
    """Return ``{membership id: [blog ids]}`` from the sites' ``wu_membership_id`` meta
    (customer-owned sites only when a ``wu_type`` is set)."""
    blogmeta = global_table(db.prefix, "blogmeta")
    found = db.fetch_all(
        f"SELECT m.blog_id, m.meta_value AS membership_id, t.meta_value AS type"
        f" FROM {blogmeta} m LEFT JOIN {blogmeta} t"
        "  ON t.blog_id = m.blog_id AND t.meta_key = 'wu_type'"
        " WHERE m.meta_key = 'wu_membership_id' ORDER BY m.blog_id"
    )
    sites: dict[int, list[int]] = defaultdict(list)
    for row in found:
        if row["type"] not in (None, "", "customer_owned"):
            continue
        try:
            sites[int(row["membership_id"])].append(int(row["blog_id"]))
        except (TypeError, ValueError):
            continue
    return dict(sites)
