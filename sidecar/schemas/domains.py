"""Custom domains: the Add Domain form, the network settings form, the admin list's filters
and the JSON shapes of the API. The rules themselves live in ``domain/`` (names, settings)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from ..domain.domains import STATUSES
from . import lazy_text

FILTER_STATUSES = (*STATUSES, "disabled")


class AddDomainForm(Schema):
    """Account → Add Domain, step 2 (also the API's body)."""

    class Meta:
        unknown = EXCLUDE

    domain = fields.String(
        load_default="",
        validate=validate.Length(
            max=1000, error=lazy_text("That is far too long for a domain name.")
        ),
        metadata={"description": "The domain name, e.g. shop.example.com (IDNs are accepted)."},
    )
    primary = fields.Boolean(
        load_default=False,
        metadata={"description": "Make it the site's primary (canonical) domain."},
    )

    @pre_load
    def _unticked(self, data, **kwargs):
        """An empty checkbox value counts as unticked."""
        return {k: v for k, v in data.items() if not (k == "primary" and v in ("", None))}


class DomainSettingsForm(Schema):
    """Network Admin → Sidecar → Domains → Settings."""

    class Meta:
        unknown = EXCLUDE

    enabled = fields.Boolean(load_default=False)
    instructions = fields.String(load_default="")
    addresses = fields.String(load_default="")
    cname_target = fields.String(load_default="")
    txt_required = fields.Boolean(load_default=False)
    resolver = fields.String(load_default="")
    https_check = fields.Boolean(load_default=False)

    @pre_load
    def _unticked(self, data, **kwargs):
        """An empty checkbox value counts as unticked."""
        flags = ("enabled", "txt_required", "https_check")
        return {k: v for k, v in data.items() if not (k in flags and v in ("", None))}


class DomainFilterArgs(Schema):
    """Filters of the admin's list of all domains."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        load_default="",
        validate=validate.OneOf(
            ("", *FILTER_STATUSES), error=lazy_text("Choose a status from the list.")
        ),
    )
    q = fields.String(load_default="", validate=validate.Length(max=253))
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))


class DomainSchema(Schema):
    """A domain as the API shows it."""

    id = fields.Integer()
    site_id = fields.Integer(attribute="blog_id", metadata={"description": "WordPress blog id."})
    domain = fields.String(metadata={"description": "Lowercase ASCII (IDNs as punycode)."})
    display_name = fields.String(metadata={"description": "The name in its own script."})
    primary = fields.Boolean(attribute="is_primary")
    enabled = fields.Boolean(metadata={"description": "False: turned off by an admin."})
    status = fields.String(metadata={"description": f"One of {', '.join(STATUSES)}."})
    routed = fields.Boolean(
        attribute="routable", metadata={"description": "WordPress serves the site at this name."}
    )
    reason = fields.String(
        attribute="last_error", metadata={"description": "Why the last check failed."}
    )
    txt_name = fields.String(attribute="challenge_name")
    txt_value = fields.String(attribute="token", metadata={"description": "The ownership token."})
    checked_at = fields.DateTime(allow_none=True)
    next_check_at = fields.DateTime(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class DomainListSchema(Schema):
    items = fields.List(fields.Nested(DomainSchema))


ADD_DOMAIN_FORM = AddDomainForm()
DOMAIN_SETTINGS_FORM = DomainSettingsForm()
DOMAIN_FILTER_ARGS = DomainFilterArgs()
