"""Account → Change: the plans of the membership's plan group and the packages; a summary
before confirming (prorated charge or credit, limits side by side); then the change."""

from __future__ import annotations

from flask import g, redirect

from ...auth import current_actor
from ...context import get_wp, settings
from ...domain import account_changes
from ...domain.billing_context import billing_context
from ...domain.clock import utcnow
from ...schemas.membership import CONFIRM_CHANGE_FORM
from ..fragments import render_fragment
from ..inputs import load_form
from . import blueprint


@blueprint.get("/change")
def change_options():
    """All plans of the plan group and all packages, with prices."""
    membership, plans, packages = account_changes.options(get_wp(), g.viewer)
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
    change = account_changes.plan_summary(get_wp(), g.viewer, plan_id, utcnow())
    return render_fragment("account/change_plan.html", change=change)


@blueprint.post("/change/plan/<int:plan_id>")
def apply_plan(plan_id: int):
    """Move to ``plan_id`` (the form names the membership version it was shown)."""
    form = load_form(CONFIRM_CHANGE_FORM)
    account_changes.change_plan(
        get_wp(),
        g.viewer,
        form["version"],
        plan_id,
        ctx=billing_context(settings()),
        actor=current_actor(),
        now=utcnow(),
    )
    return redirect("/account/?done=plan", code=303)


@blueprint.get("/change/package/<int:package_id>")
def confirm_package(package_id: int):
    """What buying ``package_id`` costs, before the customer confirms."""
    membership, package = account_changes.package_summary(get_wp(), g.viewer, package_id)
    return render_fragment("account/change_package.html", membership=membership, package=package)


@blueprint.post("/change/package/<int:package_id>")
def apply_package(package_id: int):
    """Add one ``package_id`` to the membership."""
    form = load_form(CONFIRM_CHANGE_FORM)
    account_changes.buy_package(
        get_wp(),
        g.viewer,
        form["version"],
        package_id,
        ctx=billing_context(settings()),
        actor=current_actor(),
        now=utcnow(),
    )
    return redirect("/account/?done=package", code=303)
