"""Network Admin → Sidecar → Webhooks: endpoints, "send test event", deliveries."""

from __future__ import annotations

from flask import redirect, request, url_for

from ...auth import current_actor
from ...context import get_db, settings
from ...domain import webhooks
from ...errors import Conflict, Invalid
from ...schemas.webhooks import WEBHOOK_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint

REFUSED = 400


def _network_id() -> int:
    return settings().wordpress.network_id


@blueprint.get("/webhooks")
def webhook_list():
    """The network's webhooks."""
    return _list_page()


@blueprint.get("/webhooks/new")
def new_webhook():
    """An empty webhook form."""
    return _form_page(None, {"events": [], "scope": "network", "active": True})


@blueprint.post("/webhooks")
def create_webhook():
    """Create a webhook and show its signing secret once."""
    try:
        _hook, secret = webhooks.create_webhook(
            get_db(), _network_id(), load_form(WEBHOOK_FORM), current_actor()
        )
    except Invalid as refused:
        return _form_page(None, _posted(), refused.errors)
    return _list_page(secret=secret)


@blueprint.get("/webhooks/<int:webhook_id>")
def edit_webhook(webhook_id: int):
    """A webhook's form and its newest deliveries with each attempt."""
    hook = webhooks.get_webhook(get_db(), _network_id(), webhook_id)
    return _form_page(hook, hook)


@blueprint.post("/webhooks/<int:webhook_id>")
def update_webhook(webhook_id: int):
    """Save a webhook (URL, events, scope, on/off)."""
    try:
        webhooks.update_webhook(
            get_db(), _network_id(), webhook_id, load_form(WEBHOOK_FORM), current_actor()
        )
    except Invalid as refused:
        hook = webhooks.get_webhook(get_db(), _network_id(), webhook_id)
        return _form_page(hook, _posted(), refused.errors)
    return redirect(url_for("network.webhook_list", done="updated"), code=303)


@blueprint.post("/webhooks/<int:webhook_id>/test")
def test_webhook(webhook_id: int):
    """Queue a test event (sent within a minute by the delivery job)."""
    webhooks.send_test(get_db(), _network_id(), webhook_id, current_actor())
    return redirect(url_for("network.edit_webhook", webhook_id=webhook_id, done="test"), code=303)


@blueprint.post("/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/retry")
def retry_webhook_delivery(webhook_id: int, delivery_id: int):
    """Send a waiting or given-up delivery at the job's next run."""
    try:
        webhooks.retry_delivery(get_db(), _network_id(), webhook_id, delivery_id, current_actor())
    except Conflict:
        done = "delivered"
    else:
        done = "retry"
    return redirect(url_for("network.edit_webhook", webhook_id=webhook_id, done=done), code=303)


@blueprint.post("/webhooks/<int:webhook_id>/delete")
def delete_webhook(webhook_id: int):
    """Delete a webhook and its delivery log."""
    webhooks.delete_webhook(get_db(), _network_id(), webhook_id, current_actor())
    return redirect(url_for("network.webhook_list", done="deleted"), code=303)


def _list_page(secret: str = ""):
    return render_fragment(
        "network/webhooks.html",
        hooks=webhooks.list_webhooks(get_db(), _network_id()),
        secret=secret,
        done=request.args.get("done", ""),
    )


def _form_page(hook, values: dict, errors: dict | None = None):
    log = webhooks.delivery_log(get_db(), _network_id(), hook["id"]) if hook else []
    return render_fragment(
        "network/webhooks_form.html",
        status=REFUSED if errors else 200,
        hook=hook,
        values=values,
        errors=errors or {},
        event_types=webhooks.EVENT_TYPES,
        deliveries=log,
        done=request.args.get("done", ""),
    )


def _posted() -> dict:
    form = request.form
    return {
        "name": form.get("name", ""),
        "url": form.get("url", ""),
        "events": form.getlist("events"),
        "scope": form.get("scope", "network"),
        "active": form.get("active") == "1",
    }
