"""The shim's own texts (text domain ``sidecar-shim``): extract them from the PHP files into
``wp-plugin-shim/languages/sidecar-shim.pot``, merge that into the Dutch and French catalogues
(``sidecar-shim-nl_NL.po``, ``sidecar-shim-fr_FR.po``; new texts come in untranslated, changed
ones fuzzy) and compile each ``.po`` into the ``.mo`` WordPress loads (with Babel: no gettext
tools needed). ``make translations`` runs it.

    python scripts/shim_translations.py          # extract, merge, compile
    python scripts/shim_translations.py --check  # exit 1 when a catalogue is out of date
"""

from __future__ import annotations

import io
import re
import struct
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SHIM = ROOT / "wp-plugin-shim"
LANGUAGES = SHIM / "languages"
DOMAIN = "sidecar-shim"
LOCALES = ("nl_NL", "fr_FR")

_STRING = r"'((?:[^'\\]|\\.)*)'"
_SEP = r"\s*,\s*"
_END = _SEP + r"'sidecar-shim'\s*\)"
# __(), esc_html__(), esc_attr__(), _e(), esc_html_e(), esc_attr_e(): ( 'text', 'sidecar-shim' )
_SIMPLE = re.compile(
    r"\b(?:__|_e|esc_html__|esc_attr__|esc_html_e|esc_attr_e)\(\s*" + _STRING + _END
)
# _x() and friends: ( 'text', 'context', 'sidecar-shim' )
_CONTEXT = re.compile(r"\b(?:_x|_ex|esc_html_x|esc_attr_x)\(\s*" + _STRING + _SEP + _STRING + _END)
# _n(): ( 'singular', 'plural', $count, 'sidecar-shim' )
_PLURAL = re.compile(
    r"\b_n\(\s*" + _STRING + _SEP + _STRING + _SEP + r"[^,]+?" + _END,
    re.S,
)


def _php(text: str) -> str:
    """The value of a single-quoted PHP string's body."""
    return re.sub(r"\\([\\'])", r"\1", text)


def _version() -> str:
    """The shim's version, from its plugin header."""
    return re.search(r"^ \* Version:\s*(\S+)", (SHIM / "sidecar-shim.php").read_text(), re.M)[1]


def extract() -> Catalog:
    """Every text of the shim's text domain, from its PHP files (tests excluded)."""
    catalog = Catalog(project="sidecar-shim", version=_version(), copyright_holder="", fuzzy=False)
    for path in sorted(SHIM.rglob("*.php")):
        if "tests" in path.relative_to(SHIM).parts:
            continue
        source = path.read_text(encoding="utf-8")
        for match in _SIMPLE.finditer(source):
            catalog.add(_php(match[1]), flags=_flags(match[1]))
        for match in _CONTEXT.finditer(source):
            catalog.add(_php(match[1]), context=_php(match[2]), flags=_flags(match[1]))
        for match in _PLURAL.finditer(source):
            catalog.add((_php(match[1]), _php(match[2])), flags=_flags(match[1] + match[2]))
    return catalog


def _flags(text: str) -> set[str]:
    return {"php-format"} if re.search(r"%(\d+\$)?[sd]", text) else set()


def merge(template: Catalog, locale: str) -> Catalog:
    """The ``locale`` catalogue brought up to date with ``template``."""
    path = LANGUAGES / f"{DOMAIN}-{locale}.po"
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=DOMAIN)
    else:
        catalog = Catalog(locale=locale, domain=DOMAIN, project="sidecar-shim", fuzzy=False)
    catalog.update(template)
    catalog.obsolete.clear()
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    for message in catalog:
        message.flags.discard("python-format")  # Babel's guess; these are PHP (printf) texts
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=True, ignore_obsolete=True)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    """The compiled catalogue as WordPress reads it. Babel writes no hash table and leaves its
    offset 0; WordPress's MO reader (``wp-includes/pomo/mo.php``) insists that the hash table
    starts right after the translations' index, so the offset is set there (size 0: the
    strings follow at once, as Babel laid them out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    data = bytearray(buffer.getvalue())
    total, _, translations, size = struct.unpack_from("<4I", data, 8)
    assert size == 0, "Babel wrote a hash table"
    struct.pack_into("<I", data, 24, translations + 8 * total)
    return bytes(data)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    template = extract()
    stale = []
    outputs = {LANGUAGES / f"{DOMAIN}.pot": po_bytes(template)}
    for locale in LOCALES:
        path = LANGUAGES / f"{DOMAIN}-{locale}.po"
        po = po_bytes(merge(template, locale))
        if path.exists() and _same(path, po):
            po = path.read_bytes()  # unchanged but for the date: keep it, and compile it
        outputs[path] = po
        outputs[path.with_suffix(".mo")] = mo_bytes(read_po(io.BytesIO(po), locale=locale))
    for path, data in outputs.items():
        if path.exists() and _same(path, data):
            continue
        stale.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in stale:
        print(f"{'out of date' if check else 'wrote'}: {path.relative_to(ROOT)}")
    return 1 if check and stale else 0


def _same(path: Path, data: bytes) -> bool:
    """Equal apart from the creation date Babel stamps into every header."""
    stamp = re.compile(rb'"POT-Creation-Date: [^"]*"\n')
    return stamp.sub(b"", path.read_bytes()) == stamp.sub(b"", data)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
