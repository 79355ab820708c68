"""Tests for sidecar.wp_bridge.phpserial: round trips, real-PHP fixtures, live PHP cross-checks."""

from __future__ import annotations

import base64
import functools
import json
import math
import random
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidecar.wp_bridge.phpserial import (
    MAX_DEPTH,
    PHPCustomObject,
    PHPEnum,
    PHPObject,
    PHPReference,
    PHPSerialError,
    dumps,
    is_serialized,
    loads,
    maybe_unserialize,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "phpserial" / "fixtures.json"
PHP = shutil.which("php")

# --------------------------------------------------------------------------- helpers


def same(a: object, b: object) -> bool:
    """Strict structural equality: types must match, NaN equals NaN, -0.0 differs from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, PHPObject):
        return a.class_name == b.class_name and same(a.properties, b.properties)
    return a == b


def text_if_utf8(raw: bytes) -> str | bytes:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def php_array_key(key: object) -> object:
    """PHP's array-key rule, written independently of the module under test."""
    if isinstance(key, bytes):
        key = text_if_utf8(key)
    numeric = isinstance(key, str) and re.fullmatch(r"-?[1-9][0-9]*|0", key, re.ASCII)
    if numeric and -(2**63) <= int(key) < 2**63:
        return int(key)
    return key


def key_identity(key: object) -> tuple[str, object]:
    """What a key looks like on the wire: ('i', n) or ('s', bytes)."""
    if isinstance(key, int):
        return ("i", key)
    return ("s", key.encode() if isinstance(key, str) else key)


def php_view(value: object) -> object:
    """The value loads() must give back after dumps(value)."""
    if isinstance(value, bytes):
        return text_if_utf8(value)
    if isinstance(value, (list, tuple)):
        return [php_view(v) for v in value]
    if isinstance(value, dict):
        items = {php_array_key(k): php_view(v) for k, v in value.items()}
        if list(items) == list(range(len(items))):
            return list(items.values())
        return items
    if isinstance(value, PHPObject):
        props = {php_view(k): php_view(v) for k, v in value.properties.items()}
        return PHPObject(value.class_name, props)
    return value


def unique_wire_keys(mapping: dict, normalise) -> bool:
    identities = [key_identity(normalise(k)) for k in mapping]
    return len(set(identities)) == len(identities)


# --------------------------------------------------------------------------- strategies

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
TRICKY_TEXT = st.sampled_from(
    [
        "",
        "é",
        "Grüße",
        "日本語",
        "👍🏽",
        "👨‍👩‍👧",
        "a\x00b",
        "\x00*\x00p",
        '";}',
        "s:1:",
        "5",
        "-7",
        "05",
    ]
)
TEXT = st.text(max_size=12) | TRICKY_TEXT
BINARY = st.binary(max_size=12) | st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00\x80"])
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, -0.0, 0.1, 1e16, 1e17, 1e-4, 1e-5, 5e-324, 1.7976931348623157e308]
)
CLASS_NAME = st.from_regex(r"\AFx_[A-Za-z0-9_]{0,10}(\\[A-Za-z_][A-Za-z0-9_]{0,6})?\Z")


def scalars(ints: st.SearchStrategy[int]) -> st.SearchStrategy[object]:
    return st.none() | st.booleans() | ints | FLOATS | TEXT | BINARY


def keys(ints: st.SearchStrategy[int]) -> st.SearchStrategy[object]:
    return ints | TEXT | BINARY


def nested(base: st.SearchStrategy[object], ints, objects) -> st.SearchStrategy[object]:
    def extend(children):
        arrays = st.dictionaries(keys(ints), children, max_size=5).filter(
            lambda d: unique_wire_keys(d, php_array_key)
        )
        return st.lists(children, max_size=5) | arrays | objects(children)

    return st.recursive(base, extend, max_leaves=25)


def any_objects(children):
    props = st.dictionaries(st.integers() | TEXT | BINARY, children, max_size=4).filter(
        lambda d: unique_wire_keys(d, lambda k: k)
    )
    return st.builds(PHPObject, st.text(max_size=8), props)


def live_objects(children):
    """Objects PHP can take back as __PHP_Incomplete_Class without changing them."""
    prop_name = st.text(max_size=8).filter(lambda s: not s.startswith("\x00")) | st.builds(
        lambda vis, name: f"\x00{vis}\x00{name}", st.sampled_from(["*", "Fx_Owner"]), TEXT
    )
    props = st.dictionaries(prop_name, children, max_size=4)
    return st.builds(PHPObject, CLASS_NAME, props)


SMALL = nested(scalars(INT64), INT64, lambda c: st.nothing())
SERIALIZED_TEXT = SMALL.map(dumps).map(text_if_utf8)
DOUBLE_SERIALIZED = SERIALIZED_TEXT.map(dumps).map(text_if_utf8)
OPAQUE = (
    st.builds(PHPReference, st.sampled_from("rR"), st.integers(0, 10**6))
    | st.builds(PHPEnum, CLASS_NAME, st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_]{0,8}\Z"))
    | st.builds(PHPCustomObject, st.text(max_size=8), st.binary(max_size=16))
)
BIG_INTS = st.integers() | st.integers(min_value=-(2**200), max_value=2**200)
VALUES = nested(
    scalars(BIG_INTS) | SERIALIZED_TEXT | DOUBLE_SERIALIZED | OPAQUE, BIG_INTS, any_objects
)
LIVE_VALUES = nested(scalars(INT64) | SERIALIZED_TEXT, INT64, live_objects)

# --------------------------------------------------------------------------- round trips


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_loads_dumps_gives_php_view_of_value(value):
    assert same(loads(dumps(value)), php_view(value))


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_dumps_loads_is_byte_exact(value):
    blob = dumps(value)
    assert dumps(loads(blob)) == blob


@given(SMALL)
def test_serialized_string_inside_serialized_string(value):
    inner = dumps(value)
    outer = dumps(dumps(inner))
    assert loads(outer) == text_if_utf8(dumps(inner))
    assert loads(loads(outer)) == text_if_utf8(inner)
    assert same(loads(loads(loads(outer))), php_view(value))


@pytest.mark.parametrize(
    ("value", "blob"),
    [
        (None, b"N;"),
        (True, b"b:1;"),
        (False, b"b:0;"),
        (-42, b"i:-42;"),
        (2**70, b"i:1180591620717411303424;"),
        (0.1, b"d:0.1;"),
        (1.0, b"d:1;"),
        (-0.0, b"d:-0;"),
        (1e25, b"d:1.0E+25;"),
        (1e16, b"d:10000000000000000;"),
        (1e17, b"d:1.0E+17;"),
        (1e-4, b"d:0.0001;"),
        (1e-5, b"d:1.0E-5;"),
        (5e-324, b"d:5.0E-324;"),
        (math.inf, b"d:INF;"),
        (-math.inf, b"d:-INF;"),
        (math.nan, b"d:NAN;"),
        ("é", b's:2:"\xc3\xa9";'),
        ("👍", b's:4:"\xf0\x9f\x91\x8d";'),
        (b"\xff\x00", b's:2:"\xff\x00";'),
        ([], b"a:0:{}"),
        ({}, b"a:0:{}"),
        (("a",), b'a:1:{i:0;s:1:"a";}'),
        (
            {"5": "x", "05": "y", "-0": "z", -1: "w"},
            b'a:4:{i:5;s:1:"x";s:2:"05";s:1:"y";s:2:"-0";s:1:"z";i:-1;s:1:"w";}',
        ),
        ({"9223372036854775808": 1}, b'a:1:{s:19:"9223372036854775808";i:1;}'),
        ({True: 1}, b"a:1:{i:1;i:1;}"),
        (PHPObject("stdClass", {}), b'O:8:"stdClass":0:{}'),
        (PHPObject("A", {"\x00*\x00p": 1}), b'O:1:"A":1:{s:4:"\x00*\x00p";i:1;}'),
        (PHPObject("ArrayObject", {0: 0}), b'O:11:"ArrayObject":1:{i:0;i:0;}'),
        (PHPCustomObject("Foo", b"{x}"), b'C:3:"Foo":3:{{x}}'),
        (PHPEnum("Suit", "Hearts"), b'E:11:"Suit:Hearts";'),
        (PHPReference("r", 2), b"r:2;"),
        (PHPReference("R", 3), b"R:3;"),
    ],
)
def test_dumps_known_values(value, blob):
    assert dumps(value) == blob


@pytest.mark.parametrize(
    ("blob", "expected"),
    [
        ('a:1:{s:1:"0";s:1:"x";}', ["x"]),
        ('a:2:{s:1:"5";i:1;s:2:"05";i:2;}', {5: 1, "05": 2}),
        ("a:2:{i:1;i:1;i:0;i:0;}", {1: 1, 0: 0}),
        ("a:2:{i:0;i:1;i:0;i:2;}", [2]),
        ("i:+5;", 5),
        ("i:007;", 7),
        ("i:99999999999999999999;", 99999999999999999999),
        ("d:1e5;", 100000.0),
        ("d:.5;", 0.5),
        ("d:1.;", 1.0),
        ("d:-0.0;", -0.0),
        ('O:8:"stdClass":1:{i:5;i:1;}', PHPObject("stdClass", {5: 1})),
        ('E:11:"Suit:Hearts";', PHPEnum("Suit", "Hearts")),
        (b's:2:"\xc3\xa9";', "é"),
        ('s:2:"é";', "é"),
    ],
)
def test_loads_normalises_like_php(blob, expected):
    assert same(loads(blob), expected)


def test_loads_keeps_undecodable_class_names_exact():
    blob = b'O:2:"\xff\xfe":0:{}'
    assert dumps(loads(blob)) == blob


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("blob", "offset"),
    [
        (b"", 0),
        (b"i:1", 0),
        (b"i:1;x", 4),
        (b"x:1;", 0),
        (b's:5:"abc";', 10),
        (b's:2:"abc";', 7),
        (b"a:1:{i:0;i:1;", 13),
        (b"a:2:{i:0;i:1;}", 13),
        (b"a:1:{d:1.5;i:1;}", 5),
        (b"a:1:{N;i:1;}", 5),
        (b"b:2;", 0),
        (b"d:1.5e;", 0),
        (b"d:nan;", 0),
        (b'E:4:"Suit";', 0),
        (b'O:3:"Foo":1:{s:1:"a";}', 21),
        (b'O:3:"Foo:1:{}', 8),
        (b'C:3:"Foo":9:{x}', 13),
        (b"N;N;", 2),
        (b"i:" + b"9" * 5000 + b";", 0),
    ],
)
def test_malformed_input_raises_with_offset(blob, offset):
    with pytest.raises(PHPSerialError) as info:
        loads(blob)
    assert info.value.offset == offset
    assert f"offset {offset}" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_nesting_limit():
    ok = b"a:1:{i:0;" * MAX_DEPTH + b"N;" + b"}" * MAX_DEPTH
    assert dumps(loads(ok)) == ok
    deep = b"a:1:{i:0;" * (MAX_DEPTH + 1) + b"N;" + b"}" * (MAX_DEPTH + 1)
    with pytest.raises(PHPSerialError, match="nesting"):
        loads(deep)
    value: list = []
    for _ in range(MAX_DEPTH):
        value = [value]
    with pytest.raises(PHPSerialError, match="nesting"):
        dumps(value)
    assert dumps(value[0]).count(b"{") == MAX_DEPTH


def test_dumps_rejects_cycles_and_bad_types():
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(PHPSerialError):
        dumps(cyclic)
    with pytest.raises(TypeError):
        dumps(object())
    with pytest.raises(TypeError):
        dumps({1.5: 1})
    with pytest.raises(PHPSerialError, match="duplicate"):
        dumps({5: "a", "5": "b"})
    with pytest.raises(PHPSerialError, match="duplicate"):
        dumps(PHPObject("A", {"p": 1, b"p": 2}))
    with pytest.raises(TypeError):
        loads(12)
    with pytest.raises(ValueError):
        PHPReference("x", 1)


# --------------------------------------------------------------------------- WordPress helpers


@pytest.mark.parametrize(
    "data",
    [
        "N;",
        " N;\n",
        "b:0;",
        "b:1;",
        "i:5;",
        "i:-5;",
        "d:1.5;",
        "d:1.0E+25;",
        's:3:"foo";',
        's:5:"foo";',  # shape test only; the length is not checked
        "a:0:{}",
        'a:1:{s:1:"a";i:1;}',
        'O:8:"stdClass":0:{}',
        'E:11:"Suit:Hearts";',
        "\t\r\n\x0b\x00a:0:{} \n",
        b'a:1:{i:0;s:1:"\xff";}',
        "a:0:{}junk}",
    ],
)
def test_is_serialized_true(data):
    assert is_serialized(data) is True


@pytest.mark.parametrize(
    "data",
    [
        None,
        5,
        [],
        {},
        "",
        "N",
        "s:3",
        's!3:"foo";',
        's:3:"foo"',
        's:3:"foo;',
        "a:0:{",
        "x:1;",
        "i:5",
        "i:abc;",
        "b:0;x",
        "d:INF;",  # WordPress's regex has no letters for INF/NAN
        "d:NAN;",
        "r:1;",
        'C:3:"Foo":0:{}',
        "\x0cb:0;",  # PHP trim() does not strip form feed
        "a:x:{}",
        "hello world;",
    ],
)
def test_is_serialized_false(data):
    assert is_serialized(data) is False


@pytest.mark.parametrize(
    ("data", "strict", "expected"),
    [
        ("i:5;trailing", False, True),
        ("i:5;trailing", True, False),
        ('s:3:"foo', False, False),
        ('s:3:"foo;', False, True),
        ("a:0:{}junk", False, True),
        ("a:0:{}junk", True, False),
        ("i;:5", False, False),
        ("i:5}", False, False),
    ],
)
def test_is_serialized_loose_mode(data, strict, expected):
    assert is_serialized(data, strict=strict) is expected


def test_maybe_unserialize():
    text = "just a string"
    assert maybe_unserialize(text) is text
    assert maybe_unserialize(5) == 5
    assert maybe_unserialize("d:INF;") == "d:INF;"
    assert maybe_unserialize(' a:1:{i:0;s:1:"x";} ') == ["x"]
    assert maybe_unserialize(b"i:5;") == 5
    assert maybe_unserialize('s:5:"abc";') is False
    assert maybe_unserialize("b:0;") is False
    assert maybe_unserialize("a:0:{}junk}") == []
    inner = dumps({"k": "é"})
    assert maybe_unserialize(dumps(inner)) == inner.decode()
    assert maybe_unserialize(maybe_unserialize(dumps(inner))) == {"k": "é"}


# --------------------------------------------------------------------------- real PHP fixtures


def load_fixtures() -> list[dict]:
    return json.loads(FIXTURES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fixture", load_fixtures(), ids=lambda f: f["name"])
def test_php_fixture_round_trips_byte_exact(fixture):
    blob = base64.b64decode(fixture["serialized_b64"])
    assert dumps(loads(blob)) == blob


def test_php_fixture_values():
    by_name = {f["name"]: loads(base64.b64decode(f["serialized_b64"])) for f in load_fixtures()}
    assert by_name["string_multibyte"] == "Grüße – 日本語 – Ελληνικά"
    assert by_name["string_binary"] == b"\xff\xfe\x00\x80 not utf-8"
    assert loads(by_name["string_double_serialized"]) == 'a:1:{s:4:"deep";s:2:"é";}'
    assert by_name["array_numeric_string_keys"] == {
        5: "five",
        -3: "neg",
        "05": "zero-five",
        "-0": "neg-zero",
        "1.5": "float-ish",
    }
    assert by_name["array_gap_keys"] == {1: "a", 2: "b"}
    assert list(by_name["wp_widget_text"]) == [2, 3, "_multiwidget"]
    point = by_name["object_visibility"]
    assert point.class_name == "FixturePoint"
    assert list(point.properties) == ["x", "\x00*\x00y", "\x00FixturePoint\x00z", "label"]
    assert by_name["array_object"].properties[1] == {"x": 1, 0: 2, 1: 3}
    assert by_name["custom_serializable"] == PHPCustomObject("FixtureLegacy", b'{"a":1}')
    assert by_name["reference_value"][2:] == [PHPReference("R", 2), PHPReference("R", 2)]
    assert by_name["reference_object"][1] == PHPReference("r", 2)
    if "enum_backed" in by_name:
        assert by_name["enum_backed"] == PHPEnum("FixtureSuit", "Hearts")
    assert same(by_name["float_nan"], math.nan)
    assert same(by_name["float_neg_zero"], -0.0)


# --------------------------------------------------------------------------- live PHP

needs_php = pytest.mark.skipif(
    PHP is None, reason="php CLI not on PATH; cannot cross-check with real unserialize()"
)

# Reads a JSON list of base64 blobs; answers with base64(serialize(unserialize(blob))) or null.
_PHP_RESERIALIZE = r"""
if (PHP_VERSION_ID >= 80100) { eval('enum LiveSuit { case Hearts; case Spades; }'); }
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true, 4, JSON_THROW_ON_ERROR) as $b64) {
    $raw = base64_decode($b64, true);
    $value = @unserialize($raw);
    $out[] = ($value === false && $raw !== 'b:0;') ? null : base64_encode(serialize($value));
}
echo json_encode(['version' => PHP_VERSION_ID, 'out' => $out]);
"""


def php_reserialize(blobs: list[bytes]) -> tuple[int, list[bytes | None]]:
    """Run ONE php process: unserialize() then serialize() every blob."""
    payload = json.dumps([base64.b64encode(b).decode("ascii") for b in blobs]).encode()
    proc = subprocess.run(
        [
            PHP,
            "-d",
            "serialize_precision=-1",
            "-d",
            "display_errors=stderr",
            "-r",
            _PHP_RESERIALIZE,
        ],
        input=payload,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    answer = json.loads(proc.stdout)
    return answer["version"], [None if b is None else base64.b64decode(b) for b in answer["out"]]


@functools.cache
def php_version() -> int:
    return php_reserialize([])[0]


def float_corpus() -> list[float]:
    rng = random.Random(20240229)
    floats = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(800)]
    floats += [rng.uniform(-1e6, 1e6) for _ in range(200)]
    floats += [10.0**e for e in range(-330, 309)] + [-(2.0**e) for e in range(-1074, 1024, 7)]
    floats += [0.1 * i for i in range(100)] + [1 / 3, 2 / 3, 9007199254740993.0, 123456789.125]
    return floats


@needs_php
def test_php_reserializes_our_output_byte_identical():
    values: list[object] = list(float_corpus())
    values += [
        loads(base64.b64decode(f["serialized_b64"]))
        for f in load_fixtures()
        if f["name"].startswith(("string", "array", "wp_", "int", "float", "stdclass"))
    ]
    values += [2**63 - 1, -(2**63), "é" * 50, b"\x00\xff", {"5": 1, "05": 2, "-0": 3}]
    if php_version() >= 80100:
        values += [PHPEnum("LiveSuit", "Hearts"), [PHPEnum("LiveSuit", "Spades"), 1]]
    blobs = [dumps(v) for v in values]
    _, echoed = php_reserialize(blobs)
    mismatches = [(b, e) for b, e in zip(blobs, echoed, strict=True) if b != e]
    assert mismatches == []


@needs_php
def test_php_normalises_lenient_input_the_same_way():
    blobs = [
        b"i:+5;",
        b"i:007;",
        b"d:1e5;",
        b"d:.5;",
        b"d:1.;",
        b"d:-0.0;",
        b"d:1E+25;",
        b"d:0.10000000000000001;",
        b'a:3:{s:1:"5";i:1;s:2:"05";i:2;s:20:"-9223372036854775808";i:3;}',
        b"a:2:{i:0;i:1;i:0;i:2;}",
        b'a:1:{s:1:"0";s:1:"x";}',
    ]
    _, echoed = php_reserialize(blobs)
    assert echoed == [dumps(loads(b)) for b in blobs]


@needs_php
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(LIVE_VALUES, min_size=25, max_size=40))
def test_php_accepts_generated_values(batch):
    blobs = [dumps(v) for v in batch]
    _, echoed = php_reserialize(blobs)
    assert [(b, e) for b, e in zip(blobs, echoed, strict=True) if b != e] == []
