"""``/api/v1/memberships``: memberships of the network (read)."""

from __future__ import annotations

from flask_smorest import Blueprint

from ...context import get_db
from ...domain.memberships import get_membership, list_memberships
from ...schemas.memberships import MembershipListArgs, MembershipPageSchema, MembershipSchema
from .keys import require_api_key

blueprint = Blueprint(
    "api_memberships", __name__, url_prefix="/memberships", description="Memberships"
)
require_api_key(blueprint)


@blueprint.get("/")
@blueprint.arguments(MembershipListArgs, location="query")
@blueprint.response(200, MembershipPageSchema)
def list_all(args):
    """List memberships in id order, optionally of one status."""
    items = list_memberships(
        get_db(), status=args["status"], after_id=args["after"], limit=args["limit"]
    )
    next_after = items[-1].id if len(items) == args["limit"] else None
    return {"items": items, "next_after": next_after}


@blueprint.get("/<int:membership_id>")
@blueprint.response(200, MembershipSchema)
def get_one(membership_id):
    """One membership by id."""
    return get_membership(get_db(), membership_id)
