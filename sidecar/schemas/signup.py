"""The public sign-up form."""

from __future__ import annotations

from flask_babel import gettext
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from . import lazy_text
from .account_fields import (
    check_new_site,
    lowercase_names,
    site_path_field,
    site_title_field,
    username_field,
)


class SignupForm(Schema):
    class Meta:
        unknown = EXCLUDE

    plan_id = fields.Integer(
        required=True,
        strict=False,
        error_messages={
            "required": lazy_text("Choose a plan."),
            "invalid": lazy_text("Choose a plan."),
        },
    )
    package_ids = fields.List(fields.Integer(strict=False), load_default=list)
    site_path = site_path_field(lazy_text("Choose your site's address."))
    site_title = site_title_field(
        lazy_text("Give your site a title (up to 100 characters)."),
        lazy_text("Give your site a title."),
    )
    username = username_field()
    email = fields.Email(
        required=True,
        error_messages={
            "required": lazy_text("Enter your email address."),
            "invalid": lazy_text("Enter a valid email address."),
        },
    )
    password = fields.String(
        required=True,
        validate=validate.Length(10, 200, error=lazy_text("Use at least 10 characters.")),
        error_messages={"required": lazy_text("Choose a password.")},
    )
    password_again = fields.String(
        required=True, error_messages={"required": lazy_text("Repeat your password.")}
    )
    discount_code = fields.String(load_default="", validate=validate.Length(max=40))
    template_id = fields.Integer(
        load_default=None,
        strict=False,
        error_messages={"invalid": lazy_text("Choose one of the templates offered.")},
    )

    @pre_load
    def tidy(self, data, **_):
        tidy = {k: v.strip() for k, v in data.items() if isinstance(v, str) and k != "password"}
        tidy["password"] = data.get("password", "")
        tidy["password_again"] = data.get("password_again", "")
        tidy["package_ids"] = data.getlist("package_ids") if hasattr(data, "getlist") else []
        lowercase_names(tidy)
        return {k: v for k, v in tidy.items() if v not in ("", None) or k == "discount_code"}

    @validates_schema
    def check(self, data, **_):
        if data.get("password") != data.get("password_again"):
            raise ValidationError(gettext("The passwords do not match."), "password_again")
        check_new_site(data)


SIGNUP_FORM = SignupForm()
