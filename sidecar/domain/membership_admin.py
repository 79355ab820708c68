"""Network Admin → Memberships: the list with who and what, one membership in full, and the
admin's status changes."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from ..errors import Conflict, Invalid
from ..store import customers as customer_store
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from ..wp_bridge.tables.users import User, get_user
from . import catalog, invoices
from .catalog import Product
from .clock import utcnow
from .events import Actor, history
from .limit_overrides import OverrideForm, override_form
from .memberships import STATUSES, Membership, get_membership, list_memberships, save


@dataclass(frozen=True)
class MembershipRow:
    membership: Membership
    plan: Product
    user: User | None


@dataclass(frozen=True)
class MembershipDetail:
    row: MembershipRow
    packages: list[tuple[Product, int]]
    invoices: list
    events: list[dict]
    limits: OverrideForm | None = None  # the limit overrides form


def membership_rows(
    wp: WordPress, *, status: str | None, after_id: int, limit: int
) -> list[MembershipRow]:
    """A page of memberships with their plan and customer."""
    return [
        _row(wp.db, m)
        for m in list_memberships(wp.db, status=status, after_id=after_id, limit=limit)
    ]


def membership_detail(wp: WordPress, membership_id: int) -> MembershipDetail:
    """One membership with packages, invoices and history. Raises NotFound."""
    membership = get_membership(wp.db, membership_id)
    packages = [(catalog.get_product(wp.db, p.product_id), p.quantity) for p in membership.packages]
    own_invoices = [
        i
        for i in invoices.list_for_customer(wp.db, membership.customer_id)
        if i.membership_id == membership.id
    ]
    return MembershipDetail(
        _row(wp.db, membership),
        packages,
        own_invoices,
        history(wp.db, "membership", membership.id),
        override_form(wp.db, membership),
    )


def set_status(db: Database, membership_id: int, version: int, status: str, actor: Actor):
    """Set a membership's status by hand. Raises Invalid, NotFound or Conflict."""
    if status not in STATUSES:
        raise Invalid(
            {"status": [gettext("Choose one of: %(choices)s.", choices=", ".join(STATUSES))]}
        )
    with db.transaction():
        membership = get_membership(db, membership_id, for_update=True)
        if membership.version != version:
            raise Conflict(gettext("This membership was changed in the meantime. Please reload."))
        changes = {"status": status}
        if status == "cancelled":
            changes["cancelled_at"] = utcnow()
        return save(db, membership, changes, actor, "membership.status_set")


def _row(db: Database, membership: Membership) -> MembershipRow:
    customer = customer_store.get(db, membership.customer_id)
    user = get_user(db, int(customer["user_id"])) if customer else None
    return MembershipRow(membership, catalog.get_product(db, membership.plan_id), user)
