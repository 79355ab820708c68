"""The discount codes table."""

from __future__ import annotations

from ..wp_bridge.db import Database, Row
from . import table

_COLUMNS = (
    "id, code, description, kind, amount, currency, applies_to_renewals, max_uses, uses,"
    " valid_from, valid_until, active, created_at"
)
_WRITABLE = (
    "code",
    "description",
    "kind",
    "amount",
    "currency",
    "applies_to_renewals",
    "max_uses",
    "valid_from",
    "valid_until",
    "active",
)


def insert(db: Database, code: dict) -> int:
    """Store a new code (the keys of ``_WRITABLE``); return its id."""
    columns = ", ".join(_WRITABLE)
    values = ", ".join(f"%({name})s" for name in _WRITABLE)
    return db.insert(
        f"INSERT INTO {table(db.prefix, 'discount_codes')} ({columns}, uses, created_at)"
        f" VALUES ({values}, 0, UTC_TIMESTAMP())",
        _encode(code),
    )


def update(db: Database, code_id: int, code: dict) -> None:
    """Overwrite a code's writable columns (``uses`` is left alone)."""
    assignments = ", ".join(f"{name} = %({name})s" for name in _WRITABLE)
    db.execute(
        f"UPDATE {table(db.prefix, 'discount_codes')} SET {assignments} WHERE id = %(id)s",
        {**_encode(code), "id": code_id},
    )


def set_active(db: Database, code_id: int, active: bool) -> None:
    """Switch a code on or off."""
    db.execute(
        f"UPDATE {table(db.prefix, 'discount_codes')} SET active = %s WHERE id = %s",
        (int(active), code_id),
    )


def get(db: Database, code_id: int, *, for_update: bool = False) -> Row | None:
    """Return one code, or None; ``for_update`` locks its row until the transaction ends."""
    lock = " FOR UPDATE" if for_update else ""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'discount_codes')} WHERE id = %s{lock}",
        (code_id,),
    )
    return _decode(row) if row else None


def find_by_code(db: Database, code: str) -> Row | None:
    """Return the code spelled ``code`` (case-insensitively), or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'discount_codes')} WHERE code = %s", (code,)
    )
    return _decode(row) if row else None


def list_all(db: Database) -> list[Row]:
    """Return every code, active ones first, then by code."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {table(db.prefix, 'discount_codes')} ORDER BY active DESC, code"
    )
    return [_decode(row) for row in rows]


def use_once(db: Database, code_id: int) -> bool:
    """Count one use, atomically, unless the code is used up; return False when it was."""
    return bool(
        db.execute(
            f"UPDATE {table(db.prefix, 'discount_codes')} SET uses = uses + 1"
            " WHERE id = %s AND (max_uses IS NULL OR uses < max_uses)",
            (code_id,),
        )
    )


def _encode(code: dict) -> dict:
    row = {name: code[name] for name in _WRITABLE}
    row["applies_to_renewals"] = int(bool(code["applies_to_renewals"]))
    row["active"] = int(bool(code["active"]))
    return row


def _decode(row: Row) -> Row:
    row["applies_to_renewals"] = bool(row["applies_to_renewals"])
    row["active"] = bool(row["active"])
    return row
