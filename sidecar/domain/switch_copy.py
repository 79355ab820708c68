"""The copy step of a template switch: every template table into a staging table, rewritten.

Each table is copied in two parts that together hold every row exactly once:

1. ``copy_rows`` — ONE ``INSERT … SELECT`` of the rows that hold no serialized value with a
   search string (``NOT serialized_filter``), their plain text rewritten in SQL. This needs
   nothing from Python, so it starts at once.
2. ``copy_rewritten`` — the other rows (``serialized_filter``), whose serialized values a
   Python thread has read and rewritten byte-exactly (``table_updates``); a temporary table
   of their keys and new values drives ONE ``INSERT … SELECT``.

Two copy lanes (connections, threads) take the first parts, biggest table first; the
rewrite thread, on its own connection, rewrites one table after another (biggest first) and
copies each one's second part as soon as its first part is in. So the big ``postmeta`` copy,
the ``posts`` copy and the Python rewrite of serialized values run side by side instead of
one after another. A table without a primary key cannot be split by key: it is copied whole
and its serialized values are updated by value afterwards.

The two parts read the template at different moments. A template is meant to stand still,
but if a row changes in between it could be taken twice (a duplicate key error) or not at
all: each split table's staging row count is checked against the template's, and either
case fails the switch before anything is swapped (the site stays as it was).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from queue import Queue

from ..config import Settings
from ..wp_bridge import site_copy
from ..wp_bridge.db import Database, connect
from .search_replace import Pair, Replacer, prefix_pair

NAME_COLUMNS = ("option_name", "meta_key")
"""Columns that also get the table-prefix pair (``wp_T_user_roles`` → ``wp_N_user_roles``)."""
LANES = 2


@dataclass
class TableCopy:
    """One template table's copy: where from, where to, how its columns are rewritten."""

    suffix: str
    source: str
    staging: str
    estimated_rows: int
    expressions: dict[str, tuple[str, list]]
    key: list[tuple[str, str]]
    searches: dict[str, list[str]] = field(default_factory=dict)

    @property
    def split(self) -> bool:
        """True when the rows with serialized matches are copied apart (needs a key)."""
        return bool(self.key and self.searches)


@dataclass
class Rewritten:
    """Serialized values of one table rewritten in Python: per row (key…, value or None
    per column of ``columns``); for a table without a key, per column (old, new) pairs."""

    columns: list[str]
    rows: list[tuple]
    by_value: dict[str, list[tuple[bytes, bytes]]] = field(default_factory=dict)


def pairs_for(column: str, pairs: list[Pair], name_pair: Pair) -> list[Pair]:
    """The pairs of one column: name columns also get the table-prefix pair."""
    return [*pairs, name_pair] if column in NAME_COLUMNS else pairs


def plan_tables(
    db: Database,
    switch_id: int,
    template_id: int,
    suffixes: list[str],
    pairs: list[Pair],
    target_id: int,
) -> list[TableCopy]:
    """What to copy, biggest table first (by the server's row estimate)."""
    name_pair = prefix_pair(db.prefix, template_id, target_id)
    sources = {s: site_copy.live_table(db, template_id, s) for s in suffixes}
    sizes = site_copy.table_rows(db, sources.values())
    plans = []
    for suffix, source in sources.items():
        columns = site_copy.columns(db, source)
        column_pairs = {
            c["name"]: pairs_for(c["name"], pairs, name_pair)
            for c in columns
            if c["is_text"] and not c["generated"]
        }
        key = site_copy.primary_key(db, source)
        types = {c["name"]: c["column_type"] for c in columns}
        plans.append(
            TableCopy(
                suffix=suffix,
                source=source,
                staging=site_copy.work_table(db, switch_id, "s", suffix),
                estimated_rows=sizes.get(source, 0),
                expressions={  # every column written, in order; text ones rewritten
                    name: site_copy.replace_expression(name, column_pairs[name])
                    if name in column_pairs
                    else plain
                    for name, plain in site_copy.plain_expressions(columns).items()
                },
                key=[(k, types[k]) for k in key],
                searches={name: Replacer(p).searches for name, p in column_pairs.items() if p},
            )
        )
    return sorted(plans, key=lambda plan: -plan.estimated_rows)


def table_updates(db: Database, table: TableCopy, pairs: list[Pair], name_pair: Pair) -> Rewritten:
    """Read the rows of ``serialized_filter`` and rewrite their serialized values in Python
    (byte-exact)."""
    names = list(table.searches)
    replacers = {name: Replacer(pairs_for(name, pairs, name_pair)) for name in names}
    key = [name for name, _type in table.key]
    found = site_copy.fetch_serialized(db, table.source, key, table.searches)
    rows, by_value = [], {}
    for row in found:
        values = []
        for number, name in enumerate(names):
            old = row[f"_v{number}"]
            new = None if old is None else replacers[name].value(old)
            values.append(None if new == old else new)
            if not key and new is not None and new != old:
                by_value.setdefault(name, []).append((old, new))
        rows.append((*(row[k] for k in key), *values))
    return Rewritten(columns=names, rows=rows, by_value=by_value)


def copy_site(
    settings: Settings,
    db: Database,
    tables: list[TableCopy],
    pairs: list[Pair],
    name_pair: Pair,
    on_table: Callable[[int, int], None] | None = None,
) -> int:
    """Copy every table of ``tables`` into its staging table (see the module's docs).

    ``on_table(done, total)`` is called on this thread after each table is complete.
    Raises the first error of any part; the staging tables are then the caller's to drop.
    Returns the number of rows copied."""
    lanes: Queue[Database] = Queue()
    copiers, rewriter = ThreadPoolExecutor(LANES), ThreadPoolExecutor(1)
    reader = None
    try:
        for _ in range(LANES):
            lanes.put(connect(settings.database))
        reader = connect(settings.database)
        for table in tables:
            site_copy.create_like(db, table.staging, table.source)
        firsts = {t.suffix: copiers.submit(_on_lane, lanes, _copy_first, t) for t in tables}
        parts = [
            rewriter.submit(_copy_second, reader, t, firsts[t.suffix], pairs, name_pair)
            if t.searches
            else firsts[t.suffix]
            for t in tables
        ]
        return _wait(parts, len(tables), on_table)
    finally:
        copiers.shutdown(wait=True, cancel_futures=True)
        rewriter.shutdown(wait=True, cancel_futures=True)
        if reader is not None:
            reader.close()
        while not lanes.empty():
            lanes.get().close()


def _wait(futures: list[Future], total: int, on_table) -> int:
    copied = 0
    for done, future in enumerate(as_completed(futures), 1):
        copied += future.result()
        if on_table is not None:
            on_table(done, total)
    return copied


def _on_lane(lanes: Queue, work: Callable, *args) -> int:
    """Run ``work(connection, *args)`` on a free lane's connection."""
    lane = lanes.get()
    try:
        return work(lane, *args)
    finally:
        lanes.put(lane)


def _copy_first(lane: Database, table: TableCopy) -> int:
    """The rows without serialized matches (every row when the table is not split)."""
    where = ("", [])
    if table.split:
        condition, params = site_copy.serialized_filter(table.searches, alias="s")
        where = (f"NOT {condition}", params)
    return site_copy.copy_rows(lane, table.staging, table.source, table.expressions, where)


def _copy_second(
    reader: Database, table: TableCopy, first: Future, pairs: list[Pair], name_pair: Pair
) -> int:
    """Rewrite the table's serialized values, then (once the first part is in) copy the
    rows that hold them. Runs on the rewrite thread: the temporary table of new values
    lives on its connection. Returns the rows of both parts."""
    rewritten = table_updates(reader, table, pairs, name_pair)
    copied = first.result()
    if not table.split:
        for column, rows in rewritten.by_value.items():
            site_copy.update_by_value(reader, table.staging, column, rows)
        return copied
    copied += site_copy.copy_rewritten(
        reader,
        table.staging,
        table.source,
        table.expressions,
        table.key,
        rewritten.columns,
        rewritten.rows,
    )
    # The parts ran at different moments: a row the template changed in between could have
    # been taken by both (a duplicate key error) or by neither (caught here).
    if site_copy.row_count(reader, table.source) != copied:
        raise site_copy.SiteCopyError(
            f"the template's table {table.suffix} changed while it was copied; try again"
        )
    return copied
