"""Account locks: too many wrong passwords lock a WordPress user out for a while.

Failures come from two places — wp-login.php (the shim reports ``wp_login_failed``) and the
Account page's password checks — and count together per user. When a user reaches
``lock_after_failures`` within ``lock_window_minutes``, the account is locked for
``lock_minutes``: the shim's ``authenticate`` filter refuses every log-in until then, and the
Account page refuses password checks. A network admin can unlock earlier. Failures are not
counted while an account is locked; the ones that led to a lock are forgotten with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext, ngettext

from ..config import SecuritySettings
from ..errors import Invalid, NotFound
from ..store import account_locks as lock_store
from ..store import auth_failures as failure_store
from ..wp_bridge.db import Database
from ..wp_bridge.tables.users import User, get_user
from .events import Actor, record

SOURCES = ("wp-login", "account")


@dataclass(frozen=True)
class LockPolicy:
    after_failures: int
    window: timedelta
    duration: timedelta

    @classmethod
    def from_settings(cls, security: SecuritySettings) -> LockPolicy:
        """The policy the ``[security]`` settings describe."""
        return cls(
            security.lock_after_failures,
            timedelta(minutes=security.lock_window_minutes),
            timedelta(minutes=security.lock_minutes),
        )


@dataclass(frozen=True)
class AccountLock:
    user_id: int
    locked_at: datetime
    locked_until: datetime
    failures: int

    def minutes_left(self, now: datetime) -> int:
        """Whole minutes until the lock ends (at least 1 while it holds)."""
        return max(1, math.ceil((self.locked_until - now).total_seconds() / 60))


@dataclass(frozen=True)
class LockedAccount:
    """A lock with its user (None when the user was deleted since), for Network Admin."""

    lock: AccountLock
    user: User | None


def current_lock(db: Database, user_id: int, now: datetime) -> AccountLock | None:
    """The lock in force on ``user_id`` at ``now``, or None."""
    row = lock_store.get(db, user_id)
    if row is None or row["locked_until"] <= now:
        return None
    return AccountLock(**row)


def locked_message(lock: AccountLock, now: datetime) -> str:
    """What a locked person is told."""
    return ngettext(
        "Your account is locked after too many wrong passwords. Try again in %(num)d minute,"
        " or ask the network administrator to unlock it.",
        "Your account is locked after too many wrong passwords. Try again in %(num)d minutes,"
        " or ask the network administrator to unlock it.",
        lock.minutes_left(now),
    )


def refuse_if_locked(db: Database, user_id: int, now: datetime, field: str) -> None:
    """Raise Invalid (the message on ``field``) while ``user_id`` is locked."""
    lock = current_lock(db, user_id, now)
    if lock is not None:
        raise Invalid({field: [locked_message(lock, now)]})


def record_failure(
    db: Database, user_id: int, source: str, policy: LockPolicy, now: datetime
) -> AccountLock | None:
    """Count one wrong password of ``user_id``; lock the account when the policy says so.

    Returns the lock in force afterwards (a new one, or one that already held — failures of
    a locked account are not counted), or None. Raises ValueError for an unknown source.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown failure source {source!r}")
    with db.transaction():
        existing = current_lock(db, user_id, now)
        if existing is not None:
            return existing
        since = now - policy.window
        failure_store.delete_before(db, user_id, since)
        failure_store.add(db, user_id, source, now)
        failures = failure_store.count_since(db, user_id, since)
        if failures < policy.after_failures:
            return None
        return _lock(db, user_id, failures, policy, now)


def _lock(
    db: Database, user_id: int, failures: int, policy: LockPolicy, now: datetime
) -> AccountLock:
    lock = AccountLock(user_id, now, now + policy.duration, failures)
    lock_store.put(db, user_id, lock.locked_at, lock.locked_until, failures)
    failure_store.delete_for_user(db, user_id)
    record(db, Actor("system"), "user", user_id, "account.locked", None, lock)
    return lock


def clear_failures(db: Database, user_id: int) -> None:
    """Forget ``user_id``'s failures (after a right password)."""
    failure_store.delete_for_user(db, user_id)


def forget_user(db: Database, user_id: int) -> None:
    """Remove every failure and lock row of ``user_id`` (the user is being deleted)."""
    failure_store.delete_for_user(db, user_id)
    lock_store.delete(db, user_id)


def unlock(db: Database, user_id: int, actor: Actor, now: datetime) -> AccountLock:
    """Lift ``user_id``'s lock now and forget their failures; return the lock that was lifted.

    Raises NotFound when the account is not locked.
    """
    with db.transaction():
        lock = current_lock(db, user_id, now)
        if lock is None:
            raise NotFound(gettext("This account is not locked."))
        lock_store.delete(db, user_id)
        failure_store.delete_for_user(db, user_id)
        record(db, actor, "user", user_id, "account.unlocked", lock, None)
    return lock


def list_locked(db: Database, now: datetime) -> list[LockedAccount]:
    """The accounts locked at ``now``, newest lock first, with their users."""
    locks = [AccountLock(**row) for row in lock_store.active(db, now)]
    return [LockedAccount(lock, get_user(db, lock.user_id)) for lock in locks]


def report_login_failure(
    db: Database, user_id: int, security: SecuritySettings, now: datetime
) -> AccountLock | None:
    """Count a failed wp-login.php log-in of ``user_id`` (reported by the shim); return the
    lock in force afterwards, or None. Raises NotFound for an unknown user."""
    if user_id < 1 or get_user(db, user_id) is None:
        raise NotFound(gettext("No such user."))
    return record_failure(db, user_id, "wp-login", LockPolicy.from_settings(security), now)
