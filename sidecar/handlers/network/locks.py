"""Network Admin → Sidecar → Account locks: accounts locked after too many wrong passwords,
and Unlock."""

from __future__ import annotations

from flask import redirect, request

from ...auth import current_actor
from ...context import get_db, settings
from ...domain import locks
from ...domain.clock import utcnow
from ..fragments import render_fragment
from . import blueprint


@blueprint.get("/locks")
def account_locks():
    """The accounts locked now."""
    now = utcnow()
    return render_fragment(
        "network/locks.html",
        active="locks",
        locked=locks.list_locked(get_db(), now),
        now=now,
        security=settings().security,
        unlocked=request.args.get("done") == "unlocked",
    )


@blueprint.post("/locks/<int:user_id>/unlock")
def unlock(user_id: int):
    """Lift one lock now. NotFound when the account is not locked (any more)."""
    locks.unlock(get_db(), user_id, current_actor(), utcnow())
    return redirect("/network/locks?done=unlocked", code=303)
