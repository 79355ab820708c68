"""One place that turns exceptions into answers: JSON under ``/api/``, a wp-admin fragment
elsewhere. Never a bare 500 page: unexpected errors are logged with the request id and the
person gets a calm message."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_babel import gettext, lazy_gettext
from werkzeug.exceptions import HTTPException

from ..errors import BadRequest, NotFound, SidecarError, Unavailable
from ..wp_bridge.db import DatabaseBusy, DatabaseUnavailable
from ..wp_bridge.rest import RestError, WordPressUnavailable
from .fragments import render_fragment

log = logging.getLogger(__name__)

# What people read for Werkzeug's own errors (its descriptions are English only).
_HTTP_MESSAGES = {
    400: BadRequest.default_message,
    404: NotFound.default_message,
    405: lazy_gettext("This action is not possible here."),
    413: lazy_gettext("What you sent is too large."),
}

# Another change held the rows this one needed; the transaction was rolled back whole.
_DATABASE_BUSY = lazy_gettext(
    "Someone else was changing the same data at the same moment, so your change was not"
    " saved. Please try again."
)

# WordPress (the site itself) does not answer: nothing was changed, the person can retry.
_WORDPRESS_DOWN = lazy_gettext(
    "The site is not reachable right now, so nothing was changed. Please try again in a minute."
)


def _answer(status: int, code: str, message: str, errors: dict | None = None):
    if request.path.startswith("/api/"):
        body = {"code": code, "message": message}
        if errors:
            body["errors"] = errors
        response = jsonify(body)
        response.status_code = status
    else:
        response = render_fragment(
            "error.html", status=status, message=message, code=code, errors=errors or {}
        )
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(SidecarError)
    def domain_error(error: SidecarError):
        return _answer(error.status, error.code, error.message, getattr(error, "errors", None))

    @app.errorhandler(DatabaseUnavailable)
    def unavailable(error: Exception):
        log.warning("dependency unavailable: %s", error)
        return domain_error(Unavailable())

    @app.errorhandler(DatabaseBusy)
    def busy(error: Exception):
        log.warning("database lock conflict: %s", error)
        return domain_error(Unavailable(_DATABASE_BUSY, code="busy"))

    @app.errorhandler(WordPressUnavailable)
    def wordpress_unavailable(error: Exception):
        log.warning("WordPress unavailable: %s", error)
        return domain_error(Unavailable(_WORDPRESS_DOWN, code="wordpress_unavailable"))

    @app.errorhandler(RestError)
    def wordpress_refused(error: RestError):
        # WordPress answered but refused (auth, conflict, validation the domain did not map):
        # say so with its reason instead of a generic failure.
        log.warning("WordPress refused: %s %s", error.status, error.code)
        message = gettext(
            "WordPress did not accept this request (%(reason)s). Please check and try again.",
            reason=error.message or error.code,
        )
        return _answer(502, "wordpress_refused", message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/") and error.code == 422:
            messages = getattr(error, "data", {}).get("messages", {})
            return _answer(422, "invalid", lazy_gettext("Some parameters are not valid."), messages)
        status = error.code or 500
        message = _HTTP_MESSAGES.get(status) or (
            SidecarError.default_message if status >= 500 else error.description
        )
        return _answer(status, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error")
        return domain_error(SidecarError())
