"""Network Admin → Sidecar pages, for super admins."""

from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from ...auth import protect
from ...context import get_db, get_wp
from ...domain import api_key_admin
from ...domain.access import network_viewer
from ...domain.sites import list_summaries
from ...schemas.api_keys import API_KEY_FORM
from ...schemas.sites import SITE_PAGE_ARGS
from ..fragments import render_fragment
from ..inputs import load_form, load_query

blueprint = Blueprint("network", __name__, url_prefix="/network")
protect(blueprint, "network", network_viewer)


@blueprint.get("/")
def dashboard():
    """The network overview: sites and their owners, a page at a time."""
    args = load_query(SITE_PAGE_ARGS)
    sites, total = list_summaries(get_wp(), after_id=args["after"], limit=args["limit"])
    return render_fragment("network/dashboard.html", sites=sites, total=total, args=args)


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
