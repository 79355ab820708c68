"""The uploads folders of a template switch: copy into staging, swap by renames, clean up.

Folders sit next to the site's own ``{uploads}/sites/N``: ``N.tsw{S}s`` (staging, the template's
copy), ``N.tsw{S}b`` (backup, the site's folder before switch S) and ``N.tsw{U}x`` (trash, the
folder an undo moved away). WordPress only ever serves ``sites/N``. Every function here is
idempotent so a recovery can simply run it again.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_WORK = re.compile(r"^([0-9]+)\.tsw([0-9]+)([sbx])$")


@dataclass(frozen=True)
class Folders:
    """The folders of one site in one switch (or undo) ``number``."""

    live: Path
    staging: Path
    backup: Path
    trash: Path


def folders(uploads: str, site_id: int, number: int, backup_of: int | None = None) -> Folders:
    """Folders of site ``site_id`` for switch ``number`` (an undo passes the restored switch
    as ``backup_of`` so ``backup`` names that switch's backup)."""
    sites = Path(uploads) / "sites"
    return Folders(
        live=sites / str(site_id),
        staging=sites / f"{site_id}.tsw{number}s",
        backup=sites / f"{site_id}.tsw{backup_of or number}b",
        trash=sites / f"{site_id}.tsw{number}x",
    )


def copy_template(
    uploads: str,
    template_id: int,
    staging: Path,
    *,
    hardlinks: bool = False,
    on_file: Callable[[], None] | None = None,
) -> int:
    """Copy ``{uploads}/sites/T`` into ``staging`` (an empty folder when the template has
    none); return the number of files. ``on_file`` runs after each file (progress, tests)."""
    source = Path(uploads) / "sites" / str(template_id)
    remove(staging)
    count = 0

    def copy(src: str, dst: str) -> str:
        nonlocal count
        if hardlinks:
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)
        count += 1
        if on_file is not None:
            on_file()
        return dst

    if source.is_dir():
        shutil.copytree(source, staging, copy_function=copy, symlinks=True)
    else:
        staging.mkdir(parents=True)
    return count


def swap_in(f: Folders) -> None:
    """Make ``staging`` the live folder, the old live folder becoming ``backup``. Safe to run
    again after a crash at any point of it."""
    if not f.staging.exists():
        return
    if f.live.exists():
        if f.backup.exists():
            raise OSError(f"both {f.live} and {f.backup} exist; cannot swap in {f.staging}")
        os.rename(f.live, f.backup)
    os.rename(f.staging, f.live)


def restore(f: Folders) -> None:
    """Undo: move the live folder to ``trash`` and ``backup`` back to live. Idempotent."""
    if f.live.exists() and not f.trash.exists() and f.backup.exists():
        os.rename(f.live, f.trash)
    elif f.live.exists() and not f.backup.exists() and not f.trash.exists():
        os.rename(f.live, f.trash)  # the site had no folder before the switch
    if f.backup.exists() and not f.live.exists():
        os.rename(f.backup, f.live)


def remove(path: Path) -> None:
    """Delete a folder tree if it exists."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def work_folders(uploads: str) -> list[tuple[int, int, str, Path]]:
    """Every work folder under ``{uploads}/sites``: (site id, switch id, kind, path)."""
    sites = Path(uploads) / "sites"
    if not sites.is_dir():
        return []
    found = []
    for entry in sites.iterdir():
        match = _WORK.match(entry.name)
        if match:
            found.append((int(match[1]), int(match[2]), match[3], entry))
    return sorted(found, key=lambda item: (item[1], item[0]))
