"""The Dutch and French catalogues — the sidecar's (Flask-Babel) and the shim's (WordPress text
domain ``sidecar-shim``): complete, placeholders intact, compiled files up to date, and every
text marked in the source present in them."""

from __future__ import annotations

import importlib.util
import io
import re
import struct
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SIDECAR = ROOT / "sidecar" / "translations"
SHIM = ROOT / "wp-plugin-shim" / "languages"

SIDECAR_CATALOGUES = {
    locale: SIDECAR / locale / "LC_MESSAGES" / "messages.po" for locale in ("nl", "fr")
}
SHIM_CATALOGUES = {locale: SHIM / f"sidecar-shim-{locale}.po" for locale in ("nl_NL", "fr_FR")}
ALL = [
    pytest.param(path, id=f"{kind}-{locale}")
    for kind, catalogues in (("sidecar", SIDECAR_CATALOGUES), ("shim", SHIM_CATALOGUES))
    for locale, path in catalogues.items()
]

# Placeholders: Python's %(name)s, printf's %s / %1$s / %d, str.format's {name}; "%%" is a
# literal percent sign.
_PYTHON = re.compile(r"%\((\w+)\)[sdf]|%(?:\d+\$)?[sd]|\{\w+\}|%%")
_COUNT = {"%(num)d", "%d"}
_TAG = re.compile(r"</?[a-z][^>]*>")


def _placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in _PYTHON.finditer(text))


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _entries(path: Path):
    """(message, [(source text, translation)]) for every entry but the header."""
    for message in _catalogue(path):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            pairs = [
                (singular if index == 0 else plural, text)
                for index, text in enumerate(message.string)
            ]
        else:
            pairs = [(message.id, message.string)]
        yield message, pairs


@pytest.mark.parametrize("path", ALL)
def test_every_entry_is_translated_and_not_fuzzy(path):
    untranslated = [
        message.id
        for message, pairs in _entries(path)
        if "fuzzy" in message.flags or any(not text.strip() for _, text in pairs)
    ]
    assert untranslated == []
    assert not _catalogue(path).obsolete


@pytest.mark.parametrize("path", ALL)
def test_placeholders_match(path):
    wrong = []
    for message, pairs in _entries(path):
        for source, text in pairs:
            expected, found = _placeholders(source), _placeholders(text)
            if isinstance(message.id, tuple):
                # each plural form may write the count as a number or in words ("one")
                expected = sorted(set(_placeholders(message.id[1])) - _COUNT)
                found = sorted(set(found) - _COUNT)
            if found != expected:
                wrong.append((source, text))
    assert wrong == []


@pytest.mark.parametrize("path", ALL)
def test_markup_and_quotes_are_kept(path):
    """Tags stay as they are; no straight double quote appears where the source has none (the
    sidecar renders some texts inside HTML attributes)."""
    wrong = []
    for _, pairs in _entries(path):
        for source, text in pairs:
            if sorted(_TAG.findall(source)) != sorted(_TAG.findall(text)):
                wrong.append((source, text))
            if '"' in text and '"' not in source:
                wrong.append((source, text))
    assert wrong == []


@pytest.mark.parametrize("path", ALL)
def test_compiled_catalogue_equals_a_fresh_compile(path, tmp_path):
    committed = path.with_suffix(".mo")
    assert committed.exists(), f"{committed.name} is missing: run `make translations`"
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue(path))
    fresh.seek(0)
    with committed.open("rb") as handle:
        assert _contents(read_mo(handle)) == _contents(read_mo(fresh))


def _contents(catalogue) -> dict:
    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {(m.context, frozen(m.id)): frozen(m.string) for m in catalogue if m.id}


def test_every_marked_text_of_the_sidecar_is_in_the_catalogues():
    """``make translations`` was run after the last change of a marked text."""
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
        "lazy_gettext": None,
        "lazy_text": None,
        "lazy_pgettext": ((1, "c"), 2),
        "lazy_ngettext": (1, 2),
    }
    method_map = [("sidecar/**.py", "python"), ("sidecar/templates/**.html", "jinja2")]
    marked = {
        (context, message[0] if isinstance(message, tuple | list) else message)
        for _, _, message, _, context in extract_from_dir(str(ROOT), method_map, keywords=keywords)
    }
    for locale, path in SIDECAR_CATALOGUES.items():
        known = {
            (m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in _catalogue(path)
        }
        assert sorted(marked - known, key=str) == [], f"{locale}: run `make translations`"


def test_every_text_of_the_shim_is_in_its_catalogues():
    spec = importlib.util.spec_from_file_location(
        "shim_translations", ROOT / "scripts" / "shim_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    marked = {(m.context, m.id) for m in module.extract() if m.id}
    assert ("Account" in {text for _, text in marked}) and len(marked) > 20
    for locale, path in SHIM_CATALOGUES.items():
        known = {(m.context, m.id) for m in _catalogue(path) if m.id}
        assert sorted(marked - known, key=str) == [], f"{locale}: run `make translations`"


def test_key_words_of_the_account_page():
    """A few texts people look for first, as the issue names them."""
    expected = {
        "nl": {
            "Billing Address": "Factuuradres",
            "Save Changes": "Wijzigingen opslaan",
            "Invoices": "Facturen",
            "Danger Zone": "Gevarenzone",
            "Delete Site": "Site verwijderen",
            "Your membership": "Je lidmaatschap",
        },
        "fr": {
            "Billing Address": "Adresse de facturation",
            "Save Changes": "Enregistrer les modifications",
            "Invoices": "Factures",
            "Danger Zone": "Zone de danger",
            "Delete Site": "Supprimer le site",
            "Your membership": "Votre adhésion",
        },
    }
    for locale, words in expected.items():
        strings = {m.id: m.string for m in _catalogue(SIDECAR_CATALOGUES[locale])}
        assert {source: strings[source] for source in words} == words
    shim = {m.id: m.string for m in _catalogue(SHIM_CATALOGUES["fr_FR"])}
    assert shim["Account"] == "Compte"


@pytest.mark.parametrize("locale", SHIM_CATALOGUES)
def test_the_shims_compiled_catalogues_pass_wordpress_checks(locale):
    """The header checks of WordPress's MO reader (``MO::import_from_reader``): revision 0,
    the originals' index right before the translations' index, which ends where the hash
    table starts."""
    data = (SHIM / f"sidecar-shim-{locale}.mo").read_bytes()
    magic, revision, total, originals, translations, _, hashes = struct.unpack_from("<7I", data)
    assert (magic, revision) == (0x950412DE, 0)
    assert translations - originals == total * 8
    assert hashes - translations == total * 8
