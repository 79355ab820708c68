"""Server-side copies of a site's tables, their atomic swap, and the SQL side of rewriting.

A site's tables are every base table named ``{base}{id}_…`` (core and plugin tables; blog 1
is refused: it owns the bare prefix and the network's tables). Work tables of switch ``S``
are named ``{base}tsw{S}{k}_{suffix}`` with ``k`` = ``s`` (staging: the template's copy),
``b`` (backup: the target's tables before the switch) or ``x`` (trash: the live tables an undo
moved away). No site prefix can look like that (site prefixes are digits), so they are easy to
find and clean. A name over MySQL's 64 characters keeps its first part and ends in a hash.

Rows never travel through Python except the few PHP-serialized values that hold a search
string (``fetch_serialized``): the copy takes every other row with ``copy_rows`` and those
with ``copy_rewritten`` (their new values joined from a temporary table).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from .db import Database, Row
from .prefix import blog_prefix, escape_like, global_table

MAX_NAME = 64
WORK_KINDS = ("s", "b", "x")
_NAME = re.compile(r"^[A-Za-z0-9_$]{1,64}$")
_TEXT_TYPES = {
    "char",
    "varchar",
    "tinytext",
    "text",
    "mediumtext",
    "longtext",
    "tinyblob",
    "blob",
    "mediumblob",
    "longblob",
}
SERIALIZED_STARTS = ("a:", "s:", "O:", "C:")
"""Two-byte starts of serialized values that can hold strings (SQL leaves these to Python)."""
BOUNDARY_CLASS = "A-Za-z0-9_.:-"
"""Bytes that continue a host or path segment: a boundary pair never matches before them."""


class SiteCopyError(Exception):
    """A table layout the copy cannot handle (bad name, main site, …)."""


def quoted(name: str) -> str:
    """Back-quote a table or column name read from information_schema (validated)."""
    if not _NAME.match(name):
        raise SiteCopyError(f"unexpected table or column name {name!r}")
    return f"`{name}`"


def site_prefix(db: Database, blog_id: int) -> str:
    """``wp_7_`` for site 7; refuses the main site. Raises SiteCopyError / InvalidBlogId."""
    if blog_id == 1:
        raise SiteCopyError("the main site's tables are never copied or swapped")
    return blog_prefix(db.prefix, blog_id)


def site_tables(db: Database, blog_id: int) -> list[str]:
    """The suffixes (``posts``, ``options``, ``myplugin_log`` …) of every base table of site
    ``blog_id``; other sites' tables (``wp_12_`` for site 1) are not included."""
    prefix = site_prefix(db, blog_id)
    names = _names_like(db, escape_like(prefix) + "%")
    return sorted(name[len(prefix) :] for name in names if name.startswith(prefix))


def work_table(db: Database, switch_id: int, kind: str, suffix: str) -> str:
    """The (unquoted) work table of switch ``switch_id`` for table ``suffix``."""
    if kind not in WORK_KINDS or type(switch_id) is not int:
        raise SiteCopyError(f"bad work table kind {kind!r} or switch id {switch_id!r}")
    name = f"{db.prefix}tsw{switch_id}{kind}_{suffix}"
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.sha1(suffix.encode(), usedforsecurity=False).hexdigest()[:10]
    return name[: MAX_NAME - 11] + "_" + digest


def live_table(db: Database, blog_id: int, suffix: str) -> str:
    """The (unquoted) live table ``suffix`` of site ``blog_id``."""
    return site_prefix(db, blog_id) + suffix


def work_tables(db: Database, switch_id: int | None = None, kind: str = "") -> list[str]:
    """Existing work tables (of one switch and kind, or all of them)."""
    head = f"{db.prefix}tsw{switch_id if switch_id is not None else ''}"
    names = _names_like(db, escape_like(head) + "%")
    shape = re.compile(
        re.escape(db.prefix)
        + "tsw"
        + (str(switch_id) if switch_id is not None else "[0-9]+")
        + (kind or "[sbx]")
        + "_"
    )
    return sorted(name for name in names if shape.match(name))


def work_switch_ids(db: Database) -> dict[int, set[str]]:
    """Switch id → kinds of work tables present (``{12: {"s"}}``)."""
    found: dict[int, set[str]] = {}
    shape = re.compile(re.escape(db.prefix) + r"tsw([0-9]+)([sbx])_")
    for name in work_tables(db):
        match = shape.match(name)
        if match:
            found.setdefault(int(match[1]), set()).add(match[2])
    return found


def _names_like(db: Database, pattern: str) -> list[str]:
    rows = db.fetch_all(
        "SELECT table_name AS name FROM information_schema.tables"
        " WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'"
        " AND table_name LIKE %s",
        (pattern,),
    )
    return [row["name"] for row in rows]


def columns(db: Database, table_name: str) -> list[Row]:
    """Columns of a table in order: name, data_type, column_type (with its collation for
    text: ``varchar(191) collate utf8mb4_unicode_ci``), is_text, generated."""
    rows = db.fetch_all(
        "SELECT column_name AS name, data_type, column_type, collation_name, extra"
        " FROM information_schema.columns"
        " WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position",
        (table_name,),
    )
    return [
        {
            "name": row["name"],
            "data_type": row["data_type"].lower(),
            "column_type": row["column_type"]
            + (f" collate {row['collation_name']}" if row["collation_name"] else ""),
            "is_text": row["data_type"].lower() in _TEXT_TYPES,
            "generated": "GENERATED" in (row["extra"] or "").upper(),
        }
        for row in rows
    ]


def primary_key(db: Database, table_name: str) -> list[str]:
    """The primary key's columns of a table (empty when it has none)."""
    rows = db.fetch_all(
        "SELECT column_name AS name FROM information_schema.statistics"
        " WHERE table_schema = DATABASE() AND table_name = %s AND index_name = 'PRIMARY'"
        " ORDER BY seq_in_index",
        (table_name,),
    )
    return [row["name"] for row in rows]


def create_like(db: Database, target: str, source: str) -> None:
    """``CREATE TABLE target LIKE source`` (``target`` must not exist yet)."""
    db.execute(f"CREATE TABLE {quoted(target)} LIKE {quoted(source)}")


def copy_table(db: Database, target: str, source: str) -> int:
    """``create_like`` then every row, as it is, with ``copy_rows``; returns the rows."""
    create_like(db, target, source)
    return copy_rows(db, target, source, plain_expressions(columns(db, source)))


def plain_expressions(table_columns: list[Row]) -> dict[str, tuple[str, list]]:
    """Every column of ``columns()`` that ``copy_rows`` writes (generated ones are
    computed by the server), in order, copied as it is."""
    return {c["name"]: (f"s.{quoted(c['name'])}", []) for c in table_columns if not c["generated"]}


def copy_rows(
    db: Database,
    target: str,
    source: str,
    expressions: dict[str, tuple[str, list]],
    where: tuple[str, list] = ("", []),
) -> int:
    """ONE ``INSERT … SELECT`` of the rows of ``source`` (alias ``s``) matching ``where``
    (SQL and params; "" for all) into ``target``: ``expressions`` gives every column to
    write, in order, as (SQL over ``s.column``, params). Returns the rows copied."""
    names, selects, params = _select_list(expressions, {})
    condition, condition_params = where
    return db.execute(
        f"INSERT INTO {quoted(target)} ({', '.join(names)}) SELECT {', '.join(selects)}"
        f" FROM {quoted(source)} s" + (f" WHERE {condition}" if condition else ""),
        params + list(condition_params),
    )


def copy_rewritten(
    db: Database,
    target: str,
    source: str,
    expressions: dict[str, tuple[str, list]],
    key: list[tuple[str, str]],
    ready: list[str],
    rows: list[tuple],
) -> int:
    """ONE ``INSERT … SELECT`` of the rows of ``source`` whose key is in ``rows``: ``rows``
    are (key…, value per column of ``ready``) with the value already rewritten, or None
    where the column's expression applies. They are loaded into a temporary table that
    drives the join, so only those rows are read. ``key`` is (column, type) of the primary
    key. Returns the rows copied."""
    if not rows:
        return 0
    temp = _load_ready(db, key, len(ready), rows)
    try:
        names, selects, params = _select_list(expressions, dict(enumerate(ready)))
        on = " AND ".join(f"s.{quoted(k)} = w.k{i}" for i, (k, _t) in enumerate(key))
        return db.execute(
            f"INSERT INTO {quoted(target)} ({', '.join(names)}) SELECT {', '.join(selects)}"
            f" FROM {temp} w STRAIGHT_JOIN {quoted(source)} s ON {on}",
            params,
        )
    finally:
        db.execute(f"DROP TEMPORARY TABLE IF EXISTS {temp}")


def _select_list(
    expressions: dict[str, tuple[str, list]], ready: dict[int, str]
) -> tuple[list[str], list[str], list]:
    """Column names, select expressions and params; a column of ``ready`` (number → name)
    takes ``w.v{number}`` unless it is NULL."""
    by_name = {name: number for number, name in ready.items()}
    names, selects, params = [], [], []
    for name, (expression, args) in expressions.items():
        names.append(quoted(name))
        if name in by_name:
            expression = f"IFNULL(w.v{by_name[name]}, {expression})"
        selects.append(expression)
        params.extend(args)
    return names, selects, params


def _load_ready(db: Database, key: list[tuple[str, str]], values: int, rows: list) -> str:
    """A temporary table ``sidecar_tsw_ready`` (k0…, v0…) holding ``rows``, keyed."""
    temp = "sidecar_tsw_ready"
    key_defs = ", ".join(f"k{i} {_column_type(kind)} NOT NULL" for i, (_n, kind) in enumerate(key))
    value_defs = ", ".join(f"v{i} LONGBLOB NULL" for i in range(values))
    primary = ", ".join(f"k{i}" for i in range(len(key)))
    db.execute(f"DROP TEMPORARY TABLE IF EXISTS {temp}")
    db.execute(f"CREATE TEMPORARY TABLE {temp} ({key_defs}, {value_defs}, PRIMARY KEY ({primary}))")
    marks = ", ".join(["%s"] * (len(key) + values))
    with db.conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {temp} VALUES ({marks})", rows)
    return temp


def replace_expression(column: str, pairs: Sequence) -> tuple[str, list]:
    """SQL rewriting a plain (not serialized-looking) value of ``s.column`` with ``pairs``
    (``search``, ``replace``, ``boundary`` attributes): nested ``REPLACE`` / case-sensitive
    ``REGEXP_REPLACE``; serialized-looking values and values without a match stay as they
    are. Returns the expression and its parameters in order."""
    name = f"s.{quoted(column)}"
    if not pairs:
        return name, []
    expression, replace_params = name, []
    for pair in pairs:
        if pair.boundary:
            expression = f"REGEXP_REPLACE({expression}, %s, %s)"
            replace_params += [_pcre(pair.search), pair.replace.replace("\\", "\\\\")]
        else:
            expression = f"REPLACE({expression}, %s, %s)"
            replace_params += [pair.search, pair.replace]
    looks, looks_params = _looks_serialized(name)
    sql = f"CASE WHEN {looks} THEN {name} WHEN {name} REGEXP %s THEN {expression} ELSE {name} END"
    return sql, [*looks_params, any_of(p.search for p in pairs), *replace_params]


_LEADING_SPACE = (" ", "\n", "\r", "\t")


def _looks_serialized(name: str) -> tuple[str, list]:
    """SQL true for values that may be PHP-serialized (they start with ``a:``, ``s:``, ``O:``
    or ``C:``, or with white space, which PHP's ``maybe_unserialize`` trims): such values are
    left to Python. The collation may make this match more (``A:``); Python decides then."""
    starts = ", ".join(["%s"] * len(SERIALIZED_STARTS))
    spaces = ", ".join(["%s"] * len(_LEADING_SPACE))
    sql = f"(LEFT({name}, 2) IN ({starts}) OR LEFT({name}, 1) IN ({spaces}))"
    return sql, [*SERIALIZED_STARTS, *_LEADING_SPACE]


def any_of(searches: Iterable[str]) -> str:
    """A case-sensitive PCRE matching any of ``searches`` (a cheap per-row pre-filter: one
    pass over the value instead of one per search string)."""
    return "(?-i)" + "|".join(re.escape(s) for s in searches)


def _pcre(search: str) -> str:
    return "(?-i)" + re.escape(search) + "(?![" + BOUNDARY_CLASS + "])"


def serialized_filter(searches: dict[str, list[str]], alias: str = "") -> tuple[str, list]:
    """SQL that is 1 for rows where any column of ``searches`` (column → search strings)
    looks serialized and contains one of its strings, else 0 (never NULL), and its params.
    ``alias`` qualifies the columns (``s``). The rows it selects are those
    ``fetch_serialized`` returns: the copy takes the others with ``NOT`` of it."""
    tests, params = [], []
    for column, strings in searches.items():
        test, args = _serialized_test(column, strings, alias)
        tests.append(test)
        params += args
    return f"IFNULL({' OR '.join(tests) or '0'}, 0)", params


def _serialized_test(column: str, strings: list[str], alias: str = "") -> tuple[str, list]:
    name = f"{alias}.{quoted(column)}" if alias else quoted(column)
    looks, looks_params = _looks_serialized(name)
    return f"({looks} AND {name} REGEXP %s)", [*looks_params, any_of(strings)]


def fetch_serialized(
    db: Database, table_name: str, key: list[str], searches: dict[str, list[str]]
) -> list[Row]:
    """In ONE scan, the rows of ``serialized_filter``: the key columns and, per column
    ``i`` of ``searches`` in order, ``_v{i}`` = the value as bytes when it matched, else
    None."""
    if not searches:
        return []
    selects, select_params = [], []
    for number, (column, strings) in enumerate(searches.items()):
        test, args = _serialized_test(column, strings)
        selects.append(f"IF({test}, CAST({quoted(column)} AS BINARY), NULL) AS _v{number}")
        select_params += args
    where, where_params = serialized_filter(searches)
    keys = "".join(f"{quoted(k)}, " for k in key)
    return db.fetch_all(
        f"SELECT {keys}{', '.join(selects)} FROM {quoted(table_name)} WHERE {where}",
        select_params + where_params,
    )


_COLUMN_TYPE = re.compile(r"^[a-z]+(\([0-9, ]+\))?( unsigned)?( collate [a-z0-9_]+)?$")


def _column_type(kind: str) -> str:
    """A key column's type from information_schema, checked before it reaches SQL (a text
    key keeps its collation, so the temporary table joins on it exactly as the source)."""
    kind = kind.lower()
    if not _COLUMN_TYPE.match(kind):
        raise SiteCopyError(f"unexpected key column type {kind!r}")
    return kind


def update_by_value(db: Database, table_name: str, column: str, rows: list[tuple]) -> None:
    """Rows of (old value, new value) of ``column``, for a table without a primary key."""
    name = quoted(column)
    with db.conn.cursor() as cur:
        cur.executemany(
            f"UPDATE {quoted(table_name)} SET {name} = %s WHERE {name} = BINARY %s",
            [(new, old) for old, new in rows],
        )


def keep_options(
    db: Database,
    staging: str,
    live: str,
    names: Iterable[str],
    like_patterns: Iterable[str],
    drop_like: Iterable[str] = (),
) -> None:
    """Make the staging options table hold the live table's rows for the option ``names`` and
    the names matching ``like_patterns`` (and none of the template's rows for them); first
    delete the staging rows matching ``drop_like`` (e.g. transients)."""
    for pattern in drop_like:
        db.execute(f"DELETE FROM {quoted(staging)} WHERE option_name LIKE %s", (pattern,))
    names, like_patterns = list(names), list(like_patterns)
    marks = ", ".join(["%s"] * len(names))
    likes = "".join(" OR option_name LIKE %s" for _ in like_patterns)
    where = f"option_name IN ({marks}){likes}"
    params = [*names, *like_patterns]
    db.execute(f"DELETE FROM {quoted(staging)} WHERE {where}", params)
    db.execute(
        f"INSERT INTO {quoted(staging)} (option_name, option_value, autoload)"
        f" SELECT option_name, option_value, autoload FROM {quoted(live)} WHERE {where}",
        params,
    )


def site_admin(db: Database, blog_id: int) -> int | None:
    """The lowest user id with the administrator role on site ``blog_id``, or None."""
    return db.fetch_value(
        f"SELECT MIN(user_id) FROM {global_table(db.prefix, 'usermeta')}"
        " WHERE meta_key = %s AND meta_value LIKE %s",
        (f"{site_prefix(db, blog_id)}capabilities", '%"administrator"%'),
    )


def set_post_authors(db: Database, posts_table: str, user_id: int) -> int:
    """Attribute every post of a (staging) posts table to ``user_id``."""
    return db.execute(f"UPDATE {quoted(posts_table)} SET post_author = %s", (user_id,))


def rename_tables(db: Database, moves: list[tuple[str, str]]) -> None:
    """Rename every (old, new) pair in ONE ``RENAME TABLE`` statement: all or nothing."""
    if not moves:
        return
    db.execute("RENAME TABLE " + ", ".join(f"{quoted(a)} TO {quoted(b)}" for a, b in moves))


def drop_tables(db: Database, names: Iterable[str]) -> int:
    """Drop the named tables that exist; return how many names were given."""
    names = list(names)
    if names:
        db.execute("DROP TABLE IF EXISTS " + ", ".join(quoted(n) for n in names))
    return len(names)


def row_count(db: Database, table_name: str) -> int:
    """The exact number of rows of a table (``COUNT(*)``: a scan of its smallest index)."""
    return int(db.fetch_value(f"SELECT COUNT(*) FROM {quoted(table_name)}"))


def table_rows(db: Database, names: Iterable[str]) -> dict[str, int]:
    """InnoDB's row estimates of the named tables (for ordering work, not for counting)."""
    names = list(names)
    if not names:
        return {}
    marks = ", ".join(["%s"] * len(names))
    rows = db.fetch_all(
        "SELECT table_name AS name, table_rows AS n FROM information_schema.tables"
        f" WHERE table_schema = DATABASE() AND table_name IN ({marks})",
        names,
    )
    return {row["name"]: int(row["n"] or 0) for row in rows}


def existing(db: Database, names: Iterable[str]) -> set[str]:
    """The subset of ``names`` that are existing base tables."""
    names = list(names)
    if not names:
        return set()
    marks = ", ".join(["%s"] * len(names))
    rows = db.fetch_all(
        "SELECT table_name AS name FROM information_schema.tables"
        f" WHERE table_schema = DATABASE() AND table_name IN ({marks})",
        names,
    )
    return {row["name"] for row in rows}
