"""Account → Change Password and Danger Zone forms. The schemas only shape the input (strings
of bounded length, a checkbox); the rules with their messages live in the domain, which knows
the user and the settings."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from ..domain.danger_zone import DeleteAccountRequest, DeleteSiteRequest
from ..domain.passwords import PasswordChange
from . import lazy_text

_TOO_LONG = lazy_text("This is too long.")


def _secret(required_message: str) -> fields.String:
    return fields.String(
        load_default="",
        validate=validate.Length(max=4096, error=_TOO_LONG),
        error_messages={"invalid": required_message},
    )


def _toggle() -> fields.Boolean:
    """A checkbox: present (``1``/``on``) means on, absent means off."""
    return fields.Boolean(load_default=False, truthy={"1", "on", "true"}, falsy={"", "0"})


class _Form(Schema):
    class Meta:
        unknown = EXCLUDE


class ChangePasswordForm(_Form):
    current_password = _secret(lazy_text("Enter your current password."))
    new_password = _secret(lazy_text("Enter a new password."))
    new_password_again = _secret(lazy_text("Type the new password again."))

    @post_load
    def build(self, data, **_):
        return PasswordChange(**data)


class DeleteSiteForm(_Form):
    confirm_site = _toggle()
    site_name = fields.String(load_default="", validate=validate.Length(max=500, error=_TOO_LONG))

    @post_load
    def build(self, data, **_):
        return DeleteSiteRequest(confirmed=data["confirm_site"], site_name=data["site_name"])


class DeleteAccountForm(_Form):
    confirm_account = _toggle()
    password = _secret(lazy_text("Enter your password."))

    @post_load
    def build(self, data, **_):
        return DeleteAccountRequest(confirmed=data["confirm_account"], password=data["password"])


CHANGE_PASSWORD_FORM = ChangePasswordForm()
DELETE_SITE_FORM = DeleteSiteForm()
DELETE_ACCOUNT_FORM = DeleteAccountForm()
