"""A network admin's limit overrides (``sidecar_limit_overrides``) per membership or per site."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..wp_bridge.db import Database
from . import table

SCOPES = ("membership", "site")


def for_scopes(db: Database, scopes: Sequence[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """Return ``{(scope, id): {limit key: value or None}}`` for each requested scope."""
    found: dict[tuple[str, int], dict] = {scope: {} for scope in scopes}
    if not scopes:
        return found
    marks = " OR ".join(["(scope = %s AND scope_id = %s)"] * len(scopes))
    rows = db.fetch_all(
        f"SELECT scope, scope_id, limit_key, value FROM {table(db.prefix, 'limit_overrides')}"
        f" WHERE {marks}",
        [item for scope in scopes for item in scope],
    )
    for row in rows:
        value = None if row["value"] is None else int(row["value"])
        found[(row["scope"], int(row["scope_id"]))][row["limit_key"]] = value
    return found


def replace(db: Database, scope: str, scope_id: int, values: Mapping[str, int | None]) -> None:
    """Make ``values`` the overrides of one scope (keys left out are removed)."""
    if scope not in SCOPES:
        raise ValueError(f"bad scope {scope!r}")
    db.execute(
        f"DELETE FROM {table(db.prefix, 'limit_overrides')} WHERE scope = %s AND scope_id = %s",
        (scope, scope_id),
    )
    if values:
        marks = ", ".join(["(%s, %s, %s, %s, UTC_TIMESTAMP())"] * len(values))
        db.execute(
            f"INSERT INTO {table(db.prefix, 'limit_overrides')}"
            f" (scope, scope_id, limit_key, value, updated_at) VALUES {marks}",
            [item for key, value in values.items() for item in (scope, scope_id, key, value)],
        )
