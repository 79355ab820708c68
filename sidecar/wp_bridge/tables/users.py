"""Users (``wp_users``) and their per-site roles (``wp_usermeta`` ``{blog prefix}capabilities``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Database, Row
from ..phpserial import maybe_unserialize
from ..prefix import blog_prefix, global_table

_COLUMNS = "ID, user_login, user_email, display_name, user_registered"


@dataclass(frozen=True)
class User:
    id: int
    login: str
    email: str
    display_name: str
    registered: datetime | None


def _user(row: Row) -> User:
    registered = row["user_registered"]
    return User(
        id=int(row["ID"]),
        login=row["user_login"],
        email=row["user_email"],
        display_name=row["display_name"],
        registered=registered if isinstance(registered, datetime) else None,
    )


def get_user(db: Database, user_id: int) -> User | None:
    """Return user ``user_id``, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {global_table(db.prefix, 'users')} WHERE ID = %s", (user_id,)
    )
    return _user(row) if row else None


def find_users_by_email(db: Database, email: str) -> list[User]:
    """Return the users whose email is ``email`` (case-insensitive, as MySQL collates)."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {global_table(db.prefix, 'users')} WHERE user_email = %s",
        (email,),
    )
    return [_user(row) for row in rows]


def user_roles(db: Database, user_id: int, blog_id: int) -> list[str]:
    """Return the roles user ``user_id`` has on site ``blog_id`` (empty when not a member).

    Raises InvalidBlogId for a bad blog id.
    """
    value = db.fetch_value(
        f"SELECT meta_value FROM {global_table(db.prefix, 'usermeta')}"
        " WHERE user_id = %s AND meta_key = %s LIMIT 1",
        (user_id, f"{blog_prefix(db.prefix, blog_id)}capabilities"),
    )
    capabilities = maybe_unserialize(value) if value is not None else {}
    if not isinstance(capabilities, dict):
        return []
    return [str(role) for role, granted in capabilities.items() if granted]


def login_exists(db: Database, login: str) -> bool:
    """True when a user has this login (MySQL compares it without case, like WordPress)."""
    return bool(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {global_table(db.prefix, 'users')} WHERE user_login = %s",
            (login,),
        )
    )
