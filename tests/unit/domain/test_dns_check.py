"""DNS checks against a real authoritative DNS server on loopback (dnslib), through the
resolver the network's settings configure (address and port)."""

import pytest

from sidecar.domain.dns_check import (
    DnsUnavailable,
    Targets,
    make_resolver,
    points_at_network,
    proves_ownership,
)

from ...dns_server import LoopbackDns, silent_port

TARGETS = Targets(("198.51.100.7", "2001:db8::7"), "sites.network.test")
A_ONLY = Targets(("198.51.100.7",))


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


@pytest.fixture
def resolver(dns):
    return make_resolver(dns.address, dns.port, timeout=2)


def test_a_record_on_target_points_here(zone, resolver):
    zone.add("shop.example", "A", "198.51.100.7")
    assert points_at_network(resolver, "shop.example", A_ONLY).ok


def test_a_record_elsewhere_gives_the_exact_reason(zone, resolver):
    zone.add("shop.example", "A", "203.0.113.9")
    outcome = points_at_network(resolver, "shop.example", A_ONLY)
    assert not outcome.ok
    assert outcome.reason == "the A record points to 203.0.113.9; expected 198.51.100.7"


def test_one_stray_address_among_good_ones_is_refused(zone, resolver):
    zone.add("shop.example", "A", "198.51.100.7")
    zone.add("shop.example", "A", "203.0.113.9")
    outcome = points_at_network(resolver, "shop.example", A_ONLY)
    assert outcome.reason == "the A records point to 203.0.113.9; expected 198.51.100.7"


def test_an_aaaa_record_where_the_network_has_no_ipv6_must_go(zone, resolver):
    zone.add("shop.example", "A", "198.51.100.7")
    zone.add("shop.example", "AAAA", "2001:db8::99")
    outcome = points_at_network(resolver, "shop.example", A_ONLY)
    assert "AAAA record points to 2001:db8::99" in outcome.reason
    assert "remove the AAAA record" in outcome.reason


def test_ipv6_target_matches_in_any_notation(zone, resolver):
    zone.add("shop.example", "AAAA", "2001:0db8:0000::0007")
    assert points_at_network(resolver, "shop.example", TARGETS).ok


def test_cname_chain_reaching_the_target_host(zone, resolver):
    zone.add("www.shop.example", "CNAME", "edge.cdn.example")
    zone.add("edge.cdn.example", "CNAME", "sites.network.test")
    zone.add("sites.network.test", "A", "198.51.100.7")
    assert points_at_network(resolver, "www.shop.example", TARGETS).ok


def test_cname_chain_ending_at_a_target_address(zone, resolver):
    zone.add("www.shop.example", "CNAME", "alias.shop.example")
    zone.add("alias.shop.example", "A", "198.51.100.7")
    assert points_at_network(resolver, "www.shop.example", A_ONLY).ok


def test_cname_elsewhere_names_the_wrong_target(zone, resolver):
    zone.add("www.shop.example", "CNAME", "old-host.example")
    zone.add("old-host.example", "A", "203.0.113.9")
    outcome = points_at_network(resolver, "www.shop.example", TARGETS)
    assert outcome.reason == (
        "the CNAME record points to old-host.example; expected sites.network.test"
    )


def test_long_cname_chain_elsewhere_is_spelled_out(zone, resolver):
    zone.add("a.shop.example", "CNAME", "b.shop.example")
    zone.add("b.shop.example", "CNAME", "c.elsewhere.example")
    outcome = points_at_network(resolver, "a.shop.example", TARGETS)
    assert "a.shop.example → b.shop.example → c.elsewhere.example" in outcome.reason
    assert "does not reach sites.network.test" in outcome.reason


def test_cname_loop_is_reported_not_followed_forever(zone, resolver):
    zone.add("a.shop.example", "CNAME", "b.shop.example")
    zone.add("b.shop.example", "CNAME", "a.shop.example")
    with pytest.raises(DnsUnavailable, match="loop"):
        points_at_network(resolver, "a.shop.example", TARGETS)


def test_unknown_name_is_nxdomain(zone, resolver):
    outcome = points_at_network(resolver, "nowhere.example", TARGETS)
    assert outcome.reason == "nowhere.example does not exist in DNS (NXDOMAIN)"


def test_known_name_without_address_records(zone, resolver):
    zone.add("shop.example", "TXT", "hello")
    outcome = points_at_network(resolver, "shop.example", TARGETS)
    assert outcome.reason == "no A, AAAA or CNAME record found for shop.example"


def test_txt_proof_found(zone, resolver):
    zone.add("_sidecar-challenge.shop.example", "TXT", "sc-token")
    assert proves_ownership(resolver, "shop.example", "sc-token").ok


def test_txt_proof_missing_gives_the_exact_reason(zone, resolver):
    outcome = proves_ownership(resolver, "example.nl", "sc-token")
    assert outcome.reason == "no TXT record found at _sidecar-challenge.example.nl"


def test_txt_proof_with_another_value(zone, resolver):
    zone.add("_sidecar-challenge.shop.example", "TXT", "sc-old")
    outcome = proves_ownership(resolver, "shop.example", "sc-token")
    assert outcome.reason == (
        'the TXT record at _sidecar-challenge.shop.example holds "sc-old"; expected "sc-token"'
    )


def test_a_resolver_that_never_answers_is_unavailable_not_a_verdict():
    sock, port = silent_port()
    try:
        resolver = make_resolver("127.0.0.1", port, timeout=0.5)
        with pytest.raises(DnsUnavailable, match="did not answer"):
            points_at_network(resolver, "shop.example", TARGETS)
    finally:
        sock.close()
