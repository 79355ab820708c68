"""The customers grid's state (search, filters, columns, sort, page), read from a query string
or a saved view, checked against the column whitelist, and turned into a store query.

Paging counts at most ``COUNT_CAP`` + 1 matching rows (``SELECT COUNT(*)`` over 100,000 joined
rows costs more than the page itself): beyond that the grid says "more than 10,000" and pages
on until a page comes back short.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from urllib.parse import urlencode

from flask_babel import gettext

from ..errors import Invalid, NotFound
from ..store import customer_grid as store
from ..wp_bridge.db import Database, Row
from .customer_columns import BY_KEY, DEFAULT_COLUMNS

COUNT_CAP = 10_000
PER_PAGE = (20, 50, 100, 200)
_YEAR = re.compile(r"^\d{4}$")


@dataclass
class GridState:
    """What the admin looks at. ``filters``: column key → value, or → (from, to) for date and
    year columns (either end may be '')."""

    search: str = ""
    filters: dict = field(default_factory=dict)
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    sort: str = "id"
    descending: bool = True
    page: int = 1
    per_page: int = 50

    def args(self, **changes) -> dict:
        """The state as query-string arguments (``changes`` override, e.g. ``page=2``)."""
        state = replace(self, **changes) if changes else self
        args: dict = {"q": state.search} if state.search else {}
        for key, value in state.filters.items():
            if isinstance(value, tuple):
                if value[0]:
                    args[f"f.{key}.from"] = value[0]
                if value[1]:
                    args[f"f.{key}.to"] = value[1]
            else:
                args[f"f.{key}"] = value
        args.update(
            cols=",".join(state.columns),
            sort=state.sort,
            dir="desc" if state.descending else "asc",
            per_page=state.per_page,
        )
        if state.page > 1:
            args["page"] = state.page
        return args

    def query_string(self, **changes) -> str:
        """``args()`` URL-encoded."""
        return urlencode(self.args(**changes))

    def to_json(self) -> str:
        """The state a saved view keeps (not the page)."""
        return json.dumps(
            {key: value for key, value in self.args().items() if key != "page"}, sort_keys=True
        )


def has_state(args) -> bool:
    """True when the query string says anything about the grid (else the default view)."""
    return any(key in args for key in ("q", "cols", "sort", "page")) or any(
        key.startswith("f.") for key in args
    )


def parse_state(args) -> GridState:
    """Read a grid state from query-string ``args`` (a mapping). Unknown columns and bad
    values are dropped rather than refused, so an old link or view still opens."""
    state = GridState(search=str(args.get("q", "")).strip()[:100])
    columns = [key for key in str(args.get("cols", "")).split(",") if key in BY_KEY]
    if columns:
        state.columns = list(dict.fromkeys(columns))
    for column in BY_KEY.values():
        value = _filter_value(column, args)
        if value not in (None, "", ("", "")):
            state.filters[column.key] = value
    sort = str(args.get("sort", "id"))
    state.sort = sort if sort in BY_KEY else "id"
    state.descending = str(args.get("dir", "desc")) != "asc"
    state.page = _int(args.get("page"), 1, 1, 1_000_000)
    per_page = _int(args.get("per_page"), 50, 1, 200)
    state.per_page = per_page if per_page in PER_PAGE else 50
    return state


def state_from_json(text: str) -> GridState:
    """The state of a saved view."""
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
    return parse_state(data if isinstance(data, dict) else {})


def _filter_value(column, args):
    if column.kind in ("date", "year"):
        low = str(args.get(f"f.{column.key}.from", "")).strip()[:10]
        high = str(args.get(f"f.{column.key}.to", "")).strip()[:10]
        return (low, high)
    value = args.get(f"f.{column.key}")
    return None if value is None else str(value).strip()[:100]


def _int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


def to_query(state: GridState, *, ids: list[int] | None = None, paged: bool = True):
    """The store query of ``state`` (``ids``: only these customers). Raises Invalid when a
    filter value cannot be compared (a date that is no date, …)."""
    conditions, errors = [], {}
    for key, value in state.filters.items():
        try:
            conditions.extend(_conditions(BY_KEY[key], value))
        except ValueError as error:
            errors[f"f.{key}"] = [str(error)]
    if errors:
        raise Invalid(errors)
    query = store.Query(
        columns=list(state.columns),
        conditions=conditions,
        search=state.search,
        ids=ids,
        sort=state.sort,
        descending=state.descending,
    )
    if paged:
        query.limit = state.per_page
        query.offset = (state.page - 1) * state.per_page
    return query


def _conditions(column, value) -> list:
    key = column.filter_on
    if column.kind == "number":
        if not str(value).isdigit():
            raise ValueError(gettext("Type a whole number."))
        return [store.Condition(key, "eq", int(value))]
    if column.kind == "select":
        return [store.Condition(key, "eq", value)]
    if column.kind == "prefix":
        return [store.Condition(key, "prefix", value)]
    if column.kind == "date":
        return _range(key, value, _day_start, _day_end)
    if column.kind == "year":
        return _range(key, value, _year, _year)
    return [store.Condition(key, "like", value)]


def _range(key: str, value: tuple, low_of, high_of) -> list:
    low, high = value
    found = []
    if low:
        found.append(store.Condition(key, "gte", low_of(low)))
    if high:
        found.append(store.Condition(key, "lte", high_of(high)))
    return found


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(gettext("Type a date as YYYY-MM-DD.")) from None


def _day_start(text: str) -> datetime:
    return datetime.combine(_day(text), time.min)


def _day_end(text: str) -> datetime:
    return datetime.combine(_day(text), time.max.replace(microsecond=0))


def _year(text: str) -> int:
    if not _YEAR.match(text):
        raise ValueError(gettext("Type a year as YYYY."))
    return int(text)


@dataclass
class GridPage:
    """One page of the grid: ``total`` is exact unless ``capped`` (then more than COUNT_CAP)."""

    state: GridState
    rows: list[Row]
    total: int
    capped: bool

    @property
    def has_next(self) -> bool:
        return self.state.page * self.state.per_page < self.total or (
            self.capped and len(self.rows) == self.state.per_page
        )

    @property
    def last_page(self) -> int | None:
        if self.capped:
            return None
        return max(1, -(-self.total // self.state.per_page))


def grid_page(db: Database, state: GridState) -> GridPage:
    """The rows of ``state``'s page and the (capped) number of matching customers (not
    counted again when the page is short). Raises Invalid for unusable filter values."""
    query = to_query(state)
    rows = store.page(db, query)
    if len(rows) < state.per_page and (rows or state.page == 1):
        total = query.offset + len(rows)  # a short page: the count is known without counting
    else:
        total = store.count(db, query, cap=COUNT_CAP)
    return GridPage(state, rows, min(total, COUNT_CAP), total > COUNT_CAP)


def count_matching(db: Database, state: GridState, ids: list[int] | None = None) -> int:
    """The exact number of customers a selection covers."""
    return store.count(db, to_query(state, ids=ids, paged=False))


API_COLUMNS = [
    "user_id", "name", "email", "group_id", "group", "phone", "zip", "country", "state",
    "since", "website_blog_id", "email_confirmed", "created_in", "birth", "vat_number",
    "gender", "company", "street", "city", "fax", "billing_first_name", "billing_last_name",
    "shipping_address", "active", "customer_type", "sales_rep_user_id", "newsletter",
]  # fmt: skip


def api_page(db: Database, state: GridState) -> dict:
    """One page of customers in the JSON API's shape (every field), with the capped count.
    Raises Invalid for unusable filter values."""
    query = to_query(state)
    query.columns = list(API_COLUMNS)
    rows = store.page(db, query)
    total = store.count(db, query, cap=COUNT_CAP)
    return {
        "items": rows,
        "total": min(total, COUNT_CAP),
        "capped": total > COUNT_CAP,
        "page": state.page,
    }


def api_customer(db: Database, customer_id: int) -> Row:
    """One customer in the JSON API's shape. Raises NotFound."""
    query = store.Query(columns=list(API_COLUMNS), ids=[customer_id], limit=1)
    rows = store.page(db, query)
    if not rows:
        raise NotFound(gettext("There is no such customer."))
    return rows[0]
