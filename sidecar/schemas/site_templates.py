"""Site templates: the Account confirmation forms, the Network Admin forms and the JSON shapes
of the API. The rules live in ``domain/template_rules.py``."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from . import lazy_text

_FLAGS = ("confirm", "allow_switching", "allow_templates")


class _Form(Schema):
    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _unticked(self, data, **kwargs):
        """An empty checkbox value counts as unticked; repeated fields stay lists."""
        plain = {k: v for k, v in data.items() if not (k in _FLAGS and v in ("", None))}
        if hasattr(data, "getlist") and "available" in data:
            plain["available"] = data.getlist("available")
        chosen = [k.removeprefix("choice_") for k, v in data.items() if k.startswith("choice_")]
        if chosen:  # the plan form: one Available / Not Available radio pair per template
            plain["available"] = [k for k in chosen if data.get(f"choice_{k}") == "1"]
        return {k: v for k, v in plain.items() if not k.startswith("choice_")}


class SwitchForm(_Form):
    """Account → Change Site Template → Process Switch (and Restore previous site)."""

    confirm = fields.Boolean(load_default=False)


class TemplateForm(_Form):
    """Network Admin → Templates: mark a site as template, or edit one."""

    site_id = fields.Integer(
        load_default=0,
        strict=False,
        error_messages={"invalid": lazy_text("Enter the id of the site to use as template.")},
    )
    name = fields.String(load_default="")
    description = fields.String(load_default="")
    preview_url = fields.String(load_default="")
    sort_order = fields.Integer(load_default=0, strict=False)


class SwitchingForm(_Form):
    """Network Admin → Templates → Allow Template Switching."""

    allow_switching = fields.Boolean(load_default=False)


class PlanTemplatesForm(_Form):
    """Network Admin → Templates → one plan's settings."""

    allow_templates = fields.Boolean(load_default=False)
    mode = fields.String(load_default="default")
    assigned_id = fields.Integer(load_default=0, strict=False)
    preselected_id = fields.Integer(load_default=0, strict=False)
    available = fields.List(fields.Integer(strict=False), load_default=list)


class TemplateSchema(Schema):
    """A template as the API shows it."""

    id = fields.Integer(metadata={"description": "The template site's blog id."})
    name = fields.String()
    description = fields.String()
    preview_url = fields.String(metadata={"description": "An image of the template ('' none)."})
    address = fields.String(metadata={"description": "The template site's address."})


class TemplateListSchema(Schema):
    items = fields.List(fields.Nested(TemplateSchema))


class TemplateListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    site_id = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "Only the templates this site's plan allows it to switch to."},
    )


class SwitchSchema(Schema):
    """A switch or undo as the API shows it."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "switch or undo."})
    template_site_id = fields.Integer(allow_none=True)
    state = fields.String(metadata={"description": "queued, running, done or failed."})
    step = fields.String(
        metadata={
            "description": "queued, copying_tables, rewriting_urls, copying_media, swapping,"
            " clearing_caches or done."
        }
    )
    percent = fields.Integer()
    error = fields.String(metadata={"description": "Why it failed ('' unless failed)."})
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class SiteTemplateSchema(Schema):
    """A site's template state."""

    site_id = fields.Integer()
    current_template_id = fields.Integer(allow_none=True)
    can_switch = fields.Boolean(metadata={"description": "A switch may start now."})
    reason = fields.String(metadata={"description": "Why not ('' when it may)."})
    available_template_ids = fields.List(fields.Integer())
    latest = fields.Nested(SwitchSchema, allow_none=True)
    undo_until = fields.DateTime(
        allow_none=True, metadata={"description": "Until when undo can restore the previous site."}
    )


class StartSwitchBody(Schema):
    class Meta:
        unknown = EXCLUDE

    template_id = fields.Integer(required=True, metadata={"description": "The template's id."})


SWITCH_FORM = SwitchForm()
TEMPLATE_FORM = TemplateForm()
SWITCHING_FORM = SwitchingForm()
PLAN_TEMPLATES_FORM = PlanTemplatesForm()
