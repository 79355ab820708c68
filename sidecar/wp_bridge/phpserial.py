"""Read and write PHP's ``serialize()`` format byte for byte.

WordPress stores option, meta and transient values PHP-serialized. This module
parses that format into Python values and writes Python values back so that
``dumps(loads(b)) == b`` for anything PHP itself produced.

Format facts this module relies on (checked against php-cli 8.2):

* ``s:N:"...";`` -- ``N`` counts BYTES, not characters. ``"é"`` is ``s:2:"é";``.
  There is no escaping; the payload may contain ``"``, ``;`` and NUL bytes.
  Payloads that are valid UTF-8 load as ``str``, anything else as ``bytes``.
  ``dumps`` encodes ``str`` as UTF-8 and writes ``bytes`` as they are.
* ``d:`` uses ``serialize_precision = -1`` (PHP >= 7.1): the shortest digit
  string that round-trips, then PHP's own layout. Plain notation is used while
  the decimal exponent ``e`` (value = d.ddd x 10^e) is in ``-4 <= e < 17``,
  with no trailing ``.0`` (``d:1;``, ``d:0.1;``, ``d:0.0001;``,
  ``d:10000000000000000;``); otherwise ``E`` notation with a mandatory
  fraction, an explicit sign and no exponent padding (``d:1.0E+17;``,
  ``d:1.0E-5;``, ``d:1.2345678901234568E+17;``, ``d:5.0E-324;``). Special
  values are ``d:-0;``, ``d:INF;``, ``d:-INF;`` and ``d:NAN;`` (never ``-NAN``).
  A php.ini that still sets ``serialize_precision = 17`` makes PHP write
  ``d:0.10000000000000001;``; ``loads`` reads that, but ``dumps`` writes the
  -1 form, so such bytes do not round-trip exactly.
* ``a:N:{key;value...}`` -- keys are only ``i:`` or ``s:``. PHP turns a string
  key that looks like a canonical decimal integer in the 64-bit range (``"5"``,
  ``"-5"``, but not ``"05"``, ``"-0"``, ``" 5"`` or ``"9223372036854775808"``)
  into an int key. ``loads`` and ``dumps`` both apply that rule to arrays, so
  keys come out as PHP stores them. Arrays whose keys are exactly ``0..n-1`` in
  order load as ``list``, all others as ``dict`` (insertion order kept).
  Duplicate keys in input keep the first position and the last value, as PHP.
* ``O:len:"Class":N:{...}`` loads as :class:`PHPObject`. Property names are
  kept exactly, including the NUL-mangled forms ``"\\0*\\0prop"`` (protected)
  and ``"\\0Class\\0prop"`` (private). Object keys are NOT normalised: classes
  with ``__serialize()`` (e.g. ``ArrayObject``) write ``i:`` keys that must stay
  ints for the bytes to round-trip.
* ``C:len:"Class":N:{payload}`` (``Serializable``) loads as
  :class:`PHPCustomObject` with the raw payload bytes; ``E:len:"Class:Case";``
  (PHP 8.1 enums) as :class:`PHPEnum`.
* ``r:N;`` / ``R:N;`` are back-references to the N-th value (1-based, in
  serialisation order). They are NOT resolved: they load as
  :class:`PHPReference` and are written back unchanged, which keeps the round
  trip exact but means the referenced value is not duplicated into place.
* ``i:`` accepts any size on load (PHP itself clamps beyond 64 bits); ``dumps``
  writes any Python int, but PHP only accepts the signed 64-bit range.

Nesting deeper than :data:`MAX_DEPTH` arrays/objects is rejected both ways.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "MAX_DEPTH",
    "PHPCustomObject",
    "PHPEnum",
    "PHPObject",
    "PHPReference",
    "PHPSerialError",
    "dumps",
    "is_serialized",
    "loads",
    "maybe_unserialize",
]

MAX_DEPTH = 512
"""Deepest allowed nesting of arrays/objects (a top-level array is depth 1)."""

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_PHP_TRIM = b" \t\n\r\0\x0b"

# Headers, matched at the cursor. Each one consumes the tag and the fixed
# punctuation so the caller can go straight on to the payload.
_NULL = re.compile(rb"N;")
_BOOL = re.compile(rb"b:([01]);")
_INT = re.compile(rb"i:([+-]?[0-9]+);")
_FLOAT = re.compile(rb"d:(NAN|-?INF|[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?);")
_STR = re.compile(rb's:([0-9]+):"')
_REF = re.compile(rb"([rR]):([0-9]+);")
_ARRAY = re.compile(rb"a:([0-9]+):\{")
_NAMED = re.compile(rb'([OCE]):([0-9]+):"')
_COUNT = re.compile(rb'":([0-9]+):\{')
_NUMERIC_KEY = re.compile(r"-?[1-9][0-9]*|0", re.ASCII)


class PHPSerialError(ValueError):
    """Malformed serialized data, or a value that cannot be serialized.

    ``offset`` is the byte position of the problem (``None`` when writing).
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        self.offset = offset
        super().__init__(message if offset is None else f"{message} at offset {offset}")


@dataclass
class PHPObject:
    """A PHP object: ``O:len:"class_name":N:{properties}``.

    ``properties`` maps property names (exact, NUL-mangled for
    private/protected) to values, in serialized order.
    """

    class_name: str
    properties: dict[object, object] = field(default_factory=dict)


@dataclass(frozen=True)
class PHPCustomObject:
    """A ``Serializable`` object: ``C:len:"class_name":N:{payload}``; payload kept raw."""

    class_name: str
    payload: bytes


@dataclass(frozen=True)
class PHPEnum:
    """A PHP 8.1 enum case: ``E:len:"class_name:case";``."""

    class_name: str
    case: str


@dataclass(frozen=True)
class PHPReference:
    """An unresolved back-reference: ``r:N;`` (object) or ``R:N;`` (PHP reference).

    ``index`` is PHP's 1-based slot number; it is kept as-is, not resolved.
    """

    kind: str
    index: int

    def __post_init__(self) -> None:
        if self.kind not in ("r", "R"):
            raise ValueError(f"PHPReference kind must be 'r' or 'R', not {self.kind!r}")


# --------------------------------------------------------------------------- loading


def _to_text(raw: bytes) -> str | bytes:
    """Decode ``raw`` as UTF-8 when it is valid, else hand the bytes back."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _decode_name(raw: bytes) -> str:
    """Class names are text; undecodable bytes survive via surrogateescape."""
    return raw.decode("utf-8", "surrogateescape")


def _encode_name(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _array_key(key: int | str | bytes) -> int | str | bytes:
    """Apply PHP's numeric-string-to-int key rule (``"5"`` -> 5, ``"05"`` stays)."""
    if isinstance(key, bytes):
        if not key.isascii():
            return key
        text = key.decode("ascii")
    elif isinstance(key, str):
        text = key
    else:
        return key
    if _NUMERIC_KEY.fullmatch(text) and len(text) <= 20:
        number = int(text)
        if _INT64_MIN <= number <= _INT64_MAX:
            return number
    return key


def _array_value(items: dict[object, object]) -> list[object] | dict[object, object]:
    """Return a list when the keys are exactly 0..n-1 in order, else the dict."""
    for expected, key in enumerate(items):
        if type(key) is not int or key != expected:
            return items
    return list(items.values())


class _Parser:
    """Recursive-descent parser over a bytes buffer with a moving cursor."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.pos = 0

    def error(self, message: str, offset: int | None = None) -> PHPSerialError:
        return PHPSerialError(message, self.pos if offset is None else offset)

    def match(self, pattern: re.Pattern[bytes], what: str) -> re.Match[bytes]:
        found = pattern.match(self.buf, self.pos)
        if found is None:
            raise self.error(f"malformed {what}")
        self.pos = found.end()
        return found

    def take(self, size: int, what: str) -> bytes:
        end = self.pos + size
        if end > len(self.buf):
            raise self.error(f"{what} of {size} bytes runs past the end of data")
        chunk = self.buf[self.pos : end]
        self.pos = end
        return chunk

    def expect(self, token: bytes, what: str) -> None:
        if not self.buf.startswith(token, self.pos):
            raise self.error(f"expected {token.decode()!r} after {what} (wrong length?)")
        self.pos += len(token)

    def tag(self) -> int:
        if self.pos >= len(self.buf):
            raise self.error("unexpected end of data")
        return self.buf[self.pos]

    def value(self, depth: int) -> object:
        """Parse one value. Containers are read inline: one stack frame per level."""
        tag = self.tag()
        if tag != 0x61 and tag != 0x4F:  # not 'a' / 'O'
            reader = _SCALAR_READERS.get(tag)
            if reader is None:
                raise self.error(f"unknown type {chr(tag)!r}")
            return reader(self)
        if depth >= MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH}")
        count, build, is_array = self.container_head(tag)
        items: dict[object, object] = {}
        for _ in range(count):
            key = self.key()
            items[_array_key(key) if is_array else key] = self.value(depth + 1)
        self.expect(b"}", "container items")
        return build(items)

    def container_head(self, tag: int) -> tuple[int, Callable[[dict], object], bool]:
        """Read ``a:N:{`` or ``O:len:"Name":N:{``; return count, builder, is-array."""
        if tag == 0x61:
            return int(self.match(_ARRAY, "array header")[1]), _array_value, True
        name = self.named("object")
        count = int(self.match(_COUNT, "object header")[1])
        return count, lambda props: PHPObject(name, props), False

    def named(self, what: str) -> str:
        """Read ``X:len:"Name`` (the name part of O:, C: and E:)."""
        size = int(self.match(_NAMED, f"{what} header")[2])
        return _decode_name(self.take(size, f"{what} name"))

    def key(self) -> int | str | bytes:
        tag = self.tag()
        if tag == 0x69:  # 'i'
            return self.integer()
        if tag == 0x73:  # 's'
            return self.string()
        raise self.error(f"array/object key must be i: or s:, not {chr(tag)!r}")

    def null(self) -> None:
        self.match(_NULL, "null")

    def boolean(self) -> bool:
        return self.match(_BOOL, "bool")[1] == b"1"

    def integer(self) -> int:
        start = self.pos
        digits = self.match(_INT, "int")[1]
        try:
            return int(digits)
        except ValueError as exc:  # beyond sys.get_int_max_str_digits()
            raise self.error("int too long to convert", start) from exc

    def double(self) -> float:
        return float(self.match(_FLOAT, "float")[1])

    def string(self) -> str | bytes:
        size = int(self.match(_STR, "string header")[1])
        raw = self.take(size, "string")
        self.expect(b'";', "string")
        return _to_text(raw)

    def reference(self) -> PHPReference:
        found = self.match(_REF, "reference")
        return PHPReference(found[1].decode(), int(found[2]))

    def custom(self) -> PHPCustomObject:
        name = self.named("custom object")
        size = int(self.match(_COUNT, "custom object header")[1])
        payload = self.take(size, "custom object payload")
        self.expect(b"}", "custom object payload")
        return PHPCustomObject(name, payload)

    def enum(self) -> PHPEnum:
        start = self.pos
        text = self.named("enum")
        self.expect(b'";', "enum")
        class_name, colon, case = text.partition(":")
        if not colon or not class_name or not case:
            raise self.error("enum value is not 'Class:Case'", start)
        return PHPEnum(class_name, case)


_SCALAR_READERS: dict[int, Callable[[_Parser], object]] = {
    ord("N"): _Parser.null,
    ord("b"): _Parser.boolean,
    ord("i"): _Parser.integer,
    ord("d"): _Parser.double,
    ord("s"): _Parser.string,
    ord("r"): _Parser.reference,
    ord("R"): _Parser.reference,
    ord("C"): _Parser.custom,
    ord("E"): _Parser.enum,
}


def _as_bytes(data: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes or str, not {type(data).__name__}")


def _parse(data: bytes, allow_trailing: bool) -> object:
    parser = _Parser(data)
    result = parser.value(0)
    if not allow_trailing and parser.pos != len(data):
        raise parser.error("trailing data after the value")
    return result


def loads(data: bytes | bytearray | str) -> object:
    """Parse one PHP-serialized value.

    ``str`` input is encoded as UTF-8 first, since lengths count bytes. See the
    module docstring for the type mapping.

    Raises:
        PHPSerialError: truncated data, a length that does not match, trailing
            data, an unknown type tag, or nesting deeper than ``MAX_DEPTH``.
        TypeError: ``data`` is not bytes-like or str.
    """
    return _parse(_as_bytes(data), allow_trailing=False)


# --------------------------------------------------------------------------- dumping


def _shortest_digits(number: float) -> tuple[str, int]:
    """Shortest round-trip digits of positive finite ``number`` and its decimal point.

    Returns ``(digits, decpt)`` with ``number == 0.digits * 10**decpt`` and no
    leading/trailing zeros in ``digits``. ``repr`` gives the same shortest digits
    as PHP's ``zend_dtoa`` mode 0 (both are Gay's algorithm).
    """
    mantissa, _, exponent = repr(number).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    decpt = len(whole) + int(exponent or 0)
    stripped = digits.lstrip("0")
    decpt -= len(digits) - len(stripped)
    return stripped.rstrip("0"), decpt


def _format_float(number: float) -> str:
    """Format ``number`` exactly as PHP's ``serialize()`` does (precision -1)."""
    if math.isnan(number):
        return "NAN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    sign = "-" if math.copysign(1.0, number) < 0 else ""
    if number == 0:
        return sign + "0"
    digits, decpt = _shortest_digits(abs(number))
    if decpt < -3 or decpt > 17:
        exponent = decpt - 1
        exp_sign = "+" if exponent >= 0 else "-"
        return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exp_sign}{abs(exponent)}"
    if decpt <= 0:
        return f"{sign}0.{'0' * -decpt}{digits}"
    if len(digits) <= decpt:
        return sign + digits + "0" * (decpt - len(digits))
    return f"{sign}{digits[:decpt]}.{digits[decpt:]}"


def _string_bytes(raw: bytes) -> bytes:
    return b's:%d:"%s";' % (len(raw), raw)


def _named_bytes(tag: bytes, name: bytes) -> bytes:
    return b'%s:%d:"%s' % (tag, len(name), name)


def _scalar_bytes(value: object) -> bytes | None:
    """Serialize a non-container value; ``None`` means "not a scalar"."""
    if value is None:
        return b"N;"
    if isinstance(value, bool):
        return b"b:1;" if value else b"b:0;"
    if isinstance(value, int):
        return b"i:%d;" % value
    if isinstance(value, float):
        return b"d:%s;" % _format_float(value).encode("ascii")
    if isinstance(value, str):
        return _string_bytes(value.encode("utf-8"))
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _string_bytes(bytes(value))
    return _special_bytes(value)


def _special_bytes(value: object) -> bytes | None:
    """Serialize the opaque PHP types (references, enums, custom objects)."""
    if isinstance(value, PHPReference):
        return b"%s:%d;" % (value.kind.encode("ascii"), value.index)
    if isinstance(value, PHPEnum):
        return _named_bytes(b"E", _encode_name(f"{value.class_name}:{value.case}")) + b'";'
    if isinstance(value, PHPCustomObject):
        payload = bytes(value.payload)
        head = _named_bytes(b"C", _encode_name(value.class_name))
        return b'%s":%d:{%s}' % (head, len(payload), payload)
    return None


def _key_bytes(key: object) -> bytes:
    """Serialize an array/object key; only int (bool counts) and str/bytes are keys."""
    if isinstance(key, int):
        return b"i:%d;" % key
    if isinstance(key, str):
        return _string_bytes(key.encode("utf-8"))
    if isinstance(key, bytes):
        return _string_bytes(key)
    raise TypeError(f"PHP array keys must be int or str, not {type(key).__name__}")


def _pairs(keys: list[bytes], values: Iterable[object]) -> tuple[int, Iterator]:
    if len(set(keys)) != len(keys):
        raise PHPSerialError("duplicate key once PHP key rules are applied (e.g. 5 and '5')")
    return len(keys), zip(keys, values, strict=True)


def _container(value: object) -> tuple[bytes, Iterator[tuple[bytes, object]]]:
    """Return the header and (key bytes, item) pairs of a list/dict/PHPObject."""
    if isinstance(value, (list, tuple)):
        return b"a:%d:{" % len(value), ((b"i:%d;" % i, item) for i, item in enumerate(value))
    if isinstance(value, dict):
        keys = [_key_bytes(_array_key(key)) for key in value]
        count, pairs = _pairs(keys, value.values())
        return b"a:%d:{" % count, pairs
    if isinstance(value, PHPObject):
        keys = [_key_bytes(key) for key in value.properties]
        count, pairs = _pairs(keys, value.properties.values())
        return _named_bytes(b"O", _encode_name(value.class_name)) + b'":%d:{' % count, pairs
    raise TypeError(f"cannot PHP-serialize {type(value).__name__}")


def _write(value: object, out: list[bytes], depth: int) -> None:
    """Append the serialization of ``value``; one stack frame per nesting level."""
    scalar = _scalar_bytes(value)
    if scalar is not None:
        out.append(scalar)
        return
    if depth >= MAX_DEPTH and isinstance(value, (list, tuple, dict, PHPObject)):
        raise PHPSerialError(f"nesting deeper than {MAX_DEPTH} (or a cycle)")
    head, pairs = _container(value)
    out.append(head)
    for key, item in pairs:
        out.append(key)
        _write(item, out, depth + 1)
    out.append(b"}")


def dumps(value: object) -> bytes:
    """Serialize ``value`` exactly as PHP's ``serialize()`` would.

    Accepts None, bool, int, float, str, bytes, list/tuple, dict and the PHP*
    classes of this module. Dict keys are normalised like PHP array keys
    (``"5"`` is written as ``i:5;``).

    Raises:
        TypeError: a value or key of an unsupported type.
        PHPSerialError: two keys that collide after normalisation, or nesting
            deeper than ``MAX_DEPTH`` (which includes self-containing lists).
    """
    out: list[bytes] = []
    _write(value, out, 0)
    return b"".join(out)


# --------------------------------------------------------------------------- WordPress helpers


def _wp_trim(data: object) -> bytes | None:
    """PHP ``trim()`` of a str/bytes value as bytes, or None for other types."""
    if isinstance(data, str):
        return data.encode("utf-8").strip(_PHP_TRIM)
    if isinstance(data, (bytes, bytearray)):
        return bytes(data).strip(_PHP_TRIM)
    return None


_WP_LENGTH_PREFIX = re.compile(rb"[saOE]:[0-9]+:")
_WP_SCALAR = re.compile(rb"[bid]:[0-9.E+-]+;")


def _wp_loose_ending(data: bytes) -> bool:
    """Non-strict check: a ``;`` or ``}`` exists, but not too early."""
    semicolon, brace = data.find(b";"), data.find(b"}")
    if semicolon == -1 and brace == -1:
        return False
    return not (0 <= semicolon < 3 or 0 <= brace < 4)


def is_serialized(data: object, strict: bool = True) -> bool:
    """Tell whether ``data`` looks PHP-serialized, exactly like WordPress's ``is_serialized()``.

    This is WordPress's cheap shape test, not a full parse: ``'s:5:"abc";'``
    passes. Non-string input gives False; ``str`` is checked as UTF-8 bytes.
    With ``strict`` (the default) the trimmed data must end in ``;`` or ``}``.
    Never raises.
    """
    trimmed = _wp_trim(data)
    if trimmed is None:
        return False
    if trimmed == b"N;":
        return True
    if len(trimmed) < 4 or trimmed[1:2] != b":":
        return False
    if strict and trimmed[-1:] not in (b";", b"}"):
        return False
    if not strict and not _wp_loose_ending(trimmed):
        return False
    token = trimmed[:1]
    if token == b"s" and (trimmed[-2:-1] != b'"' if strict else b'"' not in trimmed):
        return False
    if token in (b"s", b"a", b"O", b"E"):
        return _WP_LENGTH_PREFIX.match(trimmed) is not None
    if token in (b"b", b"i", b"d"):
        found = _WP_SCALAR.match(trimmed)
        return found is not None and (not strict or found.end() == len(trimmed))
    return False


def maybe_unserialize(data: object) -> object:
    """Unserialize ``data`` if it looks serialized, like WordPress's ``maybe_unserialize()``.

    Returns ``data`` unchanged when :func:`is_serialized` says no. Otherwise
    parses the trimmed data; like PHP's ``@unserialize()`` it ignores bytes after
    the first complete value and returns ``False`` when parsing fails. Only one
    level is undone: a serialized string inside comes back as that string.
    Never raises.
    """
    if not is_serialized(data):
        return data
    trimmed = _wp_trim(data)
    assert trimmed is not None
    try:
        return _parse(trimmed, allow_trailing=True)
    except PHPSerialError:
        return False
