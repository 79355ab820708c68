"""Why a domain check failed, in words: stored in English, shown in the reader's language.

A check's reason is kept in ``last_error`` in English — the JSON API, the CLI and the logs show
it as it is, and stored rows never depend on who was looking when the check ran. Every reason is
built here from one of the templates in ``_TEMPLATES``; ``localized()`` recognises a stored text
by its template, translates the template and puts the same values back in (values that are
themselves reasons, such as the cause inside "…; we will try again", are translated too). A text
no template matches (written by an older version) is shown as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import gettext

from .later import N_

_TEMPLATES: dict[str, str] = {
    "nxdomain": N_("%(domain)s does not exist in DNS (NXDOMAIN)"),
    "no_records": N_("no A, AAAA or CNAME record found for %(domain)s"),
    "target_no_address": N_("the CNAME target %(target)s has no A or AAAA record"),
    "no_txt": N_("no TXT record found at %(name)s"),
    "wrong_txt": N_('the TXT record at %(name)s holds %(found)s; expected "%(token)s"'),
    "wrong_cname": N_("the CNAME record points to %(found)s; expected %(expected)s"),
    "cname_chain": N_("the CNAME chain %(chain)s does not reach %(expected)s"),
    "wrong_record": N_("the %(type)s record points to %(found)s; expected %(expected)s"),
    "wrong_records": N_("the %(type)s records point to %(found)s; expected %(expected)s"),
    "no_ipv6": N_(
        "the %(type)s record points to %(found)s; this network has no IPv6 address, "
        "so remove the AAAA record"
    ),
    "no_ipv6_many": N_(
        "the %(type)s records point to %(found)s; this network has no IPv6 address, "
        "so remove the AAAA record"
    ),
    "expect_cname": N_("a CNAME record pointing to %(target)s"),
    "expect_nothing": N_("an address of this network (none is set yet)"),
    "cname_loop": N_("the CNAME records of %(domain)s form a loop"),
    "cname_too_long": N_("the CNAME chain of %(domain)s is longer than %(steps)s steps"),
    "dns_timeout": N_("the DNS server did not answer in time"),
    "dns_refused": N_("the DNS server refused or failed to answer"),
    "dns_failed": N_("DNS lookup failed (%(kind)s)"),
    "no_resolver": N_("no DNS resolver is configured on the sidecar's machine"),
    "retry": N_("%(reason)s; we will try again"),
    "https_no_address": N_("HTTPS was not checked: %(domain)s has no address"),
    "https_unchecked": N_("HTTPS was not checked: %(reason)s"),
    "bad_certificate": N_("the HTTPS certificate is not valid for %(domain)s (%(detail)s)"),
    "tls_failed": N_("HTTPS failed on port %(port)s of %(address)s (%(detail)s)"),
    "no_https": N_("nothing answers HTTPS on port %(port)s of %(address)s"),
    "not_https": N_("the server on port %(port)s of %(address)s did not answer HTTPS requests"),
}


def reason(key: str, **values: object) -> str:
    """The English reason ``key`` with ``values`` filled in. Raises KeyError for an unknown key."""
    return _TEMPLATES[key] % {name: str(value) for name, value in values.items()}


def localized(text: str) -> str:
    """``text`` (an English reason from ``reason()``) in the current language."""
    if not text:
        return text
    for template, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match:
            values = {name: localized(value) for name, value in match.groupdict().items()}
            return gettext(template, **values)
    return text


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Each template with a regular expression that recognises its English text; templates
    with more fixed words first, so the most specific one wins."""
    compiled = [(template, _pattern(template)) for template in _TEMPLATES.values()]
    fixed = {t: len(re.sub(r"%\(\w+\)s", "", t)) for t in _TEMPLATES.values()}
    return tuple(sorted(compiled, key=lambda pair: -fixed[pair[0]]))


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    # re.split alternates fixed text and placeholder names: even indexes are fixed text.
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)
