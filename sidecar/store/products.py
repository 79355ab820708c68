"""The products table: plans, packages and services. ``limits`` is stored as JSON and handed
out as a dict; ``active`` as a bool."""

from __future__ import annotations

import json

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = (
    "id, type, slug, name, description, price, setup_fee, currency, billing_period,"
    " plan_group_id, limits, active, sort_order, allow_custom_domains"
)
_WRITABLE = (
    "type",
    "slug",
    "name",
    "description",
    "price",
    "setup_fee",
    "currency",
    "billing_period",
    "plan_group_id",
    "limits",
    "active",
    "sort_order",
    "allow_custom_domains",
)
_ORDER = " ORDER BY FIELD(type, 'plan', 'package', 'service'), sort_order, name, id"


def insert(db: Database, product: dict) -> int:
    """Store a new product (the keys of ``_WRITABLE``); return its id."""
    columns = ", ".join(_WRITABLE)
    values = ", ".join(f"%({name})s" for name in _WRITABLE)
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'products')} ({columns}, created_at, updated_at)"
        f" VALUES ({values}, UTC_TIMESTAMP(), UTC_TIMESTAMP())",
        _encode(product),
    )


def update(db: Database, product_id: int, product: dict) -> None:
    """Overwrite a product's writable columns."""
    assignments = ", ".join(f"{name} = %({name})s" for name in _WRITABLE)
    db.execute(
        f"UPDATE {table(db.prefix, 'products')} SET {assignments}, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %(id)s",
        {**_encode(product), "id": product_id},
    )


def set_active(db: Database, product_id: int, active: bool) -> None:
    """Put a product on sale (True) or take it off (False)."""
    db.execute(
        f"UPDATE {table(db.prefix, 'products')} SET active = %s, updated_at = UTC_TIMESTAMP()"
        " WHERE id = %s",
        (int(active), product_id),
    )


def get(db: Database, product_id: int, *, for_update: bool = False) -> Row | None:
    """Return one product, or None; ``for_update`` locks its row until the transaction ends."""
    lock = " FOR UPDATE" if for_update else ""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'products')} WHERE id = %s{lock}",
        (product_id,),
    )
    return _decode(row) if row else None


def get_by_slug(db: Database, slug: str) -> Row | None:
    """Return the product with ``slug``, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'products')} WHERE slug = %s", (slug,)
    )
    return _decode(row) if row else None


def select(db: Database, *, type: str | None = None, active: bool | None = None) -> list[Row]:
    """Return products, plans first, then by sort order and name; filtered by ``type`` and
    ``active`` when given."""
    where, params = _filters(type=type, active=active)
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'products')}{where}{_ORDER}", params
    )
    return [_decode(row) for row in rows]


def in_group(db: Database, group_id: int, *, active: bool | None = None) -> list[Row]:
    """Return the plans of plan group ``group_id``, by sort order and name."""
    where, params = _filters(type="plan", active=active)
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'products')}{where} AND plan_group_id = %s"
        f"{_ORDER}",
        (*params, group_id),
    )
    return [_decode(row) for row in rows]


def count_in_group(db: Database, group_id: int) -> int:
    """Return how many products (active or not) belong to plan group ``group_id``."""
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {table(db.prefix, 'products')} WHERE plan_group_id = %s",
            (group_id,),
        )
    )


def _filters(*, type: str | None, active: bool | None) -> tuple[str, tuple]:
    clauses, params = [], []
    if type is not None:
        clauses.append("type = %s")
        params.append(type)
    if active is not None:
        clauses.append("active = %s")
        params.append(int(active))
    where = " WHERE " + " AND ".join(clauses) if clauses else " WHERE 1 = 1"
    return where, tuple(params)


def _encode(product: dict) -> dict:
    row = {name: product[name] for name in _WRITABLE if name != "allow_custom_domains"}
    row["limits"] = json.dumps(product["limits"], sort_keys=True)
    row["active"] = int(bool(product["active"]))
    row["allow_custom_domains"] = int(bool(product.get("allow_custom_domains")))
    return row


def _decode(row: Row) -> Row:
    row["limits"] = json.loads(row["limits"] or "{}")
    row["active"] = bool(row["active"])
    row["allow_custom_domains"] = bool(row["allow_custom_domains"])
    return row
