"""Account → Change Password and Danger Zone (Delete Site, Delete Account): the site owner's
own account only — a network administrator viewing the page is refused."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, redirect, request
from flask_babel import gettext

from ...auth import current_actor
from ...context import get_wp, settings
from ...domain import danger_zone, passwords
from ...domain.account import account_overview
from ...domain.clock import utcnow
from ...errors import Forbidden, Invalid
from ...schemas.security import CHANGE_PASSWORD_FORM, DELETE_ACCOUNT_FORM, DELETE_SITE_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REAUTH_HEADER = "X-Sidecar-Reauth"


@blueprint.context_processor
def _security_context() -> dict:
    return {"password_min_length": settings().security.password_min_length}


def _owner_only() -> None:
    """Raise Forbidden unless the viewer is the site's owner acting for themself."""
    if not g.viewer.is_owner:
        raise Forbidden(gettext("Only the site's owner can do this, from their own log-in."))


def _refused(invalid: Invalid, form: str):
    """The Account page again, status 400, with the messages and the input of ``form`` kept
    (never a password)."""
    kept = {
        key: request.form.get(key, "") for key in ("confirm_site", "site_name", "confirm_account")
    }
    return render_fragment(
        "account/overview.html",
        status=400,
        overview=account_overview(get_wp(), g.viewer, utcnow()),
        security_errors=invalid.errors,
        security_form={"form": form, **kept},
    )


def _main_site(notice: str) -> str:
    """The network's main site, where a customer without a site lands, with a notice."""
    return settings().wordpress.url.rstrip("/") + "/?" + urlencode({"sidecar_notice": notice})


@blueprint.post("/password")
def change_password():
    """Change the owner's password; the shim re-issues the log-in cookie of this session."""
    _owner_only()
    try:
        passwords.change_password(
            get_wp(),
            g.viewer.user,
            load_form(CHANGE_PASSWORD_FORM),
            keep_session=g.claims.ses,
            security=settings().security,
            actor=current_actor(),
            now=utcnow(),
        )
    except Invalid as invalid:
        return _refused(invalid, "password")
    response = redirect("/account/?done=password", code=303)
    response.headers[REAUTH_HEADER] = "1"
    return response


@blueprint.post("/delete-site")
def delete_site():
    """Delete this site; the browser goes to the network's main site."""
    _owner_only()
    try:
        danger_zone.delete_site(get_wp(), g.viewer, load_form(DELETE_SITE_FORM), current_actor())
    except Invalid as invalid:
        return _refused(invalid, "site")
    return redirect(_main_site("site-deleted"), code=303)


@blueprint.post("/delete-account")
def delete_account():
    """Delete the owner's sites, memberships, data and WordPress user."""
    _owner_only()
    try:
        danger_zone.delete_account(
            get_wp(),
            g.viewer,
            load_form(DELETE_ACCOUNT_FORM),
            security=settings().security,
            actor=current_actor(),
            now=utcnow(),
        )
    except Invalid as invalid:
        return _refused(invalid, "account")
    return redirect(_main_site("account-deleted"), code=303)
