"""The network's custom-domain settings: Enable Domain Mapping, the Add New Domain
Instructions, the DNS targets (A/AAAA addresses and/or a CNAME host), whether the TXT proof is
required, the resolver the checks ask, and the optional HTTPS check.

``check_settings`` returns per-field messages; ``save_settings`` stores and records an event.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext

from ..errors import Invalid
from ..store import domain_settings as store
from ..wp_bridge.db import Database
from . import events
from .dns_check import Targets
from .domain_names import DomainNameError, normalise
from .events import Actor
from .later import N_

MAX_ADDRESSES = 16
MAX_INSTRUCTIONS = 5000
PLACEHOLDERS = ("ipv4", "ipv6", "addresses", "cname", "txt_name", "network")
_PLACEHOLDER = re.compile(r"\{([a-z0-9_]*)\}")

DEFAULT_INSTRUCTIONS = N_("""\
To use your own domain name for this site, change its DNS records at the company where you \
registered the domain (your registrar or DNS host):

- For a name such as **www.example.com**: add a **CNAME** record pointing to {cname}.
- For the bare name **example.com**: add an **A** record pointing to {ipv4} (and an **AAAA** \
record pointing to {ipv6} if your DNS host asks for one).
- To prove the domain is yours, add a **TXT** record named {txt_name}. You will see the value \
to put in it after you add the domain.

DNS changes can take up to a day to reach everyone. We check your domain automatically and \
show its status here.""")


@dataclass(frozen=True)
class DomainSettings:
    """One network's settings (the defaults until an admin saves them)."""

    network_id: int
    enabled: bool = False
    instructions: str = DEFAULT_INSTRUCTIONS
    addresses: tuple[str, ...] = ()
    cname_target: str = ""
    txt_required: bool = True
    resolver: str = ""
    https_check: bool = False
    updated_at: datetime | None = field(default=None, compare=False)

    @property
    def targets(self) -> Targets:
        """Where customers' domains must point."""
        return Targets(self.addresses, self.cname_target)

    @property
    def resolver_host_port(self) -> tuple[str, int]:
        """The resolver's address and port (``("", 53)``: the system's resolvers)."""
        return parse_resolver(self.resolver)


def get_settings(db: Database, network_id: int) -> DomainSettings:
    """Return the settings of network ``network_id`` (defaults when never saved)."""
    row = store.get(db, network_id)
    if row is None:
        return DomainSettings(network_id)
    return DomainSettings(
        network_id=network_id,
        enabled=bool(row["enabled"]),
        instructions=row["instructions"] or gettext(DEFAULT_INSTRUCTIONS),
        addresses=tuple(row["addresses"].split()),
        cname_target=row["cname_target"],
        txt_required=bool(row["txt_required"]),
        resolver=row["resolver"],
        https_check=bool(row["https_check"]),
        updated_at=row["updated_at"],
    )


def save_settings(
    db: Database, network_id: int, data: Mapping[str, Any], actor: Actor
) -> DomainSettings:
    """Check and store the settings; record ``domain_settings.updated``.

    ``data``: enabled, instructions, addresses (text: one per line or comma separated),
    cname_target, txt_required, resolver, https_check. Raises Invalid with per-field messages.
    """
    cleaned, problems = clean_settings(data)
    if problems:
        raise Invalid(problems)
    with db.transaction():
        before = get_settings(db, network_id)
        store.save(db, network_id, {**cleaned, "addresses": "\n".join(cleaned["addresses"])})
        after = get_settings(db, network_id)
        events.record(
            db,
            actor,
            "domain_settings",
            network_id,
            "domain_settings.updated",
            _state(before),
            _state(after),
        )
    return after


def reset_settings(db: Database, network_id: int) -> None:
    """Forget the saved settings (back to the defaults: mapping off)."""
    store.delete(db, network_id)


def clean_settings(data: Mapping[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    """Return the values to store and the problems, ``{field: [message]}``."""
    problems: dict[str, list[str]] = {}
    addresses = _addresses(data.get("addresses", ""), problems)
    cname = _cname(data.get("cname_target", ""), problems)
    cleaned = {
        "enabled": bool(data.get("enabled")),
        "instructions": _instructions(data.get("instructions", ""), problems),
        "addresses": addresses,
        "cname_target": cname,
        "txt_required": bool(data.get("txt_required")),
        "resolver": _resolver(data.get("resolver", ""), problems),
        "https_check": bool(data.get("https_check")),
    }
    if cleaned["enabled"] and not addresses and not cname and "addresses" not in problems:
        problems["addresses"] = [
            gettext(
                "Enter at least one address or a CNAME host: without a target no domain can be "
                "verified."
            )
        ]
    return cleaned, problems


def parse_resolver(text: str) -> tuple[str, int]:
    """Split ``host``, ``host:port`` or ``[v6]:port`` into an IP and a port.

    Raises ValueError with a message for people.
    """
    text = (text or "").strip()
    if not text:
        return "", 53
    host, port = _split_host_port(text)
    try:
        host = str(ipaddress.ip_address(host))
    except ValueError:
        raise ValueError(
            gettext(
                "%(host)s is not an IP address: the resolver must be given by address, such as "
                "127.0.0.1 or 127.0.0.1:5353.",
                host=host,
            )
        ) from None
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ValueError(gettext("The resolver's port must be a number from 1 to 65535."))
    return host, int(port)


def _split_host_port(text: str) -> tuple[str, str]:
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        return host, rest.removeprefix(":") or "53"
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, port
    return text, "53"


def _addresses(text: Any, problems: dict) -> tuple[str, ...]:
    found: list[str] = []
    for item in re.split(r"[\s,;]+", str(text or "").strip()):
        if not item:
            continue
        try:
            address = str(ipaddress.ip_address(item))
        except ValueError:
            problems.setdefault("addresses", []).append(
                gettext("%(item)s is not an IPv4 or IPv6 address.", item=item)
            )
            continue
        if address not in found:
            found.append(address)
    if len(found) > MAX_ADDRESSES:
        problems.setdefault("addresses", []).append(
            gettext("Enter at most %(max)d addresses.", max=MAX_ADDRESSES)
        )
    return tuple(found)


def _cname(text: Any, problems: dict) -> str:
    text = str(text or "").strip()
    if not text:
        return ""
    try:
        return normalise(text)
    except DomainNameError as error:
        problems["cname_target"] = [
            gettext("The CNAME host is not usable: %(reason)s", reason=error)
        ]
        return text


def _instructions(text: Any, problems: dict) -> str:
    text = str(text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_INSTRUCTIONS:
        problems["instructions"] = [
            gettext(
                "Keep the instructions under %(max)d characters (%(length)d now).",
                max=MAX_INSTRUCTIONS,
                length=len(text),
            )
        ]
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        problems.setdefault("instructions", []).append(
            gettext(
                "Unknown placeholder %(unknown)s; use %(known)s.",
                unknown=", ".join("{" + n + "}" for n in unknown),
                known=known,
            )
        )
    return text


def _resolver(text: Any, problems: dict) -> str:
    text = str(text or "").strip()
    try:
        host, port = parse_resolver(text)
    except ValueError as error:
        problems["resolver"] = [str(error)]
        return text
    if not host:
        return ""
    return (f"[{host}]" if ":" in host else host) + ("" if port == 53 else f":{port}")


def _state(settings: DomainSettings) -> dict:
    state = asdict(settings)
    state.pop("updated_at", None)
    state["addresses"] = list(settings.addresses)
    return state
