"""Account → Change: the plans of the membership's plan group and the packages; a summary
before confirming (prorated charge or credit, limits side by side); then the change."""

from __future__ import annotations

from flask import g, redirect
from flask_babel import gettext

from ...auth import current_actor
from ...context import get_wp, settings
from ...domain import membership_changes as changes
from ...domain.account import account_customer
from ...domain.billing_context import billing_context
from ...domain.clock import utcnow
from ...domain.memberships import membership_for_site
from ...errors import NotFound
from ...schemas.membership import CONFIRM_CHANGE_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint


def _membership():
    membership = membership_for_site(get_wp().db, g.viewer.site.blog_id)
    if membership is None:
        raise NotFound(gettext("This site has no membership to change."))
    return membership


@blueprint.get("/change")
def change_options():
    """All plans of the plan group and all packages, with prices."""
    membership = _membership()
    plans, packages = changes.change_options(get_wp().db, membership)
    return render_fragment(
        "account/change.html",
        membership=membership,
        plans=plans,
        packages=packages,
        current_plan_id=membership.plan_id,
    )


@blueprint.get("/change/plan/<int:plan_id>")
def confirm_plan(plan_id: int):
    """What moving to ``plan_id`` means, before the customer confirms."""
    change = changes.plan_change(get_wp().db, _membership(), plan_id, utcnow())
    return render_fragment("account/change_plan.html", change=change)


@blueprint.post("/change/plan/<int:plan_id>")
def apply_plan(plan_id: int):
    """Move to ``plan_id`` (the form names the membership version it was shown)."""
    form = load_form(CONFIRM_CHANGE_FORM)
    wp = get_wp()
    changes.apply_plan_change(
        wp.db,
        _membership().id,
        form["version"],
        plan_id,
        ctx=billing_context(settings()),
        customer=account_customer(wp, g.viewer),
        actor=current_actor(),
        now=utcnow(),
    )
    return redirect("/account/?done=plan", code=303)


@blueprint.get("/change/package/<int:package_id>")
def confirm_package(package_id: int):
    """What buying ``package_id`` costs, before the customer confirms."""
    membership = _membership()
    _, packages = changes.change_options(get_wp().db, membership)
    package = next((p for p in packages if p.id == package_id), None)
    if package is None:
        raise NotFound(gettext("This package is not offered for your membership."))
    return render_fragment("account/change_package.html", membership=membership, package=package)


@blueprint.post("/change/package/<int:package_id>")
def apply_package(package_id: int):
    """Add one ``package_id`` to the membership."""
    form = load_form(CONFIRM_CHANGE_FORM)
    wp = get_wp()
    changes.apply_package_purchase(
        wp.db,
        _membership().id,
        form["version"],
        package_id,
        ctx=billing_context(settings()),
        customer=account_customer(wp, g.viewer),
        actor=current_actor(),
        now=utcnow(),
    )
    return redirect("/account/?done=package", code=303)
