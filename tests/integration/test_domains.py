# ruff: noqa: F811  (pytest fixtures imported from domain_fixtures are used as arguments)
"""Custom domains on the real network: the rules of adding, the primary, removal, the
verification job against a real DNS server on loopback, and the shim's routing-cache route."""

from datetime import timedelta

import pytest

from sidecar.domain import domain_verification, domains
from sidecar.domain.clock import utcnow
from sidecar.domain.domain_settings import get_settings
from sidecar.domain.events import SYSTEM, Actor, history
from sidecar.errors import Invalid, NotFound
from sidecar.store import domain_settings as settings_store

from ..domain_fixtures import (  # noqa: F401  (fixtures)
    CNAME_TARGET,
    ELSEWHERE_IP,
    bridge,
    committed,
    dns,
    enabled_settings,
    map_directly,
    mapping,
)

pytestmark = pytest.mark.integration
ALICE = Actor("customer", 0, "test")


def add(mapping, name, primary=False):
    return domains.add_domain(mapping.wp, mapping.alice["blog_id"], name, primary, ALICE)


def refusal(mapping, name) -> str:
    with pytest.raises(Invalid) as refused:
        add(mapping, name)
    return refused.value.errors["domain"][0]


def names(mapping):
    return [
        (d.domain, d.is_primary)
        for d in domains.site_domains(mapping.wp, mapping.alice["blog_id"]).domains
    ]


def test_first_domain_is_primary_and_later_ones_only_when_asked(mapping):
    first = add(mapping, "https://Shop.Example/menu")
    assert (first.domain, first.is_primary, first.status) == ("shop.example", True, "pending")
    assert first.token.startswith("sc-") and first.next_check_at <= utcnow()
    add(mapping, "bücher.example")
    third = add(mapping, "www.shop.example", primary=True)
    view = domains.site_domains(mapping.wp, mapping.alice["blog_id"])
    assert [(d.domain, d.is_primary) for d in view.domains] == [
        ("www.shop.example", True),
        ("shop.example", False),
        ("xn--bcher-kva.example", False),
    ]
    assert view.domains[2].display_name == "bücher.example"
    assert history(mapping.wp.db, "domain", third.id)[0]["action"] == "domain.added"


def test_plan_limit_own_names_and_taken_names_are_refused(mapping):
    for name in ("a.shop.example", "b.shop.example", "c.shop.example"):
        add(mapping, name)
    assert refusal(mapping, "d.shop.example") == (
        "Your plan allows 3 custom domains and this site has 3: remove one or upgrade your "
        "plan to add another."
    )
    domains.remove_domain(
        mapping.wp,
        mapping.alice["blog_id"],
        domains.site_domains(mapping.wp, mapping.alice["blog_id"]).domains[-1].id,
        ALICE,
    )
    assert "this network's own address" in refusal(mapping, CNAME_TARGET)
    assert "part of this network's own address" in refusal(mapping, "x." + CNAME_TARGET)
    assert (
        refusal(mapping, "a.shop.example")
        == "a.shop.example is already one of this site's domains."
    )
    map_directly(mapping.wp, mapping.bob["blog_id"], "bikes.example")
    assert "already mapped to another site" in refusal(mapping, "BIKES.example.")
    assert len(domains.site_domains(mapping.wp, mapping.alice["blog_id"]).domains) == 2


def test_plan_without_custom_domains_and_mapping_off(mapping):
    from sidecar.domain import catalog

    plan = catalog.get_product(mapping.wp.db, mapping.products["business"])
    catalog.update_product(mapping.wp.db, {"id": plan.id, "allow_custom_domains": False}, SYSTEM)
    assert refusal(mapping, "shop.example") == "Your plan does not include custom domains."
    assert not domains.site_domains(mapping.wp, mapping.alice["blog_id"]).allowance.allowed
    settings_store.save(mapping.wp.db, mapping.wp.network_id, {**enabled_settings_off()})
    with pytest.raises(NotFound):
        add(mapping, "shop.example")
    assert not domains.site_domains(mapping.wp, mapping.alice["blog_id"]).visible


def enabled_settings_off():
    return {
        "enabled": 0,
        "instructions": "",
        "addresses": "",
        "cname_target": "",
        "txt_required": 1,
        "resolver": "",
        "https_check": 0,
    }


def test_removing_the_primary_promotes_the_next_and_primary_can_move(mapping):
    first = add(mapping, "one.example")
    second = add(mapping, "two.example")
    domains.make_primary(mapping.wp, mapping.alice["blog_id"], second.id, ALICE)
    assert names(mapping) == [("two.example", True), ("one.example", False)]
    domains.remove_domain(mapping.wp, mapping.alice["blog_id"], second.id, ALICE)
    assert names(mapping) == [("one.example", True)]
    with pytest.raises(NotFound):
        domains.remove_domain(mapping.wp, mapping.bob["blog_id"], first.id, ALICE)


def test_verification_stages_with_real_dns(mapping):
    domain = add(mapping, "shop.example")
    verifier = domain_verification.verifier_for(get_settings(mapping.wp.db, mapping.wp.network_id))
    now = utcnow()

    mapping.zone.add("shop.example", "A", ELSEWHERE_IP)
    checked = domain_verification.check_domain(mapping.wp, domain, verifier, now)
    assert checked.status == "pending" and checked.attempts == 1
    assert checked.last_error == "the A record points to 203.0.113.9; expected 198.51.100.7"
    assert checked.next_check_at == now + timedelta(minutes=5)

    mapping.zone.clear()
    mapping.point_here("shop.example")
    checked = domain_verification.check_domain(mapping.wp, checked, verifier, now)
    assert checked.status == "dns-ok"
    assert checked.last_error == "no TXT record found at _sidecar-challenge.shop.example"

    mapping.point_here("shop.example", proof=domain.token)
    checked = domain_verification.check_domain(mapping.wp, checked, verifier, now)
    assert (checked.status, checked.attempts, checked.routable) == ("verified", 0, True)
    actions = [e["action"] for e in history(mapping.wp.db, "domain", domain.id)]
    assert actions.count("domain.status_changed") == 2


def test_pointing_elsewhere_never_verifies_even_with_the_txt_proof(mapping):
    domain = add(mapping, "shop.example")
    mapping.zone.add("shop.example", "A", ELSEWHERE_IP)
    mapping.zone.add("_sidecar-challenge.shop.example", "TXT", domain.token)
    verifier = domain_verification.verifier_for(get_settings(mapping.wp.db, mapping.wp.network_id))
    now = utcnow()
    for _ in range(domain_verification.MAX_ATTEMPTS + 2):
        domain = domain_verification.check_domain(mapping.wp, domain, verifier, now)
        assert domain.status in ("pending", "failed") and not domain.routable
    assert domain.status == "failed" and domain.next_check_at is None


def test_the_job_checks_what_is_due_and_removes_mappings_of_deleted_sites(mapping):
    due = add(mapping, "shop.example")
    later = add(mapping, "later.example")
    mapping.wp.db.execute(
        "UPDATE wp_sidecar_domains SET next_check_at = %s WHERE id = %s",
        (utcnow() + timedelta(hours=2), later.id),
    )
    orphan = map_directly(mapping.wp, 999999, "gone.example")
    mapping.point_here("shop.example", proof=due.token)
    checked = domain_verification.verify_due(mapping.wp, utcnow())
    assert [d.domain for d in checked] == ["shop.example"]
    assert checked[0].status == "verified"
    with pytest.raises(NotFound):
        domains.get_domain(mapping.wp, orphan.id)


def test_a_recheck_starts_a_failed_domain_over(mapping):
    domain = add(mapping, "shop.example")
    mapping.wp.db.execute(
        "UPDATE wp_sidecar_domains SET status = 'failed', attempts = 12, next_check_at = NULL"
        " WHERE id = %s",
        (domain.id,),
    )
    mapping.point_here("shop.example")
    checked = domain_verification.recheck_site_domain(
        mapping.wp, mapping.alice["blog_id"], domain.id, ALICE, utcnow()
    )
    assert (checked.status, checked.attempts) == ("dns-ok", 1)
    with pytest.raises(NotFound):
        domain_verification.recheck_site_domain(
            mapping.wp, mapping.bob["blog_id"], domain.id, ALICE, utcnow()
        )


def test_remove_for_site_drops_every_mapping(mapping):
    add(mapping, "one.example")
    add(mapping, "two.example")
    assert domains.remove_for_site(mapping.wp, mapping.alice["blog_id"]) == 2
    assert domains.site_domains(mapping.wp, mapping.alice["blog_id"]).domains == []


def test_the_shim_drops_routing_cache_entries(mapping):
    answer = mapping.wp.shim.forget_domains(
        mapping.alice["blog_id"], ["shop.example", "www.shop.example"]
    )
    assert answer["ok"] is True and answer["sunrise"] is True


def test_the_scheduled_job_runs_the_checks(mapping, settings):
    from sidecar.jobs.registry import find
    from sidecar.jobs.runner import run_job

    domain = add(mapping, "shop.example")
    mapping.point_here("shop.example", proof=domain.token)
    assert run_job(settings, find("domains.verify")) >= 1
    assert domains.get_domain(mapping.wp, domain.id).status == "verified"
