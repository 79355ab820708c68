"""Download packages of another Debian suite with a private apt configuration.

The system's sources are never touched: each suite gets its own sources list, package lists,
cache and an empty dpkg status (so a newer installed version never hides the suite's one)
under ``.cache/apt-<suite>/``; apt is pointed at them with ``-o Dir::...`` options. The
mirror URI is the one the system's own sources name.
"""

import os
import shutil
import subprocess
from pathlib import Path

from devnet import debian
from devnet.errors import DevnetError
from devnet.paths import CACHE_DIR


def suite_dir(suite: str) -> Path:
    """Return ``.cache/apt-<suite>/`` (not created)."""
    return CACHE_DIR / f"apt-{suite}"


def _keyring(source) -> str:
    """Return the keyring path to trust for ``source`` ("" when none is known)."""
    if source.signed_by and Path(source.signed_by).exists():
        return source.signed_by
    return debian.DEFAULT_KEYRING if Path(debian.DEFAULT_KEYRING).exists() else ""


def _deb_line(source, suite: str) -> str:
    """Return one ``deb`` line for ``suite`` on ``source``'s URI, main component."""
    key = _keyring(source)
    opts = f"[signed-by={key}] " if key else ""
    return f"deb {opts}{source.uri} {suite} main\n"


def write_sources_list(suite: str) -> Path:
    """Write ``.cache/apt-<suite>/sources.list`` naming ``suite``, -updates and -security.

    Raises DevnetError when the system has no usable Debian source.
    """
    main, security = debian.archive_sources()
    lines = [_deb_line(main, suite), _deb_line(main, f"{suite}-updates")]
    if security is not None:
        lines.append(_deb_line(security, f"{suite}-security"))
    base = suite_dir(suite)
    for sub in ("lists/partial", "cache/archives/partial", "preferences.d", "debs"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    (base / "status").touch()  # no installed packages: the suite's own version is the candidate
    path = base / "sources.list"
    path.write_text("".join(lines))
    return path


def apt_options(suite: str) -> list:
    """Return the ``-o`` options that make apt use the private configuration of ``suite``."""
    base = suite_dir(suite)
    return [
        "-o",
        f"Dir::Etc::sourcelist={base / 'sources.list'}",
        "-o",
        "Dir::Etc::sourceparts=-",
        "-o",
        f"Dir::State::Lists={base / 'lists'}",
        "-o",
        f"Dir::Cache={base / 'cache'}",
        "-o",
        f"Dir::State::status={base / 'status'}",
        "-o",
        f"Dir::Etc::preferences={base / 'preferences'}",
        "-o",
        f"Dir::Etc::preferencesparts={base / 'preferences.d'}",
        "-o",
        "APT::Sandbox::User=root",
    ]


def _run_apt(args: list, cwd: Path) -> None:
    """Run an apt command; raise DevnetError with its output's tail when it fails."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C")
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise DevnetError(f"{' '.join(args[:1] + args[-3:])} failed:\n{tail}")


def update(suite: str) -> None:
    """Refresh the private package lists of ``suite``. Raises DevnetError on failure."""
    write_sources_list(suite)
    _run_apt(["apt-get", "-q", *apt_options(suite), "update"], suite_dir(suite))


def clear_downloads(suite: str) -> None:
    """Remove earlier downloads from ``.cache/apt-<suite>/debs/``."""
    debs = suite_dir(suite) / "debs"
    shutil.rmtree(debs, ignore_errors=True)
    debs.mkdir(parents=True)


def download(suite: str, packages: list) -> list:
    """Download the candidate .deb of each package into ``.cache/apt-<suite>/debs/``.

    Returns the paths of those packages' .deb files. Raises DevnetError when apt fails.
    """
    debs = suite_dir(suite) / "debs"
    _run_apt(["apt-get", "-q", *apt_options(suite), "download", *packages], debs)
    return sorted(p for name in packages for p in debs.glob(f"{name}_*.deb"))


def deb_field(deb: Path, field: str) -> str:
    """Return a control field (e.g. ``Depends``) of a .deb file, "" when absent."""
    proc = subprocess.run(["dpkg-deb", "-f", str(deb), field], capture_output=True, text=True)
    return proc.stdout.strip()


def unpack(deb: Path, root: Path) -> None:
    """Unpack a .deb's files under ``root`` (``dpkg-deb -x``). Raises DevnetError on failure."""
    proc = subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise DevnetError(f"dpkg-deb -x {deb.name} failed: {proc.stderr.strip()}")
