"""The byte-exact replacer: serialized lengths recomputed in bytes, nested serialized strings,
JSON-escaped and URL-encoded forms, host boundaries, and nothing touched without a match."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.domain.search_replace import (
    Pair,
    ReplacePlanError,
    Replacer,
    check_pairs,
    plan_pairs,
    prefix_pair,
    rewrite_serialized,
)
from sidecar.wp_bridge import phpserial

OLD = "http://net.test/shop"
NEW = "https://net.test/longer-site-name"


@pytest.fixture(scope="module")
def replacer() -> Replacer:
    return Replacer(_pairs())


def _pairs() -> list[Pair]:
    return plan_pairs(template_urls=[OLD, OLD + "/"], target_url=NEW, template_id=5, target_id=12)


def _expected(text: str) -> str:
    """What a string leaf should become (the same pairs, applied by hand)."""
    return Replacer(_pairs()).text(text.encode()).decode()


def test_plan_covers_every_form():
    searches = {p.search for p in _pairs()}
    assert "//net.test/shop" in searches
    assert "\\/\\/net.test\\/shop" in searches
    assert "%2F%2Fnet.test%2Fshop" in searches
    assert "wp-content/uploads/sites/5/" in searches
    assert "wp-content\\/uploads\\/sites\\/5\\/" in searches
    assert prefix_pair("wp_", 5, 12) == Pair("wp_5_", "wp_12_")


def test_boundary_keeps_other_sites(replacer):
    assert replacer.text(b"http://net.test/shop/a") == b"https://net.test/longer-site-name/a"
    assert replacer.text(b"http://net.test/shop") == b"https://net.test/longer-site-name"
    assert replacer.text(b'"//net.test/shop"') == b'"//net.test/longer-site-name"'
    assert replacer.text(b"http://net.test/shop2/a") == b"http://net.test/shop2/a"
    assert replacer.text(b"http://net.test/shop.html") == b"http://net.test/shop.html"
    assert replacer.text(b"https:\\/\\/net.test\\/shop\\/x") == (
        b"https:\\/\\/net.test\\/longer-site-name\\/x"
    )
    assert replacer.text(b"u=http%3A%2F%2Fnet.test%2Fshop%2F") == (
        b"u=https%3A%2F%2Fnet.test%2Flonger-site-name%2F"
    )


def test_serialized_lengths_are_bytes_and_nested_values_are_rewritten(replacer):
    inner = phpserial.dumps({"logo": "http://net.test/shop/wp-content/uploads/sites/5/é.png"})
    value = phpserial.dumps(
        {
            "widget": [{"text": "<a href='http://net.test/shop/'>ü</a>", "n": 3}],
            "nested": inner,
            "float": 0.1,
            "obj": phpserial.PHPObject("stdClass", {"u": "//net.test/shop"}),
        }
    )
    out = replacer.value(value)
    loaded = phpserial.loads(out)
    assert loaded["widget"][0]["text"] == "<a href='https://net.test/longer-site-name/'>ü</a>"
    assert phpserial.loads(loaded["nested"]) == {
        "logo": "https://net.test/longer-site-name/wp-content/uploads/sites/12/é.png"
    }
    assert loaded["obj"].properties == {"u": "//net.test/longer-site-name"}
    assert b"d:0.1;" in out


def test_php17_floats_and_references_keep_their_bytes(replacer):
    value = b'a:3:{i:0;d:0.10000000000000001;i:1;s:20:"http://net.test/shop";i:2;R:2;}'
    out = replacer.value(value)
    assert out == (
        b'a:3:{i:0;d:0.10000000000000001;i:1;s:33:"https://net.test/longer-site-name";i:2;R:2;}'
    )


def test_custom_object_payload_size_is_recomputed(replacer):
    payload = b'a:1:{i:0;s:15:"//net.test/shop";}'
    value = b'C:11:"ArrayObject":%d:{%s}' % (len(payload), payload)
    out = replacer.value(value)
    new_payload = b'a:1:{i:0;s:27:"//net.test/longer-site-name";}'
    assert out == b'C:11:"ArrayObject":%d:{%s}' % (len(new_payload), new_payload)


def test_broken_serialized_text_falls_back_to_plain_replacement(replacer):
    assert replacer.value(b's:99:"http://net.test/shop";') == (
        b's:99:"https://net.test/longer-site-name";'
    )


def test_a_plan_that_would_rewrite_its_own_output_is_refused():
    with pytest.raises(ReplacePlanError):
        check_pairs([Pair("//a/b", "//a/b/c/a/b"), Pair("x", "y")])


# --------------------------------------------------------------------------- properties

_URLISH = st.sampled_from(
    [
        "http://net.test/shop/",
        "https://net.test/shop",
        "//net.test/shop2/",
        "http:\\/\\/net.test\\/shop\\/a",
        "http%3A%2F%2Fnet.test%2Fshop%2F",
        "wp-content/uploads/sites/5/a.jpg",
        "é日本",
        "",
        '";}s:1:"',
    ]
)
_TEXT = st.lists(st.one_of(_URLISH, st.text(max_size=8)), max_size=4).map("".join)
_LEAF = st.one_of(
    _TEXT, st.integers(-(2**63), 2**63 - 1), st.booleans(), st.none(), st.floats(allow_nan=False)
)
_KEY = st.one_of(st.integers(0, 50), _TEXT)
_VALUE = st.recursive(
    _LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_KEY, children, max_size=4),
        children.map(phpserial.dumps),  # a serialized string inside a serialized value
    ),
    max_leaves=20,
)


def _transform(value):
    """The expected result: every string leaf (and key) replaced, nested serialized too."""
    if isinstance(value, str):
        if phpserial.is_serialized(value):
            try:
                return phpserial.dumps(_transform(phpserial.loads(value))).decode()
            except phpserial.PHPSerialError:
                pass
        return _expected(value)
    if isinstance(value, list):
        return [_transform(v) for v in value]
    if isinstance(value, dict):
        return {_transform(k) if isinstance(k, str) else k: _transform(v) for k, v in value.items()}
    return value


@settings(max_examples=300, deadline=None)
@given(_VALUE)
def test_round_trip_lengths_correct_and_every_leaf_rewritten(value):
    raw = phpserial.dumps(value)
    out = Replacer(_pairs()).value(raw)
    try:
        expected = phpserial.dumps(_transform(phpserial.loads(raw)))
    except phpserial.PHPSerialError:  # two keys became equal after replacement
        return
    assert phpserial.loads(out) == phpserial.loads(expected)


@settings(max_examples=300, deadline=None)
@given(_VALUE.filter(lambda v: not Replacer(_pairs()).contains(phpserial.dumps(v))))
def test_unchanged_byte_for_byte_when_nothing_matches(value):
    raw = phpserial.dumps(value)
    assert Replacer(_pairs()).value(raw) == raw
    assert rewrite_serialized(raw, lambda b: b) == raw


@settings(max_examples=200, deadline=None)
@given(_VALUE)
def test_idempotent(value):
    replacer = Replacer(_pairs())
    once = replacer.value(phpserial.dumps(value))
    assert replacer.value(once) == once
