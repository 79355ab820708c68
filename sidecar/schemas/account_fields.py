"""Fields of a new WordPress user and site, shared by the public sign-up and Add Customer (the
same rules; only the wording of "your site" / "the site" differs)."""

from __future__ import annotations

import re

from flask_babel import gettext
from marshmallow import ValidationError, fields, validate

from . import lazy_text

# WordPress keeps these for itself in a subdirectory network (get_subdirectory_reserved_names).
RESERVED_PATHS = frozenset(
    {
        "page",
        "comments",
        "blog",
        "files",
        "feed",
        "wp-admin",
        "wp-content",
        "wp-includes",
        "wp-json",
        "embed",
        "signup",
    }
)


SITE_PATH_RULE = lazy_text(
    "Use 3 to 63 lowercase letters, digits or hyphens, starting with a letter or digit."
)


def username_field() -> fields.String:
    """A WordPress login: 4 to 60 lowercase letters and digits."""
    return fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z0-9]{4,60}$", error=lazy_text("Use 4 to 60 lowercase letters and digits.")
        ),
        error_messages={"required": lazy_text("Choose a username.")},
    )


def site_path_field(required: str) -> fields.String:
    """A site's address in a subdirectory network; ``required`` says it is missing."""
    return fields.String(
        required=True,
        validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]{2,62}$", error=SITE_PATH_RULE),
        error_messages={"required": required},
    )


def site_title_field(too_long: str, required: str) -> fields.String:
    """A site's title, 1 to 100 characters."""
    return fields.String(
        required=True,
        validate=validate.Length(1, 100, error=too_long),
        error_messages={"required": required},
    )


def lowercase_names(tidy: dict) -> None:
    """Lower-case the site address, username and email of a tidied form, in place."""
    for key in ("site_path", "username", "email"):
        if key in tidy:
            tidy[key] = tidy[key].lower()


def check_new_site(data: dict) -> None:
    """Refuse a reserved site address or a title with markup. Raises ValidationError."""
    if data.get("site_path") in RESERVED_PATHS:
        raise ValidationError(gettext("This address is reserved. Choose another one."), "site_path")
    if re.search(r"<|>", data.get("site_title", "")):
        raise ValidationError(gettext("The title cannot contain < or >."), "site_title")
