"""Facts about this Debian machine: its release, and the mirror URIs its apt sources name.

Mirror host names are never written into devnet's files: they are read from the system's own
apt configuration at run time.
"""

import glob
import re
from dataclasses import dataclass
from pathlib import Path

from devnet.errors import DevnetError

CODENAMES = {"12": "bookworm", "13": "trixie"}
DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


@dataclass(frozen=True)
class AptSource:
    """One ``deb`` source: a URI, the suites it serves, and its keyring (or "")."""

    uri: str
    suites: tuple
    signed_by: str


def debian_major() -> str:
    """Return the Debian major release ("12", "13") from /etc/debian_version.

    Raises DevnetError when the file is missing (not Debian).
    """
    try:
        text = Path("/etc/debian_version").read_text().strip()
    except OSError as exc:
        raise DevnetError("/etc/debian_version not found: devnet needs Debian 12 or 13") from exc
    number = re.match(r"^\d+", text)
    return number.group(0) if number else {"bookworm/sid": "12", "trixie/sid": "13"}.get(text, text)


def codename() -> str:
    """Return this machine's Debian codename, e.g. ``bookworm``.

    Uses VERSION_CODENAME from /etc/os-release, else /etc/debian_version.
    Raises DevnetError when neither gives an answer.
    """
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("VERSION_CODENAME=") and line.split("=", 1)[1].strip('"'):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    major = debian_major()
    if major not in CODENAMES:
        raise DevnetError(f"unknown Debian release {major!r}")
    return CODENAMES[major]


def _deb822_stanzas(text: str):
    """Yield dicts of fields (lower-case keys) from deb822 text; continuation lines joined."""
    fields, key = {}, None
    for raw in [*text.splitlines(), ""]:
        if raw.startswith("#"):
            continue
        if not raw.strip():
            if fields:
                yield fields
            fields, key = {}, None
        elif raw[0] in " \t" and key:
            fields[key] += "\n" + raw.strip()
        elif ":" in raw:
            key, value = raw.split(":", 1)
            key = key.strip().lower()
            fields[key] = value.strip()


def _from_deb822(text: str):
    """Yield AptSource entries of type ``deb`` from a .sources file's text."""
    for st in _deb822_stanzas(text):
        if "deb" not in st.get("types", "").split() or st.get("enabled", "yes") == "no":
            continue
        key = st.get("signed-by", "")
        key = key if key.startswith("/") and "\n" not in key else ""
        for uri in st.get("uris", "").split():
            yield AptSource(uri.rstrip("/"), tuple(st.get("suites", "").split()), key)


def _from_one_line(text: str):
    """Yield AptSource entries from one-line ``deb [opts] URI suite comp...`` text."""
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)", line)
        if not match:
            continue
        opts = dict(o.split("=", 1) for o in (match.group(1) or "").split() if "=" in o)
        yield AptSource(match.group(2).rstrip("/"), (match.group(3),), opts.get("signed-by", ""))


def system_sources() -> list:
    """Return every enabled ``deb`` source of the system's apt configuration."""
    found = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        found += list(_from_deb822(Path(path).read_text(errors="replace")))
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if Path(path).is_file():
            found += list(_from_one_line(Path(path).read_text(errors="replace")))
    return found


def _pick(sources: list, wanted: set):
    """Return the first source serving one of the ``wanted`` suites, or None."""
    return next((s for s in sources if wanted & set(s.suites)), None)


def archive_sources() -> tuple:
    """Return (main archive source, security source or None) of this machine.

    The main archive is the source serving this release's codename (or ``stable``); the
    security source serves ``<codename>-security``. Raises DevnetError when no main archive
    is configured.
    """
    sources, name = system_sources(), codename()
    main = _pick(sources, {name}) or _pick(sources, {"stable", "oldstable", "testing"})
    if main is None:
        raise DevnetError(f"no apt source for suite {name!r} in /etc/apt: cannot find the mirror")
    return main, _pick(sources, {f"{name}-security", "stable-security"})
