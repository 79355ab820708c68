"""Normalising and refusing domain names (no database): what people paste becomes a bare
lowercase ASCII host name; everything unmappable is refused with its own sentence."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sidecar.domain.domain_names import DomainNameError, normalise, subdomain_of

GOOD = [
    ("shop.example.com", "shop.example.com"),
    ("  Shop.Example.COM  ", "shop.example.com"),
    ("https://shop.example.com/about?x=1#top", "shop.example.com"),
    ("HTTP://shop.example.com:8080", "shop.example.com"),
    ("//shop.example.com/", "shop.example.com"),
    ("shop.example.com.", "shop.example.com"),
    ("shop.example.com:443", "shop.example.com"),
    ("bücher.de", "xn--bcher-kva.de"),
    ("ÖBB.at", "xn--bb-eka.at"),
    ("ＳＨＯＰ。example", "shop.example"),
    ("xn--bcher-kva.de", "xn--bcher-kva.de"),
    ("a-b.c-d.example", "a-b.c-d.example"),
    ("123.example", "123.example"),
    ("faß.de", "xn--fa-hia.de"),  # IDNA 2008: ß is kept (IDNA 2003 mapped it to ss)
]

BAD = [
    ("", "Enter a domain name"),
    ("\u05d0a.example", "mixes right-to-left and left-to-right writing"),
    ("192.0.2.10", "192.0.2.10 is an IP address (IPv4)"),
    ("\u0301a.example", "starts with a combining accent"),
    ("2001:db8::1", "2001:db8::1 is an IP address (IPv6)"),
    ("[zz]:443", "An address in [brackets] is an IPv6 address"),
    ("*.example.com", "Wildcard domains"),
    ("shop", '"shop" is not a full domain name'),
    ("a" * 64 + ".example.com", "is 64 characters long; each part"),
    (".".join(["a" * 60] * 5), "at most 253 are allowed"),
    ("shop_1.example.com", "Underscores (_) are not allowed"),
    ("my shop.example.com", "cannot contain spaces"),
    ("shop!.example.com", 'The character "!" is not allowed'),
    ("-shop.example.com", "starts or ends with a hyphen"),
    ("ab--cd.example.com", '"--" in the third and fourth place'),
    ("xn--zz.example.com", "not a valid internationalised name (punycode)"),
    ("shop..example.com", "cannot have empty parts"),
    ("example.123", 'The last part "123" is all digits'),
    ("shop.localhost", "Names ending in .localhost"),
    ("printer.local", "Names ending in .local "),
    ("shop.example.com:http", '"http" is not a port number'),
    ("admin@shop.example.com", "without a user name or an email address"),
    ("i❤.ws", 'The character "❤" (U+2764) is not allowed in internationalised'),
    ("a\u200db.example", "uses a joiner"),
    ("back\\slash.example", 'The character "\\" is not allowed'),
]


ALSO_REFUSED = [
    ("https://", "Enter a domain name"),
    ("192.0.2.10:8080", "192.0.2.10 is an IP address (IPv4)"),
    ("[2001:db8::1]:443", "2001:db8::1 is an IP address (IPv6)"),
    ("xn--.example", 'The part "xn--" starts or ends with a hyphen'),
    ("shop-.example", 'The part "shop-" starts or ends with a hyphen'),
    ("☃.example", "(U+2603) is not allowed in internationalised domain names (IDNA 2008)"),
]


@pytest.mark.parametrize(("typed", "expected"), GOOD)
def test_names_are_normalised(typed, expected):
    assert normalise(typed) == expected


@pytest.mark.parametrize(("typed", "message"), BAD + ALSO_REFUSED)
def test_bad_names_are_refused_with_their_own_message(typed, message):
    with pytest.raises(DomainNameError) as refused:
        normalise(typed)
    assert message in str(refused.value)


def test_every_refusal_in_the_table_says_something_different():
    messages = set()
    for typed, _ in BAD:
        with pytest.raises(DomainNameError) as refused:
            normalise(typed)
        messages.add(str(refused.value))
    assert len(BAD) >= 25 and len(messages) == len(BAD)


def test_subdomain_of():
    assert subdomain_of("sites.network.test", "sites.network.test")
    assert subdomain_of("a.b.sites.network.test", "Sites.Network.Test.")
    assert not subdomain_of("evilsites.network.test", "sites.network.test")
    assert not subdomain_of("shop.example", "")


@given(st.text(max_size=80))
def test_normalise_either_refuses_or_returns_a_clean_name(text):
    try:
        name = normalise(text)
    except DomainNameError:
        return
    assert name == name.lower() and name.isascii() and len(name) <= 253
    assert all(0 < len(label) <= 63 for label in name.split("."))
    assert normalise(name) == name
