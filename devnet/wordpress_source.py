"""A pristine WordPress tree of a wanted version (6.1 or 6.8), from Debian packages.

Debian 12 ships WordPress 6.1.x, Debian 13 ships 6.8.x. When the installed ``wordpress``
package has the wanted major.minor its tree (``/usr/share/wordpress``) is used as it is.
Otherwise the other suite's ``wordpress`` package - plus the library and theme packages its
tree links into - is downloaded with a private apt configuration, unpacked, and copied with
every link resolved into ``.cache/wordpress/<major.minor>/wordpress/``.
"""

import fcntl
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from devnet import aptsuite, fstree
from devnet.errors import DevnetError
from devnet.log import say
from devnet.paths import CACHE_DIR

SUITE_FOR_VERSION = {"6.1": "bookworm", "6.8": "trixie"}
SYSTEM_TREE = Path("/usr/share/wordpress")
# Always fetched with the other suite's tree so every version offers the same theme.
COMMON_THEME = "wordpress-theme-twentytwentythree"


def major_minor(version: str) -> str:
    """Return "6.1" for "6.1", "6.1.9" or "6.1.9+dfsg1-0+deb12u1"; raise DevnetError if odd."""
    match = re.match(r"^(\d+)\.(\d+)", version)
    if not match:
        raise DevnetError(f"not a WordPress version: {version!r}")
    return f"{match.group(1)}.{match.group(2)}"


def tree_version(tree: Path) -> str:
    """Return ``$wp_version`` from ``tree``/wp-includes/version.php; raise DevnetError if absent."""
    try:
        text = (tree / "wp-includes" / "version.php").read_text()
    except OSError as exc:
        raise DevnetError(f"no WordPress in {tree}") from exc
    match = re.search(r"^\$wp_version\s*=\s*'([^']+)'", text, re.M)
    if not match:
        raise DevnetError(f"no $wp_version in {tree}/wp-includes/version.php")
    return match.group(1)


def system_version():
    """Return the installed ``wordpress`` package's version, or None when not installed."""
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Abbrev} ${Version}", "wordpress"],
        capture_output=True,
        text=True,
    )
    status, _, version = proc.stdout.partition(" ")
    return version.strip() if proc.returncode == 0 and status.startswith("ii") else None


def cache_dir(wanted: str) -> Path:
    """Return ``.cache/wordpress/<major.minor>/`` (not created)."""
    return CACHE_DIR / "wordpress" / wanted


def _checked(tree: Path, wanted: str) -> Path:
    """Return ``tree`` if its version.php says ``wanted`` major.minor; raise DevnetError if not."""
    found = tree_version(tree)
    if major_minor(found) != wanted:
        raise DevnetError(f"{tree} holds WordPress {found}, not {wanted}")
    return tree


def ensure_tree(version: str) -> Path:
    """Return the path of a pristine WordPress tree of ``version`` (major.minor counts).

    Uses the system package when it matches, else the cache, else fetches into the cache.
    Raises DevnetError for unknown versions or when fetching fails.
    """
    wanted = major_minor(version)
    if wanted not in SUITE_FOR_VERSION:
        raise DevnetError(
            f"WordPress {wanted} is not offered; choose one of {sorted(SUITE_FOR_VERSION)}"
        )
    installed = system_version()
    if installed and major_minor(installed) == wanted and SYSTEM_TREE.is_dir():
        return _checked(SYSTEM_TREE, wanted)
    with _lock(wanted):
        tree = cache_dir(wanted) / "wordpress"
        if not (cache_dir(wanted) / "COMPLETE").exists():
            _fetch(wanted)
        return _checked(tree, wanted)


@contextmanager
def _lock(wanted: str):
    """Hold an exclusive file lock so two devnet runs never fill one cache at once."""
    path = CACHE_DIR / "wordpress" / f"{wanted}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _names(field: str) -> list:
    """Return package names of a Depends-like field that have no alternatives."""
    names = []
    for item in filter(None, (i.strip() for i in field.split(","))):
        if "|" not in item:
            names.append(item.split()[0].split(":")[0])
    return names


def companions(wordpress_deb: Path) -> list:
    """Return the packages whose files a ``wordpress`` .deb links into, plus its themes.

    That is its ``libjs-*`` and ``php-getid3`` dependencies, its recommended
    ``wordpress-theme-*`` and twentytwentythree.
    """
    libs = [
        n
        for n in _names(aptsuite.deb_field(wordpress_deb, "Depends"))
        if n.startswith("libjs-") or n == "php-getid3"
    ]
    themes = [
        n
        for n in _names(aptsuite.deb_field(wordpress_deb, "Recommends"))
        if n.startswith("wordpress-theme-")
    ]
    return list(dict.fromkeys(libs + themes + [COMMON_THEME]))


def _fetch(wanted: str) -> None:
    """Download, unpack and resolve the other suite's WordPress into the cache.

    Raises DevnetError when apt fails or the result is not WordPress ``wanted``.
    """
    suite, work = SUITE_FOR_VERSION[wanted], cache_dir(wanted)
    say(
        f"wordpress {wanted}: fetching Debian {suite}'s package (private apt config in "
        f"{aptsuite.suite_dir(suite).relative_to(CACHE_DIR.parent)})"
    )
    aptsuite.update(suite)
    aptsuite.clear_downloads(suite)
    main = aptsuite.download(suite, ["wordpress"])
    extra = companions(main[0])
    debs = main + aptsuite.download(suite, extra)
    say(f"wordpress {wanted}: unpacking {', '.join(d.name.split('_')[0] for d in debs)}")
    shutil.rmtree(work, ignore_errors=True)
    root = work / "root"
    root.mkdir(parents=True)
    for deb in debs:
        aptsuite.unpack(deb, root)
    skipped = fstree.copy_tree(root / "usr/share/wordpress", work / "wordpress", root)
    for link in skipped:
        say(f"wordpress {wanted}: skipped dangling link {link}")
    shutil.rmtree(root)
    found = tree_version(_checked(work / "wordpress", wanted))
    (work / "COMPLETE").write_text(found + "\n")
    say(f"wordpress {wanted}: cached WordPress {found} in {work.relative_to(CACHE_DIR.parent)}")
