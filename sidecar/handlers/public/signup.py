"""``/signup/`` (sidecar path ``/public/signup/``; links are relative to it): choose a plan,
create the site and the account, receive the first invoice."""

from __future__ import annotations

from flask import g, request

from ...context import get_wp, settings
from ...domain.billing_context import billing_context
from ...domain.clock import utcnow
from ...domain.signup import sign_up, signup_options, signup_templates
from ...errors import Invalid
from ...schemas.signup import SIGNUP_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint


def _form_page(status: int = 200, errors: dict | None = None):
    plans, packages = signup_options(get_wp())
    return render_fragment(
        "public/signup.html",
        status=status,
        plans=plans,
        packages=packages,
        templates=signup_templates(get_wp(), plans),
        form=request.form,
        errors=errors or {},
        chosen=request.args.get("plan", ""),
    )


@blueprint.get("/signup/", strict_slashes=False)
def signup_form():
    """The sign-up form."""
    return _form_page()


@blueprint.post("/signup/", strict_slashes=False)
def signup():
    """Create everything; on bad input show the form again with the input kept."""
    try:
        form = load_form(SIGNUP_FORM)
        result = sign_up(
            get_wp(),
            form,
            ctx=billing_context(settings()),
            now=utcnow(),
            request_id=g.claims.rid,
            settings=settings(),
        )
    except Invalid as invalid:
        return _form_page(400, invalid.errors)
    return render_fragment("public/signup_done.html", result=result)
