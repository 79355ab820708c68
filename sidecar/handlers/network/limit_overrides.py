"""Network Admin → Memberships → one membership → Limit overrides (the form's POST; the
form itself is part of the membership page)."""

from __future__ import annotations

from flask import redirect

from ...auth import current_actor
from ...context import get_wp
from ...domain.clock import utcnow
from ...domain.limit_overrides import save_overrides
from ...schemas.limit_overrides import OVERRIDES_FORM
from ..inputs import load_form
from . import blueprint


@blueprint.post("/memberships/<int:membership_id>/limits")
def save_limit_overrides(membership_id: int):
    """Replace the membership's and its site's limit overrides; publish them at once."""
    form = load_form(OVERRIDES_FORM)
    save_overrides(
        get_wp(),
        membership_id,
        {"membership": form["membership"], "site": form["site"]},
        current_actor(),
        utcnow(),
    )
    return redirect(f"/network/memberships/{membership_id}?saved=limits", code=303)
