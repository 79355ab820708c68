"""A new customer's WordPress user and site, created through WordPress (the shim's signed
routes): the checks before (login, email and address free) and the two calls, with WordPress's
refusals turned into per-field messages. Used by the public sign-up and by Add Customer."""

from __future__ import annotations

from flask_babel import gettext

from ..errors import Invalid
from ..wp_bridge import WordPress
from ..wp_bridge.rest import RestError
from ..wp_bridge.tables.sites import path_taken
from ..wp_bridge.tables.users import find_users_by_email, login_exists


def check_available(wp: WordPress, form: dict, *, email_taken: str) -> None:
    """Refuse a taken username, email or site address (``form``: username, email,
    site_path); ``email_taken`` is the message for a taken email. Raises Invalid."""
    errors = {}
    if login_exists(wp.db, form["username"]):
        errors["username"] = [gettext("This username is taken. Choose another one.")]
    if find_users_by_email(wp.db, form["email"]):
        errors["email"] = [email_taken]
    if path_taken(wp.db, wp.network_id, f"/{form['site_path']}/"):
        errors["site_path"] = [gettext("This address is taken. Choose another one.")]
    if errors:
        raise Invalid(errors)


def create_user(wp: WordPress, form: dict, password: str) -> int:
    """Create the network user (``form``: username, email, optional name); return its id.
    Raises Invalid when WordPress refuses the input, RestError subclasses otherwise."""
    try:
        return wp.shim.create_user(form["username"], form["email"], password, form.get("name", ""))
    except RestError as error:
        if error.status in (400, 409):
            field = "email" if "email" in error.message.lower() else "username"
            raise Invalid({field: [refused(error)]}) from None
        raise


def create_site(wp: WordPress, form: dict, user_id: int) -> dict:
    """Create the site (``form``: site_path, site_title) owned by ``user_id``; return the
    shim's answer (blog_id, url). Raises Invalid when WordPress refuses the input, RestError
    subclasses otherwise."""
    try:
        return wp.shim.create_site(form["site_path"], form["site_title"], user_id)
    except RestError as error:
        if error.status in (400, 409):
            raise Invalid({"site_path": [refused(error)]}) from None
        raise


def refused(error: RestError) -> str:
    """WordPress's own reason (English) inside a translated sentence."""
    return gettext("WordPress refused this: %(reason)s", reason=error.message)
