"""Domain exceptions. Each carries the HTTP status and a message a person can act on; one
error handler (``handlers/errors.py``) turns them into a page fragment or a JSON error."""

from __future__ import annotations

from flask_babel import lazy_gettext


class SidecarError(Exception):
    """Base class: ``status``, a machine ``code`` and a human ``message``."""

    status = 500
    code = "error"
    default_message = lazy_gettext("Something went wrong on our side. Please try again.")

    def __init__(self, message: str | None = None, *, code: str | None = None):
        # ``message`` (and the defaults) may be lazy strings: translated when rendered.
        self.message = message or self.default_message
        self.code = code or self.code
        super().__init__(self.message)


class BadRequest(SidecarError):
    status = 400
    code = "bad_request"
    default_message = lazy_gettext("The request could not be understood.")


class Unauthorized(SidecarError):
    status = 401
    code = "unauthorized"
    default_message = lazy_gettext("Please log in again.")


class Forbidden(SidecarError):
    status = 403
    code = "forbidden"
    default_message = lazy_gettext("You are not allowed to do this.")


class NotFound(SidecarError):
    status = 404
    code = "not_found"
    default_message = lazy_gettext("This page does not exist, or it is not yours.")


class Conflict(SidecarError):
    """The change clashes with the current state (e.g. paying an invoice twice)."""

    status = 409
    code = "conflict"
    default_message = lazy_gettext("This was changed in the meantime. Please reload the page.")


class Invalid(SidecarError):
    """Input failed validation; ``errors`` maps field names to lists of messages. A refused
    form answers 400 (the JSON API's own argument parsing answers 422, as its spec says)."""

    status = 400
    code = "invalid"
    default_message = lazy_gettext("Please correct the highlighted fields.")

    def __init__(self, errors: dict, message: str | None = None):
        super().__init__(message)
        self.errors = errors


class Unavailable(SidecarError):
    status = 503
    code = "unavailable"
    default_message = lazy_gettext(
        "A service we depend on is not answering. Please try again in a minute."
    )
