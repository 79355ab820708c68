"""The optional HTTPS check: does ``https://<domain>/`` answer with a certificate valid for
that name? The address comes from the same resolver as the DNS checks, so the check asks the
server the domain really points at."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable

import dns.resolver

from .dns_check import DnsUnavailable, Outcome, addresses, cname_chain
from .dns_reasons import reason

HttpsProbe = Callable[[str], Outcome]


def https_probe(
    resolver: dns.resolver.Resolver,
    *,
    port: int = 443,
    timeout: float = 5.0,
    context: ssl.SSLContext | None = None,
) -> HttpsProbe:
    """A function ``probe(domain) -> Outcome`` that tries HTTPS on ``domain``."""
    tls = context or ssl.create_default_context()

    def probe(domain: str) -> Outcome:
        try:
            address = _address(resolver, domain)
        except DnsUnavailable as error:
            return Outcome(False, reason("https_unchecked", reason=error))
        if address is None:
            return Outcome(False, reason("https_no_address", domain=domain))
        return check_https(domain, address, port=port, timeout=timeout, context=tls)

    return probe


def check_https(
    domain: str, address: str, *, port: int, timeout: float, context: ssl.SSLContext
) -> Outcome:
    """Connect to ``address``:``port`` as ``domain`` (SNI), verify the certificate and read an
    HTTP status line. Returns the outcome with a reason a customer can act on."""
    where = {"port": port, "address": address}
    request = f"HEAD / HTTP/1.1\r\nHost: {domain}\r\nConnection: close\r\n\r\n".encode()
    try:
        with (
            socket.create_connection((address, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=domain) as tls,
        ):
            tls.sendall(request)
            status = tls.recv(64)
    except ssl.SSLCertVerificationError as error:
        return Outcome(False, reason("bad_certificate", domain=domain, detail=error.verify_message))
    except ssl.SSLError as error:
        return Outcome(False, reason("tls_failed", **where, detail=error.reason or "TLS error"))
    except OSError:
        return Outcome(False, reason("no_https", **where))
    if not status.startswith(b"HTTP/"):
        return Outcome(False, reason("not_https", **where))
    return Outcome(True)


def _address(resolver: dns.resolver.Resolver, domain: str) -> str | None:
    chain = cname_chain(resolver, domain)
    final = chain[-1] if chain else domain
    found = addresses(resolver, final, "A") or addresses(resolver, final, "AAAA")
    return found[0] if found else None
