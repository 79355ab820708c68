"""Turn what a customer typed into a domain name we can map, or say exactly what is wrong.

``normalise`` accepts what people paste — ``https://Shop.Example.com:8080/about?x#y`` — and
returns the bare host name in lowercase ASCII: the scheme, user name, path, query, fragment,
port and one trailing dot are stripped, internationalised names become punycode by IDNA 2008
(UTS #46 mapping first, so ``ÖBB.at`` and full-width dots work). Everything that can never be
mapped is refused with its own sentence: IP addresses, wildcards, single labels, local-only
names, bad characters, bad hyphens, labels over 63 and names over 253 bytes, all-digit last
labels. Whether the name is free and the plan allows it is decided in ``domains.py``.
"""

from __future__ import annotations

import ipaddress
import re

import idna
from flask_babel import gettext

MAX_NAME = 253
MAX_LABEL = 63
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(//)?", re.IGNORECASE)
_LDH = re.compile(r"^[a-z0-9-]+$")
_LOCAL_SUFFIXES = ("localhost", "local")
_CODEPOINT = re.compile(r"U\+([0-9A-Fa-f]{4,6})")


class DomainNameError(ValueError):
    """A domain name that cannot be mapped; the message says why, in plain words."""


def normalise(text: str) -> str:
    """Return ``text`` as a mappable host name (lowercase ASCII, punycode for IDNs).

    Raises DomainNameError with a message a customer can act on.
    """
    host = _bare_host(str(text or ""))
    _refuse_ip(host)
    host = _without_port(host)
    _refuse_ip(host)
    host = _without_trailing_dot(host)
    if "*" in host:
        raise DomainNameError(
            gettext(
                "Wildcard domains (*.example.com) cannot be mapped: add each name, such as "
                "www.example.com, on its own."
            )
        )
    if any(char.isspace() for char in host):
        raise DomainNameError(gettext("A domain name cannot contain spaces."))
    name = ".".join(_label(label) for label in _labels(host))
    _check_shape(name)
    return name


def subdomain_of(name: str, parent: str) -> bool:
    """True when ``name`` is ``parent`` itself or a name under it (``a.b.parent``)."""
    parent = parent.strip(".").lower()
    return bool(parent) and (name == parent or name.endswith("." + parent))


def _bare_host(text: str) -> str:
    """Strip white space, a scheme, a path, a query and a fragment."""
    host = text.strip()
    host = _SCHEME.sub("", host, count=1) if "://" in host or host.startswith("//") else host
    host = host.lstrip("/") if host.startswith("//") else host
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    if not host.strip():
        raise DomainNameError(gettext("Enter a domain name, such as shop.example.com."))
    if "@" in host:
        raise DomainNameError(
            gettext("Enter only the domain name, without a user name or an email address (no @).")
        )
    return host


def _refuse_ip(host: str) -> None:
    candidate = host[1 : host.find("]")] if host.startswith("[") and "]" in host else host
    candidate = candidate.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        if host.startswith("["):
            raise DomainNameError(
                gettext("An address in [brackets] is an IPv6 address, not a domain name.")
            ) from None
        return
    raise DomainNameError(
        gettext(
            "%(address)s is an IP address (IPv%(version)d), not a domain name. Enter the name "
            "people type, such as shop.example.com.",
            address=str(address),
            version=address.version,
        )
    )


def _without_port(host: str) -> str:
    if host.startswith("["):
        host, _, rest = host.partition("]")
        host, port = host + "]", rest.removeprefix(":")
    elif host.count(":") == 1:
        host, _, port = host.partition(":")
    else:
        return host
    if port and not port.isdigit():
        raise DomainNameError(
            gettext(
                '"%(port)s" is not a port number; leave out the ":" and what follows it.', port=port
            )
        )
    return host


def _without_trailing_dot(host: str) -> str:
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def _labels(host: str) -> list[str]:
    if not host.isascii():
        try:
            host = idna.uts46_remap(host, std3_rules=False, transitional=False)
        except idna.IDNAError as error:
            raise DomainNameError(_idna_message(host, error)) from None
    labels = host.lower().split(".")
    if any(not label for label in labels):
        raise DomainNameError(
            gettext(
                "A domain name cannot have empty parts: two dots in a row, or a dot at the start."
            )
        )
    return labels


def _label(label: str) -> str:
    """Return one label in ASCII. Raises DomainNameError."""
    if not label.isascii():
        return _unicode_label(label)
    _check_characters(label)
    if label.startswith("-") or label.endswith("-"):
        raise DomainNameError(
            gettext(
                'The part "%(label)s" starts or ends with a hyphen; hyphens may only be inside '
                "a part.",
                label=label,
            )
        )
    if label.startswith("xn--"):
        return _punycode_label(label)
    if label[2:4] == "--":
        raise DomainNameError(
            gettext(
                'The part "%(label)s" has "--" in the third and fourth place, which is reserved '
                "for internationalised names (xn--).",
                label=label,
            )
        )
    return _sized(label)


def _check_characters(label: str) -> None:
    if _LDH.match(label):
        return
    if "_" in label:
        raise DomainNameError(
            gettext("Underscores (_) are not allowed in domain names; use a hyphen (-).")
        )
    bad = next(char for char in label if not _LDH.match(char))
    raise DomainNameError(
        gettext(
            'The character "%(char)s" is not allowed in a domain name: use letters, digits and '
            "hyphens.",
            char=bad,
        )
    )


def _punycode_label(label: str) -> str:
    try:
        idna.decode(label)
    except idna.IDNAError:
        raise DomainNameError(
            gettext(
                'The part "%(label)s" starts with xn-- but is not a valid internationalised name '
                "(punycode).",
                label=label,
            )
        ) from None
    return _sized(label)


def _unicode_label(label: str) -> str:
    try:
        encoded = idna.alabel(label).decode("ascii")
    except idna.IDNAError as error:
        raise DomainNameError(_idna_message(label, error)) from None
    return _sized(encoded)


def _idna_message(text: str, error: idna.IDNAError) -> str:
    """A plain sentence for an IDNA 2008 refusal, naming the character at fault."""
    if isinstance(error, idna.InvalidCodepointContext):
        return gettext(
            '"%(text)s" uses a joiner or a character that is only allowed next to certain '
            "letters (IDNA 2008); type the name without it.",
            text=text,
        )
    if isinstance(error, idna.IDNABidiError):
        return gettext(
            '"%(text)s" mixes right-to-left and left-to-right writing in a way domain names '
            "do not allow (IDNA 2008).",
            text=text,
        )
    if "combining" in str(error):
        return gettext(
            '"%(text)s" starts with a combining accent; type the letter with its accent instead.',
            text=text,
        )
    found = _CODEPOINT.search(str(error))
    if isinstance(error, idna.InvalidCodepoint) and found:
        code = int(found[1], 16)
        return gettext(
            'The character "%(char)s" (U+%(code)s) is not allowed in internationalised domain '
            "names (IDNA 2008).",
            char=chr(code),
            code=format(code, "04X"),
        )
    return gettext(
        '"%(text)s" is not a valid internationalised domain name (IDNA 2008).', text=text
    )


def _sized(label: str) -> str:
    if len(label) > MAX_LABEL:
        raise DomainNameError(
            gettext(
                'The part "%(start)s…" is %(length)d characters long; each part of a domain name '
                "may have at most %(max)d.",
                start=label[:20],
                length=len(label),
                max=MAX_LABEL,
            )
        )
    return label


def _check_shape(name: str) -> None:
    labels = name.split(".")
    if len(name) > MAX_NAME:
        raise DomainNameError(
            gettext(
                "The domain name is %(length)d characters long; at most %(max)d are allowed.",
                length=len(name),
                max=MAX_NAME,
            )
        )
    if len(labels) < 2:
        raise DomainNameError(
            gettext(
                '"%(name)s" is not a full domain name: add the ending, such as %(name)s.com.',
                name=name,
            )
        )
    if labels[-1].isdigit():
        raise DomainNameError(
            gettext(
                'The last part "%(part)s" is all digits; a domain name ends in letters, such as '
                ".com or .nl.",
                part=labels[-1],
            )
        )
    if labels[-1] in _LOCAL_SUFFIXES:
        raise DomainNameError(
            gettext(
                "Names ending in .%(suffix)s only work inside one computer or local network; "
                "they cannot reach this site from the internet.",
                suffix=labels[-1],
            )
        )
