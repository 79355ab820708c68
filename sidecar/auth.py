"""Flask glue for the trust model: verify the shim's assertion, refuse replays, authorise the
viewer from the database, and check CSRF tokens on every POST of the proxied pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, g, request
from flask_babel import lazy_gettext

from . import assertions, csrf
from .assertions import AssertionRefused, Claims
from .context import get_db, get_wp, settings
from .domain.access import Viewer
from .domain.events import Actor
from .errors import BadRequest, Unauthorized
from .store import token_uses

HEADER = "X-Sidecar-Assertion"


def protect(blueprint: Blueprint, audience: str, authorise: Callable[..., Viewer]) -> None:
    """Require a valid assertion for ``audience`` (and CSRF on POST) on every route of
    ``blueprint``; ``authorise(wp, claims)`` decides who the viewer is or raises."""

    @blueprint.before_request
    def _verify():
        g.claims = verified_claims(audience)
        g.viewer = authorise(get_wp(), g.claims)
        if request.method == "POST":
            check_csrf(g.claims)


def verified_claims(audience: str) -> Claims:
    """Verify this request's assertion and claim its one-time id. Raises Unauthorized."""
    now = int(time.time())
    try:
        claims = assertions.verify(
            settings().shim.secret,
            request.headers.get(HEADER, ""),
            audience=audience,
            method=request.method,
            path=request.path,
            now=now,
        )
    except AssertionRefused as refused:
        raise Unauthorized(
            lazy_gettext("Your session could not be verified. Please reload the page."),
            code=refused.code,
        ) from None
    if not token_uses.claim(get_db(), claims.jti, claims.exp):
        raise Unauthorized(
            lazy_gettext("This request was already used. Please reload the page."), code="replay"
        )
    return claims


def _binding(claims: Claims) -> str:
    return f"{claims.aud}|{claims.net}|{claims.blog}|{claims.sub}|{claims.ses}"


def csrf_token() -> str:
    """Return a CSRF token for the current viewer (a Jinja global)."""
    return csrf.make_token(settings().sidecar.secret_key, _binding(g.claims), int(time.time()))


def check_csrf(claims: Claims) -> None:
    """Raise BadRequest unless the posted ``csrf_token`` was made for this log-in."""
    token = request.form.get("csrf_token", "")
    if not csrf.token_is_valid(
        settings().sidecar.secret_key, _binding(claims), token, int(time.time())
    ):
        raise BadRequest(
            lazy_gettext("This form has expired. Please reload the page and try again."),
            code="csrf",
        )


def current_actor() -> Actor:
    """The person behind this proxied request, for the event log."""
    kind = "admin" if g.viewer.is_super_admin else "customer"
    return Actor(kind, g.viewer.user.id, g.claims.rid)


def wp_url(path: str) -> str:
    """Return the wp-admin address that shows sidecar page ``path`` (relative to the blueprint's
    prefix, e.g. ``/invoices?p=2``) through the shim's proxy (a Jinja global)."""
    base = g.claims.base if "claims" in g else ""
    if not base.startswith(("http://", "https://")):
        return "#"
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}sc={quote(path, safe='')}"
