"""Onboarding templates (form and JSON API) and the Add Customer form. The domain checks
what needs the database (plans, payers, users, webhooks)."""

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


def _optional_id(message):
    return fields.Integer(
        load_default=None, allow_none=True, strict=False, error_messages={"invalid": message}
    )


class ManagerSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    user_id = fields.Integer(required=True, strict=False)
    role = fields.String(load_default="administrator")


class OnboardingTemplateSchema(Schema):
    """The template's fields (JSON API and the form after ``OnboardingForm`` pairs rows)."""

    class Meta:
        unknown = EXCLUDE

    name = fields.String(
        required=True,
        validate=validate.Length(
            1, 100, error=lazy_text("Enter a name of at most 100 characters.")
        ),
        error_messages={"required": lazy_text("Give the template a name.")},
    )
    description = fields.String(load_default="", validate=validate.Length(max=500))
    plan_id = _optional_id(lazy_text("Choose one of the active plans."))
    payer_customer_id = _optional_id(lazy_text("Choose the payer from the list of customers."))
    managers = fields.List(fields.Nested(ManagerSchema), load_default=list)
    webhook_ids = fields.List(fields.Integer(strict=False), load_default=list)


class OnboardingForm(OnboardingTemplateSchema):
    """The HTML form: managers come as paired ``manager_user_id``/``manager_role`` rows."""

    @pre_load
    def pair_rows(self, data, **_):
        getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k) or [])
        users, roles = getlist("manager_user_id"), getlist("manager_role")
        managers = [
            {"user_id": user, "role": role}
            for user, role in zip(users, roles, strict=False)
            if str(user).strip()
        ]
        tidy = {
            "name": (data.get("name") or "").strip(),
            "description": (data.get("description") or "").strip(),
            "managers": managers,
            "webhook_ids": getlist("webhook_ids"),
        }
        for key in ("plan_id", "payer_customer_id"):
            if (data.get(key) or "").strip():
                tidy[key] = data.get(key)
        return tidy


class AddCustomerForm(Schema):
    class Meta:
        unknown = EXCLUDE

    template_id = fields.Integer(
        required=True,
        strict=False,
        error_messages={
            "required": lazy_text("Choose an onboarding template."),
            "invalid": lazy_text("Choose an onboarding template."),
        },
    )
    name = fields.String(
        required=True,
        validate=validate.Length(
            1, 100, error=lazy_text("Enter a name of at most 100 characters.")
        ),
        error_messages={"required": lazy_text("Enter the customer's name.")},
    )
    email = fields.Email(
        required=True,
        error_messages={
            "required": lazy_text("Enter the customer's email address."),
            "invalid": lazy_text("Enter a valid email address."),
        },
    )
    username = username_field()
    site_path = site_path_field(lazy_text("Choose the site's address."))
    site_title = site_title_field(
        lazy_text("Give the site a title (up to 100 characters)."),
        lazy_text("Give the site a title."),
    )
    password = fields.String(
        load_default="",
        validate=validate.Length(
            max=200, error=lazy_text("Use at most 200 characters, or leave empty.")
        ),
    )
    site_template_id = fields.Integer(
        load_default=None,
        strict=False,
        error_messages={"invalid": lazy_text("Choose one of the site templates offered.")},
    )

    @pre_load
    def tidy(self, data, **_):
        tidy = {k: v.strip() for k, v in data.items() if isinstance(v, str) and k != "password"}
        tidy["password"] = data.get("password", "")
        lowercase_names(tidy)
        return {k: v for k, v in tidy.items() if v != "" or k == "password"}

    @validates_schema
    def check(self, data, **_):
        check_new_site(data)
        if data.get("password") and len(data["password"]) < 10:
            raise ValidationError(
                gettext("Use at least 10 characters, or leave empty to generate one."), "password"
            )


class CustomerSetupForm(Schema):
    """Network Admin → a customer's setup: ``payer_<membership id>`` = a customer id or
    empty, and the ticked ``webhook_ids``."""

    class Meta:
        unknown = EXCLUDE

    payers = fields.Dict(keys=fields.String(), values=fields.String())
    webhook_ids = fields.List(fields.String())

    @pre_load
    def collect(self, data, **_):
        return {
            "payers": {
                key.removeprefix("payer_"): value
                for key, value in data.items()
                if key.startswith("payer_")
            },
            "webhook_ids": [w for w in data.getlist("webhook_ids") if w.isdigit()],
        }

    @validates_schema
    def check(self, data, **_):
        payers = data.get("payers", {})
        if not all(k.isdigit() for k in payers) or any(
            v and not v.isdigit() for v in payers.values()
        ):
            raise ValidationError(gettext("Choose the payer from the list."), "payers")


ONBOARDING_FORM = OnboardingForm()
CUSTOMER_SETUP_FORM = CustomerSetupForm()
ONBOARDING_JSON = OnboardingTemplateSchema()
ADD_CUSTOMER_FORM = AddCustomerForm()


class ManagerOut(Schema):
    user_id = fields.Integer()
    role = fields.String()
    user_login = fields.String(allow_none=True)


class OnboardingTemplateOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    plan_id = fields.Integer(allow_none=True)
    plan_name = fields.String()
    payer_customer_id = fields.Integer(
        allow_none=True, metadata={"description": "null: the customer pays"}
    )
    is_default = fields.Boolean()
    managers = fields.List(fields.Nested(ManagerOut))
    webhook_ids = fields.List(fields.Integer())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OnboardingTemplateList(Schema):
    items = fields.List(fields.Nested(OnboardingTemplateOut))
