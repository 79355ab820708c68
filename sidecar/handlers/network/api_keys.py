"""Network Admin → Sidecar → API keys."""

from __future__ import annotations

from flask import redirect, request, url_for

from ...context import get_db
from ...domain import api_key_admin
from ...schemas.api_keys import API_KEY_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint


@blueprint.get("/api-keys")
def api_keys():
    """Keys for the JSON API."""
    return render_fragment(
        "network/api_keys.html",
        keys=api_key_admin.list_keys(get_db()),
        revoked=request.args.get("revoked") == "1",
    )


@blueprint.post("/api-keys")
def create_api_key():
    """Create a key and show it once."""
    form = load_form(API_KEY_FORM)
    new_key = api_key_admin.issue_key(get_db(), form["name"])
    return render_fragment(
        "network/api_keys.html", keys=api_key_admin.list_keys(get_db()), new_key=new_key
    )


@blueprint.post("/api-keys/<key_id>/revoke")
def revoke_api_key(key_id: str):
    """Revoke a key, then go back to the list."""
    api_key_admin.revoke_key(get_db(), key_id)
    return redirect(url_for("network.api_keys", revoked=1), code=303)
