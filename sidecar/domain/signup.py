"""Public sign-up: pick a plan (+ packages), then the WordPress user and site are created
through WordPress (the shim's routes), and the membership with its first invoice here.

Everything that can be checked is checked before WordPress is asked to create anything, so a
refused form leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from ..errors import Invalid
from ..wp_bridge import WordPress
from ..wp_bridge.tables.users import get_user
from . import catalog, new_accounts, webhooks
from .billing_context import BillingContext
from .catalog import Product
from .customers import ensure_customer
from .events import Actor, record
from .gateways import GATEWAYS
from .membership_start import Order, check_order, start_membership
from .site_templates import apply_signup_template
from .template_rules import TemplateOptions, template_options


@dataclass(frozen=True)
class SignupResult:
    site_url: str
    login_url: str
    membership_number: str
    invoice_number: str
    amount_due: str
    instructions: str


def signup_options(wp: WordPress) -> tuple[list[Product], list[Product]]:
    """The active plans and packages a visitor can choose from."""
    plans = catalog.list_products(wp.db, type="plan", active_only=True)
    packages = catalog.list_products(wp.db, type="package", active_only=True)
    return plans, packages


def signup_templates(wp: WordPress, plans: list[Product]) -> dict[int, TemplateOptions]:
    """The site templates each plan offers at sign-up (``template_rules``: Not Available
    templates are never among them)."""
    return {
        plan.id: template_options(wp.db, wp.network_id, plan.id, purpose="signup") for plan in plans
    }


def sign_up(
    wp: WordPress, form: dict, *, ctx: BillingContext, now, request_id: str = "", settings=None
):
    """Create the user, the site, the membership and its first invoice; when the plan offers
    site templates, start switching the new site onto the chosen one (in the background;
    ``settings`` starts the worker).

    Raises Invalid (per field) when anything is taken or not allowed; RestError when
    WordPress itself fails.
    """
    order = Order(form["plan_id"], tuple(form["package_ids"]), form.get("discount_code", ""))
    new_accounts.check_available(
        wp, form, email_taken=gettext("An account with this email address exists. Log in instead.")
    )
    check_order(wp.db, order, now)
    template_id = _chosen_template(wp, form)
    user_id = new_accounts.create_user(wp, form, form["password"])
    site = new_accounts.create_site(wp, form, user_id)
    actor = Actor("customer", user_id, request_id)
    with wp.db.transaction():  # the customer, membership, invoice, event and webhook: all or none
        customer = ensure_customer(wp.db, get_user(wp.db, user_id))
        membership, invoice = start_membership(
            wp.db, order, customer=customer, blog_id=site["blog_id"], ctx=ctx, actor=actor, now=now
        )
        record(
            wp.db,
            actor,
            "customer",
            customer["id"],
            "customer.signed_up",
            None,
            {"blog_id": site["blog_id"], "membership": membership.number},
        )
        created = {"customer_id": customer["id"], "user_id": user_id, "blog_id": site["blog_id"]}
        webhooks.emit(wp.db, wp.network_id, "customer.created", created, customer_id=customer["id"])
    if template_id and settings is not None:
        apply_signup_template(wp, settings, site["blog_id"], template_id, actor)
    gateway = GATEWAYS[invoice.gateway]
    return SignupResult(
        site_url=site["url"],
        login_url=site["url"].rstrip("/") + "/wp-login.php",
        membership_number=membership.number,
        invoice_number=invoice.display_number,
        amount_due=invoice.money(invoice.total),
        instructions=gateway.instructions(invoice),
    )


def _chosen_template(wp: WordPress, form: dict) -> int | None:
    """The template the new site starts from: the chosen one (it must be among the plan's),
    the pre-selected one when none was chosen, the assigned one; None without templates.
    Raises Invalid."""
    options = template_options(wp.db, wp.network_id, form["plan_id"], purpose="signup")
    if not options.templates:
        return None
    chosen = form.get("template_id") or None
    if chosen is None or not options.choose:
        return options.preselected
    if chosen not in options.ids():
        raise Invalid(
            {"template_id": [gettext("Choose one of the templates offered for this plan.")]}
        )
    return chosen
