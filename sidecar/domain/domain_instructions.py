"""The Add New Domain Instructions as safe HTML: the admin's text is escaped, its placeholders
replaced by the network's DNS targets, and a small formatting language applied — blank lines
separate paragraphs, lines starting with ``- `` form a list, ``**bold**`` and `` `code` ``.

Placeholders: ``{ipv4}``, ``{ipv6}``, ``{addresses}``, ``{cname}``, ``{txt_name}``,
``{network}``; a target the admin has not set reads "(not set)".
"""

from __future__ import annotations

import re
from itertools import groupby

from markupsafe import Markup, escape

from ..wp_bridge import WordPress
from ..wp_bridge.tables.networks import get_network
from .dns_check import CHALLENGE_LABEL
from .domain_settings import DomainSettings

NOT_SET = "(not set)"
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_LIST_ITEM = re.compile(r"^[-*] +")


def placeholder_values(settings: DomainSettings, network_host: str, domain: str = "") -> dict:
    """The text each placeholder stands for (``domain``: the customer's, when known)."""
    targets = settings.targets
    return {
        "ipv4": " or ".join(targets.expected(4)),
        "ipv6": " or ".join(targets.expected(6)),
        "addresses": ", ".join(settings.addresses),
        "cname": settings.cname_target,
        "txt_name": f"{CHALLENGE_LABEL}.{domain or 'your-domain'}",
        "network": network_host,
    }


def render_instructions(text: str, values: dict[str, str]) -> Markup:
    """Return the instructions as HTML, safe to print."""
    html = str(escape(text.replace("\r\n", "\n")))
    for name, value in values.items():
        shown = f"<code>{escape(value)}</code>" if value else f"<em>{NOT_SET}</em>"
        html = html.replace("{" + name + "}", shown)
    blocks = [block for block in re.split(r"\n\s*\n", html.strip()) if block.strip()]
    return Markup("\n".join(_block(block) for block in blocks))  # noqa: S704 (escaped above)


def _block(block: str) -> str:
    """A paragraph, a list, or runs of both (consecutive lines of one kind stay together)."""
    lines = [line.strip() for line in block.split("\n") if line.strip()]
    runs = [list(group) for _, group in groupby(lines, key=lambda x: bool(_LIST_ITEM.match(x)))]
    return "".join(_list(run) if _LIST_ITEM.match(run[0]) else _paragraph(run) for run in runs)


def _list(lines: list[str]) -> str:
    items = "".join(f"<li>{_inline(_LIST_ITEM.sub('', line))}</li>" for line in lines)
    return f'<ul class="sidecar-bullets">{items}</ul>'


def _paragraph(lines: list[str]) -> str:
    return "<p>" + "<br>".join(_inline(line) for line in lines) + "</p>"


def _inline(text: str) -> str:
    text = _CODE.sub(r"<code>\1</code>", text)
    return _BOLD.sub(r"<strong>\1</strong>", text)


def instructions_html(wp: WordPress, settings: DomainSettings, domain: str = "") -> Markup:
    """The network's instructions with its own targets filled in, as safe HTML."""
    network = get_network(wp.db, wp.network_id)
    host = network.domain.split(":")[0] if network else ""
    return render_instructions(settings.instructions, placeholder_values(settings, host, domain))
