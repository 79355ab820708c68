"""``/api/v1/webhooks``: list, create (the secret is in the answer, once), update, delete,
deliveries, send a test event."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_db, settings
from ...domain import webhooks
from ...schemas.webhooks import (
    DeliveryList,
    TestQueued,
    WebhookCreated,
    WebhookList,
    WebhookOut,
    WebhookSchema,
)
from .keys import api_actor, require_api_key

blueprint = Blueprint(
    "api_webhooks", __name__, url_prefix="/webhooks", description="Outbound webhooks"
)
require_api_key(blueprint)


def _net() -> int:
    return settings().wordpress.network_id


@blueprint.get("/")
@blueprint.response(200, WebhookList)
def list_webhooks():
    """Every webhook (without secrets)."""
    return {"items": webhooks.list_webhooks(get_db(), _net())}


@blueprint.post("/")
@blueprint.arguments(WebhookSchema)
@blueprint.response(201, WebhookCreated)
def create_webhook(body):
    """Create a webhook; the answer carries its signing secret, never shown again."""
    hook, secret = webhooks.create_webhook(get_db(), _net(), body, api_actor())
    return {**hook, "secret": secret}


@blueprint.get("/<int:webhook_id>")
@blueprint.response(200, WebhookOut)
def get_webhook(webhook_id):
    """One webhook."""
    return webhooks.get_webhook(get_db(), _net(), webhook_id)


@blueprint.put("/<int:webhook_id>")
@blueprint.arguments(WebhookSchema)
@blueprint.response(200, WebhookOut)
def update_webhook(body, webhook_id):
    """Change URL, events, scope or active flag."""
    return webhooks.update_webhook(get_db(), _net(), webhook_id, body, api_actor())


@blueprint.delete("/<int:webhook_id>")
@blueprint.response(204)
def delete_webhook(webhook_id):
    """Delete a webhook and its delivery log."""
    webhooks.delete_webhook(get_db(), _net(), webhook_id, api_actor())


@blueprint.get("/<int:webhook_id>/deliveries")
@blueprint.response(200, DeliveryList)
def list_deliveries(webhook_id):
    """The newest 100 deliveries, each with its attempts."""
    return {"items": webhooks.delivery_log(get_db(), _net(), webhook_id)}


@blueprint.post("/<int:webhook_id>/test")
@blueprint.response(202, TestQueued)
def send_test(webhook_id):
    """Queue a ``test`` event for this webhook (sent by the delivery job)."""
    return {"delivery_id": webhooks.send_test(get_db(), _net(), webhook_id, api_actor())}
