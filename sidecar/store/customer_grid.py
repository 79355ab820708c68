"""The customers grid's queries: ``{prefix}sidecar_customers`` joined with ``wp_users`` (name,
email), the customer groups, companies, sites, account locks and sales representatives. Every
join is a LEFT JOIN on a primary key, added only when a column, filter or sort needs it, so
counting the rows of a filter on the customer table alone reads one index (a customer whose
WordPress user is gone is still listed, with an empty name, and can be deleted).

SQL is built only from the whitelisted column expressions below; every value the admin typed
is a bound parameter. A ``Query`` is what the domain layer asks for (filters already checked).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pymysql.cursors

from ..wp_bridge.db import Database, Row
from ..wp_bridge.prefix import escape_like, global_table
from . import table

# key: (SQL expression, the joins it needs). Only these keys ever reach SQL.
EXPRESSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("c.id", ()),
    "user_id": ("c.user_id", ()),
    "name": ("u.display_name", ("u",)),
    "email": ("u.user_email", ("u",)),
    "group": ("g.name", ("g",)),
    "group_id": ("c.group_id", ()),
    "phone": ("c.phone", ()),
    "zip": ("c.zip", ()),
    "country": ("c.country", ()),
    "state": ("c.state", ()),
    "since": ("c.created_at", ()),
    "website": ("CONCAT(b.domain, b.path)", ("b",)),
    "website_blog_id": ("c.website_blog_id", ()),
    "email_confirmed": ("c.email_confirmed", ()),
    "created_in": ("c.created_in", ()),
    "birth_year": ("c.birth_year", ()),
    "birth_date": ("c.birth_date", ()),
    "birth": ("COALESCE(CAST(c.birth_date AS CHAR), CAST(c.birth_year AS CHAR))", ()),
    "vat_number": ("c.vat_number", ()),
    "gender": ("c.gender", ()),
    "company": ("co.name", ("co",)),
    "company_id": ("c.company_id", ()),
    "street": ("c.street", ()),
    "city": ("c.city", ()),
    "fax": ("c.fax", ()),
    "billing_first_name": ("c.billing_first_name", ()),
    "billing_last_name": ("c.billing_last_name", ()),
    "billing_address": (
        "CONCAT_WS(', ', NULLIF(c.billing_address_1, ''), NULLIF(c.billing_address_2, ''),"
        " NULLIF(TRIM(CONCAT(c.billing_postcode, ' ', c.billing_city)), ''),"
        " NULLIF(c.billing_state, ''), NULLIF(c.billing_country, ''))",
        (),
    ),
    "shipping_address": ("c.shipping_address", ()),
    "account_lock": ("(l.user_id IS NOT NULL)", ("l",)),
    "active": ("c.active", ()),
    "customer_type": ("c.customer_type", ()),
    "sales_rep": ("r.display_name", ("r",)),
    "sales_rep_user_id": ("c.sales_rep_user_id", ()),
    "newsletter": ("c.newsletter", ()),
}

# The columns a free-text search looks in: the user's name and email (through a subquery on
# wp_users, twice as fast as joining every row first) and these customer columns.
_SEARCHED_HERE = ("c.phone", "c.zip", "c.vat_number", "c.city")


@dataclass
class Condition:
    """One filter on a whitelisted column: ``op`` is eq, in, like, prefix, gte or lte."""

    key: str
    op: str
    value: object


@dataclass
class Query:
    """What the grid asks for: columns to select, conditions, search text, sort, page."""

    columns: list[str]
    conditions: list[Condition] = field(default_factory=list)
    search: str = ""
    ids: list[int] | None = None
    sort: str = "id"
    descending: bool = False
    limit: int | None = None
    offset: int = 0


def _expr(key: str) -> tuple[str, tuple[str, ...]]:
    if key not in EXPRESSIONS:
        raise ValueError(f"unknown customer column {key!r}")
    return EXPRESSIONS[key]


def _joins(prefix: str, needed: set[str]) -> str:
    users = global_table(prefix, "users")
    parts = []
    if "u" in needed:
        parts.append(f"LEFT JOIN {users} u ON u.ID = c.user_id")
    if "g" in needed:
        parts.append(f"LEFT JOIN {table(prefix, 'customer_groups')} g ON g.id = c.group_id")
    if "b" in needed:
        parts.append(
            f"LEFT JOIN {global_table(prefix, 'blogs')} b ON b.blog_id = c.website_blog_id"
        )
    if "co" in needed:
        parts.append(f"LEFT JOIN {table(prefix, 'companies')} co ON co.id = c.company_id")
    if "l" in needed:
        parts.append(
            f"LEFT JOIN {table(prefix, 'account_locks')} l ON l.user_id = c.user_id"
            " AND l.locked_until > UTC_TIMESTAMP()"
        )
    if "r" in needed:
        parts.append(f"LEFT JOIN {users} r ON r.ID = c.sales_rep_user_id")
    return " ".join(parts)


def _where(prefix: str, query: Query, needed: set[str]) -> tuple[str, list]:
    """The WHERE clause (or '') and its parameters; adds the joins it uses to ``needed``."""
    clauses, params = [], []
    for condition in query.conditions:
        expr, joins = _expr(condition.key)
        needed.update(joins)
        sql, values = _condition(expr, condition)
        clauses.append(sql)
        params.extend(values)
    if query.search:
        pattern = f"%{escape_like(query.search)}%"
        ors = [
            f"c.user_id IN (SELECT ID FROM {global_table(prefix, 'users')}"
            " WHERE display_name LIKE %s OR user_email LIKE %s)",
            *(f"{expr} LIKE %s" for expr in _SEARCHED_HERE),
        ]
        clauses.append("(" + " OR ".join(ors) + ")")
        params.extend([pattern] * (len(_SEARCHED_HERE) + 2))
    if query.ids is not None:
        if not query.ids:
            clauses.append("FALSE")
        else:
            clauses.append(f"c.id IN ({', '.join(['%s'] * len(query.ids))})")
            params.extend(query.ids)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _condition(expr: str, condition: Condition) -> tuple[str, list]:
    op, value = condition.op, condition.value
    if op == "eq":
        return f"{expr} = %s", [value]
    if op == "in":
        values = list(value)  # type: ignore[arg-type]
        return f"{expr} IN ({', '.join(['%s'] * len(values))})", values
    if op == "like":
        return f"{expr} LIKE %s", [f"%{escape_like(str(value))}%"]
    if op == "prefix":
        return f"{expr} LIKE %s", [f"{escape_like(str(value))}%"]
    if op == "gte":
        return f"{expr} >= %s", [value]
    if op == "lte":
        return f"{expr} <= %s", [value]
    raise ValueError(f"unknown operator {op!r}")


def _select(db: Database, query: Query) -> tuple[str, list]:
    needed: set[str] = set()
    keys = list(dict.fromkeys(["id", *query.columns]))
    selects = []
    for key in keys:
        expr, joins = _expr(key)
        needed.update(joins)
        selects.append(f"{expr} AS `{key}`")
    sort_expr, joins = _expr(query.sort)
    needed.update(joins)
    where, params = _where(db.prefix, query, needed)
    direction = "DESC" if query.descending else "ASC"
    sql = (
        f"SELECT {', '.join(selects)} FROM {table(db.prefix, 'customers')} c"
        f" {_joins(db.prefix, needed)}{where} ORDER BY {sort_expr} {direction}, c.id {direction}"
    )
    if query.limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += [query.limit, query.offset]
    return sql, params


def page(db: Database, query: Query) -> list[Row]:
    """The rows of one grid page (``query.limit`` rows from ``query.offset``)."""
    sql, params = _select(db, query)
    return db.fetch_all(sql, params)


def count(db: Database, query: Query, cap: int | None = None) -> int:
    """How many customers match (at most ``cap`` + 1 when capped: counting stops there)."""
    needed: set[str] = set()
    where, params = _where(db.prefix, query, needed)
    base = f"FROM {table(db.prefix, 'customers')} c {_joins(db.prefix, needed)}{where}"
    if cap is None:
        return int(db.fetch_value(f"SELECT COUNT(*) {base}", params))
    return int(
        db.fetch_value(f"SELECT COUNT(*) FROM (SELECT 1 {base} LIMIT %s) t", [*params, cap + 1])
    )


def stream(db: Database, query: Query) -> Iterator[tuple]:
    """Every matching row as a tuple (``id`` first, then ``query.columns``) through an
    unbuffered server-side cursor: memory stays constant whatever the number of rows. The
    connection must not run anything else until the iterator is exhausted or closed."""
    sql, params = _select(db, query)
    cursor = db.conn.cursor(pymysql.cursors.SSCursor)
    try:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(1000):
            yield from batch
    finally:
        cursor.close()


def update_matching(db: Database, query: Query, changes: dict) -> int:
    """Set ``changes`` (whitelisted plain columns) on every matching customer in one
    statement; return the number of rows matched."""
    needed: set[str] = set()
    where, params = _where(db.prefix, query, needed)
    assignments = []
    for key in changes:
        expr, joins = _expr(key)
        if joins or not expr.startswith("c."):
            raise ValueError(f"column {key!r} cannot be set in bulk")
        assignments.append(f"{expr} = %s")
    sql = (
        f"UPDATE {table(db.prefix, 'customers')} c {_joins(db.prefix, needed)}"
        f" SET {', '.join(assignments)}, c.updated_at = UTC_TIMESTAMP(){where}"
    )
    return db.execute(sql, [*changes.values(), *params])


def record_events(
    db: Database, query: Query, actor: tuple[str, int | None, str], action: str, changes: dict
) -> int:
    """Append one event per matching customer in one ``INSERT … SELECT`` (before the change,
    so ``before_state`` holds the old values of the ``changes`` columns). Returns the count."""
    needed: set[str] = set()
    where, params = _where(db.prefix, query, needed)
    pairs, after_params = [], []
    for key in changes:
        expr, joins = _expr(key)
        if joins:
            raise ValueError(f"column {key!r} cannot be recorded in bulk")
        pairs.append(f"'{key}', {expr}")
    after = ", ".join(["%s, %s"] * len(changes))
    for key, value in changes.items():
        after_params += [key, value]
    sql = (
        f"INSERT INTO {table(db.prefix, 'events')} (occurred_at, actor_type, actor_id,"
        " subject_type, subject_id, action, before_state, after_state, request_id)"
        f" SELECT UTC_TIMESTAMP(6), %s, %s, 'customer', c.id, %s, JSON_OBJECT({', '.join(pairs)}),"
        f" JSON_OBJECT({after}), %s FROM {table(db.prefix, 'customers')} c"
        f" {_joins(db.prefix, needed)}{where}"
    )
    actor_type, actor_id, request_id = actor
    return db.execute(sql, [actor_type, actor_id, action, *after_params, request_id, *params])
