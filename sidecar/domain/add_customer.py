"""Network Admin → Add Customer: create the WordPress user and site through WordPress (the
shim's routes, as sign-up does), then apply an onboarding template — managers added to the new
site with their role, a membership with the template's plan invoiced to its payer, webhooks
attached — store the snapshot of what was applied, record and emit ``customer.created``.

Everything that can be checked is checked before WordPress creates anything. When a later step
fails, what WordPress created is deleted again through WordPress; if even that fails, the error
says exactly what exists (``PartlyCreated``).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass

from flask_babel import gettext

from ..errors import Invalid, SidecarError
from ..store import customers as customer_store
from ..store import onboarding_snapshots
from ..wp_bridge import WordPress
from ..wp_bridge.tables.users import get_user
from . import new_accounts, onboarding, onboarding_payer, webhooks
from .billing_context import BillingContext
from .customers import ensure_customer
from .events import Actor, record
from .membership_start import Order, check_order, start_membership
from .passwords import password_problems
from .site_templates import apply_signup_template
from .template_rules import TemplateOptions, template_options

log = logging.getLogger("sidecar.add_customer")


class PartlyCreated(SidecarError):
    """A step failed after WordPress created the user (and maybe the site), and deleting them
    failed too: the message names what exists."""

    status = 500
    code = "partly_created"


@dataclass(frozen=True)
class AddedCustomer:
    customer_id: int
    user_id: int
    blog_id: int
    site_url: str
    membership_number: str
    password: str  # the generated one, shown once; "" when the admin typed one
    snapshot: dict


def site_templates(wp: WordPress, template_id: int | None) -> TemplateOptions:
    """The site templates a new site may start from under the onboarding template's plan
    (the sign-up rules of ``template_rules``; none without a plan)."""
    plan_id = None
    if template_id:
        try:
            plan_id = onboarding.get_template(wp.db, wp.network_id, int(template_id))["plan_id"]
        except SidecarError:
            plan_id = None
    return template_options(wp.db, wp.network_id, plan_id, purpose="signup")


def add_customer(
    wp: WordPress, form: dict, *, ctx: BillingContext, actor: Actor, now, settings=None
) -> AddedCustomer:
    """Create the customer from ``form`` (template_id, name, email, username, site_path,
    site_title, password?, site_template_id?) and apply the template; a chosen site template
    is then applied in the background (``settings`` starts its worker). Raises Invalid (per
    field), PartlyCreated, RestError when WordPress fails before anything exists."""
    applied = _template_snapshot(wp, form.get("template_id"))
    new_accounts.check_available(
        wp, form, email_taken=gettext("A user with this email address exists already.")
    )
    _check_applicable(wp, applied, now)
    site_template = _site_template(wp, applied, form.get("site_template_id"))
    password = form.get("password") or ""
    _check_password(password, settings)
    generated = "" if password else secrets.token_urlsafe(18)
    user_id = new_accounts.create_user(wp, form, password or generated)
    made = {"user_id": user_id, "blog_id": None}
    try:
        site = new_accounts.create_site(wp, form, user_id)
        made["blog_id"] = site["blog_id"]
        added = _apply(wp, form, applied, user_id, site, ctx=ctx, actor=actor, now=now)
    except BaseException as error:
        _undo(wp, made, error)
        raise
    if site_template and settings is not None:
        apply_signup_template(wp, settings, added["blog_id"], site_template, actor)
    return AddedCustomer(**added, password=generated, snapshot=applied)


def _site_template(wp: WordPress, applied: dict, chosen) -> int | None:
    """The site template chosen (it must be offered for the plan). Raises Invalid."""
    if not chosen:
        return None
    options = template_options(wp.db, wp.network_id, applied["plan_id"], purpose="signup")
    if int(chosen) not in options.ids():
        raise Invalid({"site_template_id": [gettext("Choose one of the site templates offered.")]})
    return int(chosen)


def _apply(wp, form, applied, user_id, site, *, ctx, actor, now) -> dict:
    """Managers, customer row, membership, payer, webhooks, snapshot, event; one transaction
    for the sidecar's rows."""
    for manager in applied["managers"]:
        wp.shim.add_member(site["blog_id"], manager["user_id"], manager["role"])
    db = wp.db
    with db.transaction():
        customer = ensure_customer(db, get_user(db, user_id))
        customer_store.update_fields(db, customer["id"], {"website_blog_id": site["blog_id"]})
        number = _membership(db, applied, customer, site, ctx=ctx, actor=actor, now=now)
        webhooks.attach(db, wp.network_id, customer["id"], applied["webhook_ids"])
        snapshot_json = json.dumps(applied, sort_keys=True, ensure_ascii=False)
        onboarding_snapshots.save(
            db, customer["id"], applied["template_id"], snapshot_json, actor.id or 0
        )
        data = {
            "customer_id": customer["id"],
            "user_id": user_id,
            "email": form["email"],
            "blog_id": site["blog_id"],
            "site_url": site["url"],
            "membership": number,
            "onboarding_template_id": applied["template_id"],
        }
        record(db, actor, "customer", customer["id"], "customer.created", None, data)
        webhooks.emit(db, wp.network_id, "customer.created", data, customer_id=customer["id"])
    return {
        "customer_id": customer["id"],
        "user_id": user_id,
        "blog_id": site["blog_id"],
        "site_url": site["url"],
        "membership_number": number,
    }


def _membership(db, applied, customer, site, *, ctx, actor, now) -> str:
    """Start the template's plan for the new site (invoiced to the payer); "" without plan."""
    if not applied["plan_id"]:
        return ""
    payer = (
        customer_store.get(db, applied["payer_customer_id"])
        if applied["payer_customer_id"]
        else None
    )
    membership, _invoice = start_membership(
        db,
        Order(applied["plan_id"]),
        customer=customer,
        blog_id=site["blog_id"],
        ctx=ctx,
        actor=actor,
        now=now,
        payer=payer,
    )
    if payer:
        onboarding_payer.set_payer(db, membership.id, int(payer["id"]))
    return membership.number


def _template_snapshot(wp: WordPress, template_id) -> dict:
    if not template_id:
        raise Invalid({"template_id": [gettext("Choose an onboarding template.")]})
    try:
        return onboarding.snapshot(wp.db, wp.network_id, int(template_id))
    except SidecarError:
        raise Invalid({"template_id": [gettext("Choose an onboarding template.")]}) from None


def _check_applicable(wp: WordPress, applied: dict, now) -> None:
    """The template's plan, payer and managers still exist."""
    errors = {}
    if applied["plan_id"]:
        try:
            check_order(wp.db, Order(applied["plan_id"]), now)
        except Invalid:
            errors["template_id"] = [
                gettext("The template's plan is no longer on offer. Edit the template first.")
            ]
    payer = applied["payer_customer_id"]
    if payer and customer_store.get(wp.db, payer) is None:
        errors["template_id"] = [
            gettext("The template's payer no longer exists. Edit the template first.")
        ]
    if any(get_user(wp.db, m["user_id"]) is None for m in applied["managers"]):
        errors["template_id"] = [
            gettext("A manager of the template no longer exists. Edit the template first.")
        ]
    if errors:
        raise Invalid(errors)


def _check_password(password: str, settings) -> None:
    """An admin-chosen password follows the same rules as a customer's. Raises Invalid."""
    minimum = settings.security.password_min_length if settings is not None else 10
    problems = password_problems(password, minimum) if password else []
    if problems:
        raise Invalid({"password": problems})


def _undo(wp: WordPress, made: dict, error: BaseException) -> None:
    """Delete what WordPress created for a customer whose set-up failed; raise PartlyCreated
    naming what is left when WordPress refuses."""
    left = []
    if made["blog_id"]:
        try:
            wp.shim.delete_site(made["blog_id"])
        except Exception:
            log.exception("could not delete site %s after a failed Add Customer", made["blog_id"])
            left.append(gettext("site %(id)s", id=made["blog_id"]))
    try:
        wp.shim.delete_user(made["user_id"])
    except Exception:
        log.exception("could not delete user %s after a failed Add Customer", made["user_id"])
        left.append(gettext("WordPress user %(id)s", id=made["user_id"]))
    if left:
        message = gettext(
            "Adding the customer failed (%(error)s) and these could not be deleted again: "
            "%(left)s. Delete them in Network Admin before trying again.",
            error=getattr(error, "message", type(error).__name__),
            left=", ".join(left),
        )
        raise PartlyCreated(message) from error
