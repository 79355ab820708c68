"""Ask DNS whether a domain points at the network and carries its ownership proof (dnspython).

Pointing: the domain's CNAME chain (followed one query at a time, so it works against an
authoritative server that does not chase chains) reaches the network's CNAME target, or every
A/AAAA address at the end of the chain is one of the network's addresses. Proof: a TXT record at
``_sidecar-challenge.<domain>`` holds the domain's token. Each refusal carries the exact reason
a customer can act on ("the A record points to 203.0.113.9; expected 198.51.100.7").

The resolver is configurable (address and port): tests point it at a DNS server they run.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.resolver

from .dns_reasons import reason

CHALLENGE_LABEL = "_sidecar-challenge"
MAX_CHAIN = 8


class DnsUnavailable(Exception):
    """The resolver did not answer (timeout, refusal, server failure); try again later."""


@dataclass(frozen=True)
class Targets:
    """Where the network's domains must point: addresses (IPv4 and IPv6) and/or a CNAME host."""

    addresses: tuple[str, ...] = ()
    cname: str = ""

    def expected(self, version: int) -> tuple[str, ...]:
        """The target addresses of one IP version (4 or 6)."""
        return tuple(a for a in self.addresses if ipaddress.ip_address(a).version == version)


@dataclass(frozen=True)
class Outcome:
    """One check's verdict; ``reason`` explains a failure ("" when ``ok``)."""

    ok: bool
    reason: str = ""


def challenge_name(domain: str) -> str:
    """The name of the ownership TXT record of ``domain``."""
    return f"{CHALLENGE_LABEL}.{domain}"


def make_resolver(host: str = "", port: int = 53, timeout: float = 3.0) -> dns.resolver.Resolver:
    """A resolver asking ``host``:``port``, or the system's resolvers when ``host`` is empty.

    Raises DnsUnavailable when no resolver is configured on this machine.
    """
    try:
        resolver = dns.resolver.Resolver(configure=not host)
    except dns.resolver.NoResolverConfiguration:
        raise DnsUnavailable(reason("no_resolver")) from None
    if host:
        resolver.nameservers = [host]
        resolver.port = port
    resolver.timeout = timeout
    resolver.lifetime = timeout
    resolver.cache = None
    return resolver


def points_at_network(resolver: dns.resolver.Resolver, domain: str, targets: Targets) -> Outcome:
    """Whether ``domain`` reaches the network. Raises DnsUnavailable."""
    chain = cname_chain(resolver, domain)
    if targets.cname and targets.cname in chain:
        return Outcome(True)
    final = chain[-1] if chain else domain
    found = {4: addresses(resolver, final, "A"), 6: addresses(resolver, final, "AAAA")}
    if not chain and not found[4] and not found[6]:
        return Outcome(False, _nothing_found(resolver, domain))
    wrong = _wrong_addresses(found, targets)
    if not wrong and (found[4] or found[6]):
        return Outcome(True)
    if chain and targets.cname:
        return Outcome(False, _cname_reason(domain, chain, targets.cname))
    return Outcome(False, wrong or reason("target_no_address", target=final))


def proves_ownership(resolver: dns.resolver.Resolver, domain: str, token: str) -> Outcome:
    """Whether the TXT record at ``_sidecar-challenge.<domain>`` holds ``token``.

    Raises DnsUnavailable.
    """
    name = challenge_name(domain)
    values = txt_values(resolver, name)
    if token in values:
        return Outcome(True)
    if not values:
        return Outcome(False, reason("no_txt", name=name))
    shown = ", ".join(f'"{value[:80]}"' for value in values[:3])
    return Outcome(False, reason("wrong_txt", name=name, found=shown, token=token))


def cname_chain(resolver: dns.resolver.Resolver, domain: str) -> list[str]:
    """The names ``domain``'s CNAME records lead to, in order (empty: no CNAME).

    Raises DnsUnavailable, also for a loop or a chain longer than ``MAX_CHAIN``.
    """
    chain: list[str] = []
    current = domain
    for _ in range(MAX_CHAIN):
        records = _query(resolver, current, "CNAME")
        if not records:
            return chain
        current = _host(records[0].target)
        if current in chain or current == domain:
            raise DnsUnavailable(reason("cname_loop", domain=domain))
        chain.append(current)
    raise DnsUnavailable(reason("cname_too_long", domain=domain, steps=MAX_CHAIN))


def addresses(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> list[str]:
    """The A or AAAA addresses of ``name`` (compressed form). Raises DnsUnavailable."""
    return sorted({str(ipaddress.ip_address(r.address)) for r in _query(resolver, name, rdtype)})


def txt_values(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """The TXT strings at ``name``, each record's parts joined. Raises DnsUnavailable."""
    records = _query(resolver, name, "TXT")
    return [b"".join(r.strings).decode("utf-8", "replace").strip() for r in records]


def _query(resolver: dns.resolver.Resolver, name: str, rdtype: str) -> list:
    try:
        answer = resolver.resolve(name, rdtype, raise_on_no_answer=False, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.resolver.LifetimeTimeout:
        raise DnsUnavailable(reason("dns_timeout")) from None
    except dns.resolver.NoNameservers:
        raise DnsUnavailable(reason("dns_refused")) from None
    except dns.exception.DNSException as error:
        raise DnsUnavailable(reason("dns_failed", kind=error.__class__.__name__)) from None
    if answer.rrset is None:
        return []
    return [r for r in answer.rrset if r.rdtype == answer.rdtype]


def _nothing_found(resolver: dns.resolver.Resolver, domain: str) -> str:
    try:
        resolver.resolve(domain, "SOA", search=False)
    except dns.resolver.NXDOMAIN:
        return reason("nxdomain", domain=domain)
    except dns.exception.DNSException:
        pass
    return reason("no_records", domain=domain)


def _cname_reason(domain: str, chain: list[str], target: str) -> str:
    if len(chain) == 1:
        return reason("wrong_cname", found=chain[0], expected=target)
    return reason("cname_chain", chain=" → ".join([domain, *chain]), expected=target)


def _wrong_addresses(found: dict[int, list[str]], targets: Targets) -> str:
    """The first record type whose addresses are not all the network's, as a reason."""
    for version, rdtype in ((4, "A"), (6, "AAAA")):
        expected = targets.expected(version)
        stray = [address for address in found[version] if address not in expected]
        if not stray:
            continue
        many = len(found[version]) > 1
        shown = " and ".join(stray)
        if expected:
            key = "wrong_records" if many else "wrong_record"
            return reason(key, type=rdtype, found=shown, expected=" or ".join(expected))
        if version == 6 and targets.expected(4):
            return reason("no_ipv6_many" if many else "no_ipv6", type=rdtype, found=shown)
        key = "wrong_records" if many else "wrong_record"
        return reason(key, type=rdtype, found=shown, expected=_expected_text(targets))
    return ""


def _expected_text(targets: Targets) -> str:
    if targets.cname:
        return reason("expect_cname", target=targets.cname)
    return " or ".join(targets.addresses) or reason("expect_nothing")


def _host(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower()
