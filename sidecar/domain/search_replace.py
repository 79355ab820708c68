"""Byte-exact search and replace of a site's URLs, upload paths and table prefix.

A ``Pair`` replaces ``search`` by ``replace``; with ``boundary`` it only matches when the next
byte cannot continue a host name or path segment (``//host/shop`` must not touch
``//host/shop2``). ``plan_pairs`` builds every pair a template switch needs: each URL in three
forms (plain, JSON-escaped ``\\/\\/host\\/path`` and URL-encoded ``%2F%2Fhost%2Fpath``), the
uploads folder ``wp-content/uploads/sites/T/`` (same three forms) and, for name columns only
(``option_name``, ``meta_key``), the table prefix ``wp_T_``.

Plain values are rewritten in SQL (``wp_bridge/site_copy.py`` turns the pairs into ``REPLACE``
/ ``REGEXP_REPLACE``). PHP-serialized values go through ``rewrite_serialized``: it walks the
serialized bytes, copies every token that holds no string verbatim, rewrites string payloads
and writes their ``s:N`` lengths again in bytes; a string that is itself serialized is
rewritten recursively. Nothing else is re-encoded, so floats, references and objects keep
their exact bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import quote

from ..wp_bridge.phpserial import PHPSerialError
from ..wp_bridge.site_copy import BOUNDARY_CLASS


@dataclass(frozen=True)
class Pair:
    """Replace ``search`` with ``replace`` (text); ``boundary``: see the module docstring."""

    search: str
    replace: str
    boundary: bool = False


class ReplacePlanError(ValueError):
    """The pairs would rewrite their own output (a replacement contains a search string)."""


def url_core(url: str) -> str:
    """``https://host/path/`` → ``//host/path`` (scheme and trailing slash dropped)."""
    rest = url.split("//", 1)[1] if "//" in url else url
    return "//" + rest.rstrip("/")


def encoded_forms(text: str) -> tuple[str, str, str]:
    """The plain, JSON-escaped (``\\/``) and URL-encoded (``%2F``) forms of ``text``."""
    return text, text.replace("/", "\\/"), quote(text, safe="")


def plan_pairs(
    *,
    template_urls: Iterable[str],
    target_url: str,
    template_id: int,
    target_id: int,
    uploads_dir: str = "",
) -> list[Pair]:
    """Every content pair of a switch from template ``template_id`` to ``target_id``.

    ``template_urls``: the template's URLs (``home``, ``siteurl``, ``http://domain/path``);
    ``http:``/``https:`` forms become ``target_url`` with its scheme, scheme-relative ones
    (``//host/path``) its core. Pairs come longest search first (the SQL applies them in
    order). Raises ReplacePlanError when a replacement would contain a search string.
    """
    target = url_core(target_url)
    scheme = "https:" if target_url.startswith("https:") else "http:"
    pairs: list[Pair] = []
    for core in dict.fromkeys(url_core(url) for url in template_urls if url):
        if core != target:
            for prefix in ("http:", "https:"):
                pairs.extend(_forms(prefix + core, scheme + target, boundary=True))
            pairs.extend(_forms(core, target, boundary=True))
    uploads = "wp-content/uploads/sites/%d/"
    pairs.extend(_forms(uploads % template_id, uploads % target_id, boundary=False))
    if uploads_dir and "wp-content/uploads" not in uploads_dir:
        folder = uploads_dir.rstrip("/") + "/sites/%d/"
        pairs.extend(_forms(folder % template_id, folder % target_id, boundary=False))
    pairs = sorted(dict.fromkeys(pairs), key=lambda p: -len(p.search.encode()))
    check_pairs(pairs)
    return pairs


def prefix_pair(base_prefix: str, template_id: int, target_id: int) -> Pair:
    """The table-prefix pair for name columns: ``wp_T_`` → ``wp_N_``."""
    return Pair(f"{base_prefix}{template_id}_", f"{base_prefix}{target_id}_")


def _forms(search: str, replace: str, *, boundary: bool) -> list[Pair]:
    found = dict.fromkeys(zip(encoded_forms(search), encoded_forms(replace), strict=True))
    return [Pair(s, r, boundary) for s, r in found]


def check_pairs(pairs: list[Pair]) -> None:
    """Raise ReplacePlanError when a replacement contains any search string (the SQL applies
    pairs one after another, so output must never match again)."""
    for pair in pairs:
        for other in pairs:
            if other.search in pair.replace:
                raise ReplacePlanError(
                    f"replacement {pair.replace!r} contains search {other.search!r}"
                )


_STARTS = (b"a:", b"s:", b"O:", b"C:")
_SERIAL_HEAD = re.compile(rb"[ \t\n\r\0\x0b]*(?:[aOC]:[0-9]+:[{\"]|s:[0-9]+:\")")


class Replacer:
    """Applies pairs in one left-to-right pass over bytes (longest search first on ties)."""

    def __init__(self, pairs: Iterable[Pair]):
        ordered = sorted(pairs, key=lambda p: -len(p.search.encode()))
        self._map = {p.search.encode(): p.replace.encode() for p in ordered}
        self.searches = [p.search for p in ordered]
        alternatives = [_pattern(p) for p in ordered]
        self._regex = re.compile(b"|".join(alternatives)) if alternatives else None

    def text(self, data: bytes) -> bytes:
        """Replace in plain bytes (no serialization awareness)."""
        if self._regex is None:
            return data
        return self._regex.sub(self._swap, data)

    def contains(self, data: bytes) -> bool:
        """True when any search string matches ``data``."""
        return self._regex is not None and self._regex.search(data) is not None

    def value(self, data: bytes) -> bytes:
        """Rewrite one stored value: serialized-aware when it parses, else plain."""
        if not self.contains(data):
            return data
        if data[:2] not in _STARTS and data[:1] not in _WHITESPACE:
            return self.text(data)
        if _SERIAL_HEAD.match(data) and data.rstrip(_WHITESPACE)[-1:] in (b";", b"}"):
            try:
                return rewrite_serialized(data, self.value)
            except PHPSerialError:
                pass
        return self.text(data)

    def _swap(self, found: re.Match[bytes]) -> bytes:
        return self._map[found.group(0)]


def _pattern(pair: Pair) -> bytes:
    escaped = re.escape(pair.search.encode())
    if not pair.boundary:
        return escaped
    return escaped + b"(?![" + BOUNDARY_CLASS.encode() + b"])"


# --------------------------------------------------------------------------- serialized walk

_STR = re.compile(rb's:([0-9]+):"')
_ARRAY = re.compile(rb"a:([0-9]+):\{")
_NAMED = re.compile(rb'([OC]):([0-9]+):"')
_COUNT = re.compile(rb'":([0-9]+):\{')
_SCALAR = re.compile(
    rb"N;|b:[01];|i:[+-]?[0-9]+;|d:[^;]{1,64};|[rR]:[0-9]+;|E:([0-9]+):\"",
)
_WHITESPACE = b" \t\n\r\0\x0b"


def rewrite_serialized(data: bytes, payload: Callable[[bytes], bytes]) -> bytes:
    """Return ``data`` with every string payload passed through ``payload`` and its ``s:N``
    (and ``C:`` payload size) recomputed in bytes; other tokens are copied verbatim.

    Leading/trailing whitespace around the value is kept. Raises PHPSerialError when ``data``
    is not one complete serialized value.
    """
    body = data.strip(_WHITESPACE)
    lead = data[: len(data) - len(data.lstrip(_WHITESPACE))]
    tail = data[len(lead) + len(body) :]
    if _CUSTOM.search(body) is None:
        fast = _strings_only(body, payload)
        if fast is not None:
            return lead + fast + tail
    walker = _Walker(body, payload)
    walker.value(0)
    if walker.pos != len(body):
        raise PHPSerialError("trailing data after the value", walker.pos)
    return lead + b"".join(walker.out) + tail


_CUSTOM = re.compile(rb'C:[0-9]+:"')
_STRING_HEAD = re.compile(rb's:([0-9]+):"')
_GAP = re.compile(rb'[A-Za-z0-9_\\:;{}".+-]*')
"""What may stand between two strings of a serialized value (headers, numbers, names)."""


def _strings_only(body: bytes, payload: Callable[[bytes], bytes]) -> bytes | None:
    """The fast path for values without ``C:`` payloads: jump from string to string (the
    bytes between strings are headers, ints, floats, ``}``: no string can hide there), copy
    those bytes, rewrite each payload. Returns None when the shape is not plain (then the
    full walk decides)."""
    out, pos = [], 0
    search = _STRING_HEAD.search
    while True:
        head = search(body, pos)
        if head is None:
            rest = body[pos:]
            if _GAP.fullmatch(rest) is None:
                return None
            out.append(rest)
            break
        start = head.end()
        end = start + int(head[1])
        if body[end : end + 2] != b'";':
            return None
        gap = body[pos : head.start()]
        if gap and _GAP.fullmatch(gap) is None:
            return None
        out.append(gap)
        new = payload(body[start:end])
        out.append(b's:%d:"%s";' % (len(new), new))
        pos = end + 2
    if not body.endswith((b";", b"}")):
        return None
    return b"".join(out)


class _Walker:
    __slots__ = ("buf", "out", "payload", "pos")

    def __init__(self, buf: bytes, payload: Callable[[bytes], bytes]):
        self.buf = buf
        self.pos = 0
        self.out: list[bytes] = []
        self.payload = payload

    def match(self, pattern: re.Pattern[bytes], what: str) -> re.Match[bytes]:
        found = pattern.match(self.buf, self.pos)
        if found is None:
            raise PHPSerialError(f"malformed {what}", self.pos)
        self.pos = found.end()
        return found

    def take(self, size: int, closing: bytes) -> bytes:
        end = self.pos + size
        if end > len(self.buf) or not self.buf.startswith(closing, end):
            raise PHPSerialError("length does not match the data", self.pos)
        chunk = self.buf[self.pos : end]
        self.pos = end + len(closing)
        return chunk

    def value(self, depth: int) -> None:
        if depth > 512:
            raise PHPSerialError("nesting too deep", self.pos)
        tag = self.buf[self.pos : self.pos + 1]
        if tag == b"s":
            size = int(self.match(_STR, "string")[1])
            new = self.payload(self.take(size, b'";'))
            self.out.append(b's:%d:"%s";' % (len(new), new))
        elif tag == b"a":
            head = self.match(_ARRAY, "array")
            self.out.append(head[0])
            self.items(int(head[1]), depth)
        elif tag in (b"O", b"C"):
            self.named(tag, depth)
        else:
            self.scalar()

    def items(self, count: int, depth: int) -> None:
        for _ in range(count * 2):
            self.value(depth + 1)
        if not self.buf.startswith(b"}", self.pos):
            raise PHPSerialError("expected '}'", self.pos)
        self.pos += 1
        self.out.append(b"}")

    def named(self, tag: bytes, depth: int) -> None:
        start = self.pos
        size = int(self.match(_NAMED, "object")[2])
        self.pos += size
        count = int(self.match(_COUNT, "object header")[1])
        if tag == b"O":
            self.out.append(self.buf[start : self.pos])
            self.items(count, depth)
            return
        head = self.buf[start : self.pos].rsplit(b":", 2)[0]
        new = self.payload(self.take(count, b"}"))
        self.out.append(b"%s:%d:{%s}" % (head, len(new), new))

    def scalar(self) -> None:
        found = self.match(_SCALAR, "value")
        if found[1] is not None:  # enum E:len:"Class:Case";
            self.take(int(found[1]), b'";')
        self.out.append(self.buf[found.start() : self.pos])
