"""Copy a directory tree into real files, resolving every symlink.

Debian's WordPress tree links into other packages (``/usr/share/javascript``,
``/usr/share/php/getid3``, ``/etc/...``). A tree unpacked from another suite's packages lives
under a private root folder, so links are resolved as if that folder were ``/``; a target that
is not there is looked up on this machine instead (e.g. ``/etc/ssl/certs``). Links that lead
nowhere are skipped and reported.
"""

import os
import shutil
from pathlib import Path, PurePosixPath

_MAX_LINKS = 40


def _inside(root: Path, logical: PurePosixPath) -> Path:
    """Return the real path of absolute ``logical`` under ``root``."""
    return root.joinpath(*logical.parts[1:])


def resolve(root: Path, logical: str, _depth: int = 0):
    """Follow links in absolute ``logical`` as if ``root`` were ``/``; return the final path.

    The result is a logical PurePosixPath (every link in it followed while the parts exist
    under ``root``), or None when the links loop or nest deeper than 40.
    """
    parts = PurePosixPath(logical).parts[1:]
    current = PurePosixPath("/")
    for index, part in enumerate(parts):
        if part == "..":
            current = current.parent
            continue
        candidate = current / part
        real = _inside(root, candidate)
        if real.is_symlink():
            if _depth >= _MAX_LINKS:
                return None
            target = PurePosixPath(os.readlink(real))
            joined = target if target.is_absolute() else current / target
            return resolve(root, str(joined.joinpath(*parts[index + 1 :])), _depth + 1)
        current = candidate
    return current


def locate(root: Path, logical: str):
    """Return (real path, root it was found in) for ``logical``; (None, None) if nowhere.

    Links are followed inside ``root``; a final target missing there is looked up on this
    machine (``/``) instead.
    """
    final = resolve(root, logical)
    if final is None:
        return None, None
    if _inside(root, final).exists():
        return _inside(root, final), root
    on_host = Path(os.path.realpath(str(final)))
    return (on_host, Path("/")) if on_host.exists() else (None, None)


def copy_resolved(root: Path, logical: str, dest: Path, skipped: list) -> None:
    """Copy ``logical`` (seen from ``root``) to ``dest`` as real files and folders.

    Appends the logical path of each link that leads nowhere to ``skipped``.
    """
    real, base = locate(root, logical)
    if real is None:
        skipped.append(logical)
        return
    if not real.is_dir():
        shutil.copy2(real, dest)
        return
    dest.mkdir(parents=True, exist_ok=True)
    here = PurePosixPath("/") / real.relative_to(base)
    for child in sorted(os.listdir(real)):
        copy_resolved(base, str(here / child), dest / child, skipped)


def copy_tree(src: Path, dest: Path, root: Path = Path("/")) -> list:
    """Copy folder ``src`` (a real path under ``root``) to ``dest``, resolving all links.

    ``dest`` must not exist yet. Returns the logical paths of links that led nowhere.
    """
    logical = str(PurePosixPath("/") / Path(src).relative_to(root))
    skipped: list = []
    copy_resolved(root, logical, Path(dest), skipped)
    return skipped
