"""The one rule deciding which site templates a plan allows (``template_rules``), and the
admin's checks (``template_admin``), against the real database (rolled back after each test).
The catalogue joins WordPress's sites, so the network's own sites play the templates here."""

import pytest

from sidecar.domain import template_admin
from sidecar.domain.events import SYSTEM
from sidecar.domain.template_rules import require_allowed, template_options
from sidecar.errors import Forbidden, Invalid, NotFound
from sidecar.store import site_template_uses as uses
from sidecar.store import site_templates as store
from sidecar.wp_bridge import WordPress

from ..billing_fixtures import fresh_membership

pytestmark = pytest.mark.integration

NET = 1


@pytest.fixture
def world(db, customers, network):
    """Alice's and bob's sites play two templates (T and U); a third site id is unknown."""
    alice, bob = customers["alice"], customers["bob"]
    for blog_id, name in ((alice["blog_id"], "T"), (bob["blog_id"], "U")):
        store.save_template(
            db, NET, blog_id, {"name": name, "description": "", "preview_url": "", "sort_order": 0}
        )
    return {"T": alice["blog_id"], "U": bob["blog_id"]}


def settings_for(db, plan_id, *, mode="choose", available=(), preselected=None, assigned=None):
    store.save_plan_settings(
        db,
        plan_id,
        {
            "allow_templates": 1,
            "mode": mode,
            "assigned_blog_id": assigned,
            "preselected_blog_id": preselected,
        },
        set(available),
    )


PLAN = 990001  # plan ids need no product row for the rule itself


def test_no_settings_means_no_templates(db, world):
    options = template_options(db, NET, PLAN, purpose="signup")
    assert options.templates == () and options.refusal == "plan"
    store.save_allow_switching(db, NET, True)
    switch = template_options(db, NET, PLAN, purpose="switch")
    assert switch.refusal == "plan" and not switch.visible and not switch.allowed


def test_only_available_templates_are_offered_with_the_preselected_one(db, world):
    settings_for(db, PLAN, available=[world["U"]], preselected=world["U"])
    signup = template_options(db, NET, PLAN, purpose="signup")
    assert [t.id for t in signup.templates] == [world["U"]]
    assert signup.preselected == world["U"] and signup.choose
    assert world["T"] not in signup.ids()  # Not Available: never offered


def test_preselected_falls_back_to_the_first_available(db, world):
    settings_for(db, PLAN, available=[world["T"], world["U"]], preselected=None)
    options = template_options(db, NET, PLAN, purpose="signup")
    assert options.preselected == options.templates[0].id


def test_a_template_marked_later_is_not_available(db, world, customers):
    settings_for(db, PLAN, available=[world["T"]])
    assert template_options(db, NET, PLAN, purpose="signup").ids() == {world["T"]}


def test_switching_needs_the_network_setting(db, world):
    settings_for(db, PLAN, available=[world["T"]])
    store.save_allow_switching(db, NET, False)
    off = template_options(db, NET, PLAN, purpose="switch")
    assert off.refusal == "network" and not off.visible and off.templates == ()
    assert template_options(db, NET, PLAN, purpose="signup").ids() == {world["T"]}
    store.save_allow_switching(db, NET, True)
    on = template_options(db, NET, PLAN, purpose="switch")
    assert on.allowed and on.visible and on.ids() == {world["T"]}


def test_assign_mode_gives_the_assigned_template_at_signup_and_no_switching(db, world):
    store.save_allow_switching(db, NET, True)
    settings_for(db, PLAN, mode="assign", assigned=world["U"])
    signup = template_options(db, NET, PLAN, purpose="signup")
    assert signup.ids() == {world["U"]} and not signup.choose and signup.preselected == world["U"]
    assert template_options(db, NET, PLAN, purpose="switch").refusal == "mode"


def test_default_mode_offers_nothing(db, world):
    settings_for(db, PLAN, mode="default", available=[world["T"]])
    assert template_options(db, NET, PLAN, purpose="signup").templates == ()


def test_the_templates_limit_counts_customer_switches_that_finished(db, world, customers):
    store.save_allow_switching(db, NET, True)
    settings_for(db, PLAN, available=[world["T"]])
    site = 424242
    kwargs = {"purpose": "switch", "site_id": site, "limits": {"templates": 1}}
    assert template_options(db, NET, PLAN, **kwargs).allowed
    for switch_id, source, outcome in (
        (9_000_001, "signup", "done"),
        (9_000_002, "admin", "done"),
        (9_000_003, "account", "failed"),
    ):
        use = uses.add_use(
            db,
            {
                "blog_id": site,
                "switch_id": switch_id,
                "kind": "switch",
                "template_blog_id": world["T"],
                "previous_blog_id": None,
                "source": source,
            },
        )
        uses.settle(db, use, outcome)
    assert template_options(db, NET, PLAN, **kwargs).allowed  # none of those count
    use = uses.add_use(
        db,
        {
            "blog_id": site,
            "switch_id": 9_000_004,
            "kind": "switch",
            "template_blog_id": world["T"],
            "previous_blog_id": None,
            "source": "account",
        },
    )
    uses.settle(db, use, "done")
    used_up = template_options(db, NET, PLAN, **kwargs)
    assert used_up.refusal == "limit" and used_up.used == 1 and used_up.visible
    assert template_options(db, NET, PLAN, purpose="switch", site_id=site, limits={}).allowed


def test_an_expired_membership_cannot_switch(db, world):
    store.save_allow_switching(db, NET, True)
    settings_for(db, PLAN, available=[world["T"]])
    options = template_options(db, NET, PLAN, purpose="switch", membership_status="expired")
    assert options.refusal == "membership" and options.visible


def test_require_allowed_forbids_not_available_and_hides_non_templates(db, world, customers):
    store.save_allow_switching(db, NET, True)
    settings_for(db, PLAN, available=[world["T"]])
    options = template_options(db, NET, PLAN, purpose="switch")
    assert require_allowed(db, NET, options, world["T"]).id == world["T"]
    with pytest.raises(Forbidden):
        require_allowed(db, NET, options, world["U"])
    with pytest.raises(NotFound):
        require_allowed(db, NET, options, 1)  # the main site is never a template


def test_admin_cannot_mark_the_main_site_or_a_customer_site(db, customers, settings):
    wp = WordPress(db, None, None, NET)
    with pytest.raises(Invalid) as main:
        template_admin.mark_template(wp, {"site_id": 1, "name": "Main"}, SYSTEM)
    assert "main site" in str(main.value.errors["site_id"][0])
    fresh_membership(db, customers["alice"], "business")
    with pytest.raises(Invalid) as customer:
        template_admin.mark_template(
            wp, {"site_id": customers["alice"]["blog_id"], "name": "A"}, SYSTEM
        )
    assert "customer" in str(customer.value.errors["site_id"][0])
    with pytest.raises(Invalid) as bad:
        template_admin.mark_template(
            wp,
            {"site_id": customers["bob"]["blog_id"], "name": "", "preview_url": "ftp://x"},
            SYSTEM,
        )
    assert set(bad.value.errors) >= {"name", "preview_url"}


def test_plan_settings_are_checked(db, world, customers):
    products, _, _ = fresh_membership(db, customers["alice"], "business")
    wp = WordPress(db, None, None, NET)
    with pytest.raises(Invalid) as refused:
        template_admin.save_plan_templates(
            wp, products["business"], {"allow_templates": True, "mode": "choose"}, SYSTEM
        )
    assert "available" in refused.value.errors
    with pytest.raises(Invalid) as assign:
        template_admin.save_plan_templates(
            wp, products["business"], {"allow_templates": True, "mode": "assign"}, SYSTEM
        )
    assert "assigned_id" in assign.value.errors
    saved = template_admin.save_plan_templates(
        wp,
        products["business"],
        {
            "allow_templates": True,
            "mode": "choose",
            "available": [world["T"], 777777],
            "preselected_id": world["T"],
        },
        SYSTEM,
    )
    assert saved.available == {world["T"]} and saved.preselected_id == world["T"]
