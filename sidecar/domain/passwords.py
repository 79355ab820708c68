"""Account → Change Password: check the current password against WordPress's hash, apply the
rules to the new one, and set it through WordPress (the shim calls ``wp_set_password``, so the
stored hash is the one the running WordPress version writes), ending the other sessions.

Wrong current passwords count towards the account lock (``locks``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from ..config import SecuritySettings
from ..errors import Invalid
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from ..wp_bridge.passwords import MAX_PASSWORD_BYTES, check_password
from ..wp_bridge.tables.user_accounts import stored_password_hash
from ..wp_bridge.tables.users import User
from . import locks
from .events import Actor, record

_SESSION_VERIFIER = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PasswordChange:
    current_password: str
    new_password: str
    new_password_again: str


def new_password_problems(
    change: PasswordChange, user: User, min_length: int
) -> dict[str, list[str]]:
    """Per-field messages for a new password that breaks a rule (empty when it is fine)."""
    new = change.new_password
    problems = _shape_problems(new, min_length)
    if new and new.casefold() in (user.login.casefold(), user.email.casefold()):
        problems.append(gettext("Your password cannot be your username or your email address."))
    errors = {"new_password": problems} if problems else {}
    if new and change.new_password_again != new:
        errors["new_password_again"] = [gettext("The two new passwords do not match.")]
    return errors


def password_problems(new: str, min_length: int) -> list[str]:
    """What is wrong with ``new`` as a password (empty list when nothing): too short, too
    long, spaces around it, characters WordPress could not log in with."""
    return _shape_problems(new, min_length)


def _shape_problems(new: str, min_length: int) -> list[str]:
    """What WordPress could not log in with, and the minimum length."""
    if not new:
        return [gettext("Enter a new password.")]
    problems = []
    if len(new) < min_length:
        problems.append(gettext("Use at least %(num)d characters.", num=min_length))
    if len(new.encode("utf-8", "surrogatepass")) > MAX_PASSWORD_BYTES:
        problems.append(gettext("Use at most 4096 bytes."))
    if new != new.strip():
        problems.append(gettext("Your password cannot start or end with a space."))
    if "\\" in new or _CONTROL.search(new):
        problems.append(gettext("Your password cannot contain backslashes or control characters."))
    return problems


def verify_password(
    db: Database, user: User, password: str, policy: locks.LockPolicy, now: datetime
) -> str | None:
    """Check ``user``'s current password. Returns None when it is right (forgetting earlier
    failures), else the message to show — a wrong one (not an empty one) counts towards the
    lock."""
    if not password:
        return gettext("Enter your current password.")
    if check_password(password, stored_password_hash(db, user.id) or ""):
        locks.clear_failures(db, user.id)
        return None
    lock = locks.record_failure(db, user.id, "account", policy, now)
    if lock is not None:
        return locks.locked_message(lock, now)
    return gettext("This is not your current password.")


def change_password(
    wp: WordPress,
    user: User,
    change: PasswordChange,
    *,
    keep_session: str,
    security: SecuritySettings,
    actor: Actor,
    now: datetime,
) -> dict:
    """Set ``user``'s new password through WordPress and end their other sessions (the one
    whose verifier is ``keep_session`` stays). Returns the shim's answer.

    Raises Invalid with per-field messages (locked account, wrong current password, a rule
    broken), or RestError subclasses when WordPress fails.
    """
    locks.refuse_if_locked(wp.db, user.id, now, "current_password")
    errors = new_password_problems(change, user, security.password_min_length)
    policy = locks.LockPolicy.from_settings(security)
    wrong = verify_password(wp.db, user, change.current_password, policy, now)
    if wrong:
        errors["current_password"] = [wrong]
    elif change.new_password == change.current_password and "new_password" not in errors:
        errors["new_password"] = [gettext("Choose a password different from your current one.")]
    if errors:
        raise Invalid(errors)
    keep = keep_session if _SESSION_VERIFIER.match(keep_session or "") else ""
    answer = wp.shim.set_password(user.id, change.new_password, keep)
    record(
        wp.db, actor, "user", user.id, "user.password_changed", None, {"kept_session": bool(keep)}
    )
    return answer
