"""Webhooks: the Network Admin form and the JSON API body. The domain checks URL and events."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from . import lazy_text


class WebhookSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(
        required=True,
        validate=validate.Length(
            1, 100, error=lazy_text("Enter a name of at most 100 characters.")
        ),
        error_messages={"required": lazy_text("Give the webhook a name.")},
    )
    url = fields.String(
        required=True, error_messages={"required": lazy_text("Enter the receiver's address.")}
    )
    events = fields.List(fields.String(), load_default=list)
    scope = fields.String(load_default="network")
    active = fields.Boolean(load_default=True)


class WebhookForm(WebhookSchema):
    """The HTML form: events are repeated checkboxes, ``active`` a checkbox."""

    @pre_load
    def from_form(self, data, **_):
        getlist = data.getlist if hasattr(data, "getlist") else (lambda k: data.get(k) or [])
        return {
            "name": (data.get("name") or "").strip(),
            "url": (data.get("url") or "").strip(),
            "events": getlist("events"),
            "scope": data.get("scope") or "network",
            "active": data.get("active") == "1",
        }


WEBHOOK_FORM = WebhookForm()
WEBHOOK_JSON = WebhookSchema()


class WebhookOut(Schema):
    id = fields.Integer()
    name = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    scope = fields.String()
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class WebhookCreated(WebhookOut):
    secret = fields.String(metadata={"description": "The signing secret; shown only here."})


class WebhookList(Schema):
    items = fields.List(fields.Nested(WebhookOut))


class AttemptOut(Schema):
    attempted_at = fields.DateTime()
    status_code = fields.Integer(allow_none=True)
    duration_ms = fields.Integer()
    error = fields.String()


class DeliveryOut(Schema):
    id = fields.Integer()
    event_id = fields.String()
    event_type = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)
    attempt_log = fields.List(fields.Nested(AttemptOut))


class DeliveryList(Schema):
    items = fields.List(fields.Nested(DeliveryOut))


class TestQueued(Schema):
    delivery_id = fields.Integer()


class EventArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    subject_type = fields.String(load_default="")
    subject_id = fields.Integer(load_default=None)
    actor_type = fields.String(load_default="")
    actor_id = fields.Integer(load_default=None)
    action = fields.String(load_default="")
    since = fields.Date(load_default=None)
    until = fields.Date(load_default=None)
    text = fields.String(load_default="")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class EventOut(Schema):
    id = fields.Integer()
    occurred_at = fields.DateTime()
    actor_type = fields.String()
    actor_id = fields.Integer(allow_none=True)
    subject_type = fields.String()
    subject_id = fields.Integer()
    action = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    diff = fields.List(fields.Dict())
    request_id = fields.String()


class EventPage(Schema):
    items = fields.List(fields.Nested(EventOut))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()
