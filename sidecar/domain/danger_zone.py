"""Account → Danger Zone: Delete Site and Delete Account. Both cannot be undone.

**Delete Site** deletes the site through WordPress (the shim calls ``wpmu_delete_blog($id,
true)``: tables, uploads, user memberships); the account and the membership stay, the
membership without a site.

**Delete Account** deletes every site the customer owns through WordPress, cancels their
memberships (no renewals) and pending invoices (nothing charged), keeps invoices and payments
for the books but anonymised, erases the customer's row and the personal data in events, and
deletes the WordPress user through WordPress (``wpmu_delete_user``). It is refused for super
admins and for users who administer sites of other customers.

WordPress is changed first and the sidecar's tables after: when WordPress refuses, nothing of
the sidecar's has changed yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext

from ..config import SecuritySettings
from ..errors import Invalid
from ..store import customers as customer_store
from ..store import memberships as membership_store
from ..wp_bridge import WordPress
from ..wp_bridge.db import Database
from ..wp_bridge.tables.sites import get_site
from ..wp_bridge.tables.user_accounts import site_roles
from ..wp_bridge.tables.users import User
from . import domains, invoices, locks, memberships
from .access import Viewer
from .clock import utcnow
from .events import Actor, record, redact
from .ownership import is_super_admin, site_owner
from .passwords import verify_password
from .sites import summarize

MAIN_SITE_ID = 1


@dataclass(frozen=True)
class DeleteSiteRequest:
    confirmed: bool
    site_name: str


@dataclass(frozen=True)
class DeleteAccountRequest:
    confirmed: bool
    password: str


@dataclass(frozen=True)
class AccountDeletion:
    """What Delete Account did."""

    user_id: int
    customer_id: int | None
    sites_deleted: list[int]
    memberships_cancelled: list[int]
    invoices_anonymised: int


# --- Delete Site ---------------------------------------------------------------------------


def delete_site(wp: WordPress, viewer: Viewer, request: DeleteSiteRequest, actor: Actor) -> int:
    """Delete the viewer's site through WordPress and unlink its memberships; return its id.

    Raises Invalid (toggle off, name typed wrong, the main site), or RestError subclasses
    when WordPress refuses.
    """
    site = viewer.site
    name = summarize(wp, site, viewer.user).name
    errors = {}
    if not request.confirmed:
        errors["confirm_site"] = [gettext("Turn on the confirmation to delete this site.")]
    if request.site_name.strip() != name.strip():
        errors["site_name"] = [
            gettext("Type the site's name exactly as shown: %(name)s", name=name)
        ]
    if site.blog_id == MAIN_SITE_ID:
        errors["confirm_site"] = [gettext("The network's main site cannot be deleted here.")]
    if errors:
        raise Invalid(errors)
    _delete_site(wp, site.blog_id, actor)
    return site.blog_id


def _delete_site(wp: WordPress, blog_id: int, actor: Actor) -> list[int]:
    """Delete ``blog_id`` in WordPress, remove its domain mappings, then detach its
    memberships (they stay, without a site). Returns the ids of the memberships detached."""
    wp.shim.delete_site(blog_id)
    domains.remove_for_site(wp, blog_id, actor)
    detached = []
    with wp.db.transaction():
        while (membership := memberships.membership_for_site(wp.db, blog_id)) is not None:
            memberships.save(wp.db, membership, {"blog_id": None}, actor, "membership.site_deleted")
            detached.append(membership.id)
        record(wp.db, actor, "site", blog_id, "site.deleted", None, {"memberships": detached})
    return detached


# --- Delete Account ------------------------------------------------------------------------


def delete_account(
    wp: WordPress,
    viewer: Viewer,
    request: DeleteAccountRequest,
    *,
    security: SecuritySettings,
    actor: Actor,
    now: datetime,
) -> AccountDeletion:
    """Delete the viewer's sites, memberships, personal data and WordPress user.

    Raises Invalid: toggle off, wrong password (counts towards the lock), locked account, or
    — on ``account`` — a super admin or a user who administers other customers' sites.
    Raises RestError subclasses when WordPress refuses.
    """
    user = viewer.user
    locks.refuse_if_locked(wp.db, user.id, now, "password")
    _check_request(wp.db, user, request, locks.LockPolicy.from_settings(security), now)
    return erase_account(wp, user, actor)


def erase_account(wp: WordPress, user: User, actor: Actor) -> AccountDeletion:
    """Delete ``user``'s sites through WordPress, cancel their memberships, erase their
    personal data (invoices kept, anonymised), then delete the WordPress user. Callers check
    first that this may happen. Raises RestError subclasses when WordPress refuses."""
    sites = deletable_sites(wp, user)
    for blog_id in sites:
        _delete_site(wp, blog_id, actor)
    deletion = erase_customer_data(wp.db, user, sites, actor)
    wp.shim.delete_user(user.id)
    return deletion


def _check_request(
    db: Database, user: User, request: DeleteAccountRequest, policy, now: datetime
) -> None:
    errors = {}
    if not request.confirmed:
        errors["confirm_account"] = [gettext("Turn on the confirmation to delete your account.")]
    wrong = verify_password(db, user, request.password, policy, now)
    if wrong:
        errors["password"] = [wrong]
    if errors:
        raise Invalid(errors)


def deletable_sites(wp: WordPress, user: User) -> list[int]:
    """The sites Delete Account removes: those ``user`` owns. Raises Invalid (on
    ``account``) for a super admin, or when ``user`` administers a site someone else owns."""
    if is_super_admin(wp.db, wp.network_id, user):
        raise Invalid(
            {"account": [gettext("Network administrators cannot delete their account here.")]}
        )
    owned, others = [], []
    for blog_id, roles in sorted(site_roles(wp.db, user.id).items()):
        if "administrator" not in roles:
            continue
        owner = site_owner(wp.db, blog_id)
        mine = owner is not None and owner.id == user.id and blog_id != MAIN_SITE_ID
        (owned if mine else others).append(blog_id)
    if others:
        raise Invalid({"account": [_others_message(wp, others)]})
    return owned


def _others_message(wp: WordPress, blog_ids: list[int]) -> str:
    names = ", ".join(_site_name(wp, blog_id) for blog_id in blog_ids)
    return gettext(
        "You also administer sites of other customers (%(sites)s). Ask their owners to remove"
        " you as an administrator first, then delete your account.",
        sites=names,
    )


def _site_name(wp: WordPress, blog_id: int) -> str:
    site = get_site(wp.db, blog_id)
    return summarize(wp, site).name if site else gettext("site #%(id)d", id=blog_id)


def erase_customer_data(
    db: Database, user: User, sites: list[int], actor: Actor
) -> AccountDeletion:
    """In one transaction: cancel memberships and pending invoices, anonymise invoices, erase
    the customer row and the personal data of its events, forget the user's locks; record
    ``account.deleted`` (ids only)."""
    with db.transaction():
        row = customer_store.find_by_user(db, user.id)
        cancelled, anonymised = [], 0
        if row is not None:
            cancelled = _cancel_memberships(db, row["id"], actor)
            _cancel_pending_invoices(db, row["id"], actor)
            anonymised = invoices.anonymise_customer(db, row["id"])
            _erase_customer_row(db, row["id"])
        locks.forget_user(db, user.id)
        deletion = AccountDeletion(
            user.id, row["id"] if row else None, sites, cancelled, anonymised
        )
        record(db, actor, "user", user.id, "account.deleted", None, deletion)
    return deletion


def _cancel_memberships(db: Database, customer_id: int, actor: Actor) -> list[int]:
    cancelled = []
    for row in membership_store.for_customer(db, customer_id):
        membership = memberships.from_row(db, row)
        changes = {"blog_id": None, "cancel_at_period_end": False}
        if membership.status != "cancelled":
            changes |= {"status": "cancelled", "cancelled_at": utcnow()}
            cancelled.append(membership.id)
        memberships.save(db, membership, changes, actor, "membership.account_deleted")
    return cancelled


def _cancel_pending_invoices(db: Database, customer_id: int, actor: Actor) -> None:
    for invoice in invoices.list_invoices(
        db, status="pending", customer_id=customer_id, limit=1000
    ):
        invoices.cancel(db, invoice.id, actor=actor)


def _erase_customer_row(db: Database, customer_id: int) -> None:
    redact(db, "customer", [customer_id], lambda state: invoices.redact_billing(state, customer_id))
    customer_store.delete(db, customer_id)
