"""The customers grid's state: parsed from a query string (unknown columns and bad values
dropped), round-tripped through links and saved views, turned into whitelisted SQL with every
typed value bound."""

from types import SimpleNamespace

import pytest
from flask import Flask
from flask_babel import Babel

from sidecar.domain.customer_columns import DEFAULT_COLUMNS
from sidecar.domain.customer_grid import (
    GridState,
    parse_state,
    state_from_json,
    to_query,
)
from sidecar.errors import Invalid
from sidecar.store import customer_grid as store


@pytest.fixture(autouse=True)
def app_context():
    app = Flask("test")
    Babel(app)
    with app.app_context():
        yield


def test_defaults():
    state = parse_state({})
    assert state.columns == DEFAULT_COLUMNS
    assert (state.sort, state.descending, state.page, state.per_page) == ("id", True, 1, 50)


def test_unknown_columns_sorts_and_sizes_are_dropped():
    state = parse_state(
        {
            "cols": "name,password,email",
            "sort": "user_pass;--",
            "per_page": "7",
            "page": "-4",
            "f.secret": "x",
        }
    )
    assert state.columns == ["name", "email"]
    assert state.sort == "id" and state.per_page == 50 and state.page == 1
    assert state.filters == {}


def test_round_trip_through_query_string_and_saved_view():
    state = parse_state(
        {
            "q": "Zoë",
            "f.country": "NL",
            "f.since.from": "2024-01-01",
            "cols": "email,name",
            "sort": "since",
            "dir": "asc",
            "page": "3",
        }
    )
    again = parse_state(state.args())
    assert again == state
    saved = state_from_json(state.to_json())
    assert saved.page == 1 and saved.filters == state.filters and saved.columns == state.columns


def test_conditions_by_filter_kind():
    state = parse_state(
        {
            "f.name": "Zo",
            "f.zip": "10",
            "f.group": "2",
            "f.id": "7",
            "f.since.from": "2024-01-01",
            "f.since.to": "2024-01-31",
            "f.birth.from": "1980",
        }
    )
    conditions = {(c.key, c.op): c.value for c in to_query(state).conditions}
    assert conditions[("name", "like")] == "Zo"
    assert conditions[("zip", "prefix")] == "10"
    assert conditions[("group_id", "eq")] == "2"
    assert conditions[("id", "eq")] == 7
    assert str(conditions[("since", "lte")]) == "2024-01-31 23:59:59"
    assert conditions[("birth_year", "gte")] == 1980


@pytest.mark.parametrize(
    "args", [{"f.since.from": "yesterday"}, {"f.id": "1 OR 1=1"}, {"f.birth.to": "19x0"}]
)
def test_unusable_filter_values_are_refused(args):
    with pytest.raises(Invalid):
        to_query(parse_state(args))


def test_sql_has_only_whitelisted_names_and_binds_values():
    db = SimpleNamespace(prefix="wp_")
    hostile = "x'; DROP TABLE users; --"
    state = parse_state(
        {"q": hostile, "f.city": hostile, "cols": "name,group,account_lock", "sort": "website"}
    )
    sql, params = store._select(db, to_query(state))
    assert hostile not in sql and "DROP" not in sql
    assert f"%{hostile}%" in params
    assert "LEFT JOIN `wp_sidecar_customer_groups` g" in sql
    assert "LEFT JOIN `wp_blogs` b" in sql
    assert sql.endswith("LIMIT %s OFFSET %s") and params[-2:] == [50, 0]


def test_like_wildcards_are_escaped():
    db = SimpleNamespace(prefix="wp_")
    state = parse_state({"f.email": "100%_sure"})
    _, params = store._select(db, to_query(state))
    assert "%100\\%\\_sure%" in params


def test_an_unknown_column_never_reaches_sql():
    with pytest.raises(ValueError):
        store._select(SimpleNamespace(prefix="wp_"), store.Query(columns=["user_pass"]))


def test_grid_state_defaults_are_independent():
    first, second = GridState(), GridState()
    first.columns.append("city")
    assert "city" not in second.columns
