"""The verification stages (pending → dns-ok → verified → https-ok, or failed) with a real
DNS server on loopback; the retry schedule; the status words; the instructions' rendering."""

from datetime import datetime, timedelta

import pytest

from sidecar.domain.dns_check import Outcome, Targets, make_resolver
from sidecar.domain.domain_instructions import placeholder_values, render_instructions
from sidecar.domain.domain_settings import DomainSettings, clean_settings, parse_resolver
from sidecar.domain.domain_status import describe
from sidecar.domain.domain_verification import (
    DEMOTE_AFTER,
    MAX_ATTEMPTS,
    Verdict,
    Verifier,
    backoff,
    evaluate,
    next_state,
)
from sidecar.domain.domains import Domain

from ...dns_server import LoopbackDns

NOW = datetime(2025, 3, 1, 12, 0, 0)
TARGETS = Targets(("198.51.100.7",), "sites.network.test")


@pytest.fixture(scope="module")
def dns():
    server = LoopbackDns()
    yield server
    server.stop()


@pytest.fixture
def zone(dns):
    dns.zone.clear()
    yield dns.zone
    dns.zone.clear()


def verifier(dns, txt_required=True, https=None):
    return Verifier(make_resolver(dns.address, dns.port, 2), TARGETS, txt_required, https)


def domain(**changes) -> Domain:
    values = {
        "id": 1,
        "network_id": 1,
        "blog_id": 2,
        "domain": "shop.example",
        "is_primary": True,
        "enabled": True,
        "status": "pending",
        "token": "sc-token",
        "last_error": "",
        "attempts": 0,
        "checked_at": None,
        "next_check_at": NOW,
        "verified_at": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Domain(**{**values, **changes})


def test_pointing_elsewhere_stays_pending_with_the_reason(dns, zone):
    zone.add("shop.example", "A", "203.0.113.9")
    zone.add("_sidecar-challenge.shop.example", "TXT", "sc-token")
    verdict = evaluate(verifier(dns), "shop.example", "sc-token")
    assert verdict == Verdict(
        "pending", "the A record points to 203.0.113.9; expected 198.51.100.7"
    )


def test_pointing_here_without_txt_is_dns_ok_not_verified(dns, zone):
    zone.add("shop.example", "A", "198.51.100.7")
    verdict = evaluate(verifier(dns), "shop.example", "sc-token")
    assert verdict == Verdict("dns-ok", "no TXT record found at _sidecar-challenge.shop.example")


def test_pointing_here_with_txt_is_verified(dns, zone):
    zone.add("shop.example", "A", "198.51.100.7")
    zone.add("_sidecar-challenge.shop.example", "TXT", "sc-token")
    assert evaluate(verifier(dns), "shop.example", "sc-token") == Verdict("verified")


def test_txt_optional_verifies_on_pointing_alone(dns, zone):
    zone.add("www.shop.example", "CNAME", "sites.network.test")
    assert evaluate(verifier(dns, txt_required=False), "www.shop.example", "x").status == (
        "verified"
    )


def test_once_verified_the_txt_record_may_go(dns, zone):
    zone.add("shop.example", "A", "198.51.100.7")
    assert evaluate(verifier(dns), "shop.example", "sc-token", proven=True).status == "verified"


def test_https_stage(dns, zone):
    zone.add("shop.example", "A", "198.51.100.7")
    zone.add("_sidecar-challenge.shop.example", "TXT", "sc-token")
    good = verifier(dns, https=lambda name: Outcome(True))
    bad = verifier(dns, https=lambda name: Outcome(False, "nothing answers HTTPS on port 443"))
    assert evaluate(good, "shop.example", "sc-token") == Verdict("https-ok")
    assert evaluate(bad, "shop.example", "sc-token") == Verdict(
        "verified", "nothing answers HTTPS on port 443"
    )


def test_failed_checks_back_off_then_fail():
    current = domain()
    schedule = []
    for _ in range(MAX_ATTEMPTS):
        fields = next_state(current, Verdict("pending", "no"), NOW, https_wanted=False)
        current = domain(**{**fields, "status": fields["status"]})
        if fields["next_check_at"]:
            schedule.append(fields["next_check_at"] - NOW)
    assert current.status == "failed" and current.next_check_at is None
    assert schedule[0] == timedelta(minutes=5) and schedule == sorted(schedule)
    assert backoff(100) == timedelta(hours=24)


def test_a_verified_domain_fails_only_after_several_bad_checks():
    current = domain(status="verified", verified_at=NOW)
    for attempt in range(1, DEMOTE_AFTER + 1):
        fields = next_state(current, Verdict("pending", "gone"), NOW, https_wanted=False)
        current = domain(**{**fields, "verified_at": NOW})
        assert current.status == ("failed" if attempt == DEMOTE_AFTER else "verified")


def test_dns_trouble_keeps_the_status():
    fields = next_state(domain(status="dns-ok"), Verdict(None, "timeout"), NOW, https_wanted=False)
    assert fields["status"] == "dns-ok" and fields["attempts"] == 1


def test_success_resets_attempts_and_schedules_the_daily_recheck():
    fields = next_state(domain(attempts=4), Verdict("verified"), NOW, https_wanted=False)
    assert fields["attempts"] == 0 and fields["verified_at"] == NOW
    assert fields["next_check_at"] == NOW + timedelta(hours=24)


def test_status_words():
    assert describe(domain(status="verified"), NOW).label == "Active"
    waiting = domain(
        checked_at=NOW,
        last_error="the A record points to 203.0.113.9",
        attempts=1,
        next_check_at=NOW + timedelta(minutes=15),
    )
    pending = describe(waiting, NOW)
    assert pending.label == "Waiting for DNS"
    assert "the A record points to 203.0.113.9" in pending.detail and "15 minutes" in pending.detail
    assert describe(domain(enabled=False), NOW).label == "Turned off"
    assert describe(domain(status="failed", last_error="x"), NOW).badge == "failed"


def test_instructions_are_escaped_formatted_and_filled_in():
    settings = DomainSettings(1, True, "", ("198.51.100.7", "2001:db8::7"), "sites.network.test")
    html = render_instructions(
        "Point **A** at {ipv4} <script>x</script>\n\n- CNAME to {cname}\n- `TXT` {txt_name}",
        placeholder_values(settings, "net.test", "shop.example"),
    )
    assert "<strong>A</strong>" in html and "<code>198.51.100.7</code>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<li>CNAME to <code>sites.network.test</code></li>" in html
    assert "<code>_sidecar-challenge.shop.example</code>" in html


def test_settings_are_checked_per_field():
    cleaned, problems = clean_settings(
        {
            "enabled": True,
            "addresses": "198.51.100.7, nope\n2001:DB8::7",
            "cname_target": "http://Sites.Network.Test/",
            "resolver": "dns.example:53",
            "instructions": "Use {ipv4} and {bogus}",
        }
    )
    assert problems["addresses"] == ["nope is not an IPv4 or IPv6 address."]
    assert cleaned["cname_target"] == "sites.network.test"
    assert "not an IP address" in problems["resolver"][0]
    assert "Unknown placeholder {bogus}" in problems["instructions"][0]
    _, problems = clean_settings({"enabled": True})
    assert "at least one address or a CNAME host" in problems["addresses"][0]
    assert parse_resolver("[::1]:5353") == ("::1", 5353)
    assert parse_resolver("127.0.0.1") == ("127.0.0.1", 53)
