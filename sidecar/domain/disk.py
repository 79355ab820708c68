"""Disk usage of a site's uploads folder, measured with ``os.scandir`` walks and cached per
folder.

Where: ``<uploads>/sites/N`` for site N; for the main site (blog 1) ``<uploads>`` itself
without its ``sites/`` folder — as WordPress's ``get_space_used()`` counts. Bytes are the sizes
of regular files (symbolic links are not followed).

The cache holds, per folder, its modification time and the bytes of the files directly in it.
A folder whose mtime is unchanged is not listed again: its bytes come from the cache and its
sub-folders from the cached folders below it. Adding, removing or renaming a file changes the
folder's mtime; a file rewritten in place does not, so every site is walked in full once a day
(``full_walk_due``) and such a change shows up then.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

Entry = tuple[int, int]  # (mtime_ns, bytes of the files directly in the folder)
MAIN_SITE_EXCLUDED = b"sites"


@dataclass
class Walk:
    """The result of walking one site's folder."""

    bytes: int = 0
    seen: dict[bytes, Entry] = field(default_factory=dict)
    relisted: list[tuple[bytes, int, int]] = field(default_factory=list)
    gone: set[bytes] = field(default_factory=set)


def site_folder(uploads_dir: str, blog_id: int) -> bytes:
    """The folder holding site ``blog_id``'s uploads (bytes path)."""
    root = os.fsencode(uploads_dir)
    return root if blog_id == 1 else os.path.join(root, b"sites", str(int(blog_id)).encode())


def full_walk_due(blog_id: int, walked_at: datetime | None, now: datetime) -> bool:
    """True when the site's last full walk is a day old (20-27 hours, spread by blog id so
    that the sites of a network do not all come due in the same sweep)."""
    if walked_at is None:
        return True
    return now - walked_at >= timedelta(hours=20 + blog_id % 8)


def walk(root: bytes, cache: dict[bytes, Entry], *, main_site: bool, trust_cache: bool) -> Walk:
    """Sum the bytes under ``root``; re-list only folders whose mtime differs from ``cache``
    (every folder when not ``trust_cache``). A missing ``root`` weighs 0 bytes."""
    children = _children(cache) if trust_cache else {}
    result = Walk()
    stack = [b""]
    while stack:
        folder = stack.pop()
        path = root + b"/" + folder if folder else root
        try:
            mtime = os.stat(path).st_mtime_ns
        except (FileNotFoundError, NotADirectoryError):
            continue
        cached = cache.get(folder) if trust_cache else None
        if cached is not None and cached[0] == mtime:
            size, subfolders = cached[1], children.get(folder, ())
        else:
            size, subfolders = _list(path, folder, main_site)
            result.relisted.append((folder, mtime, size))
        result.seen[folder] = (mtime, size)
        result.bytes += size
        stack.extend(subfolders)
    result.gone = cache.keys() - result.seen.keys()
    return result


def _list(path: bytes, folder: bytes, main_site: bool) -> tuple[int, list[bytes]]:
    """Return the bytes of the regular files in ``path`` and its sub-folders (relative)."""
    size, subfolders = 0, []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if not (main_site and not folder and entry.name == MAIN_SITE_EXCLUDED):
                        subfolders.append(
                            os.path.join(folder, entry.name) if folder else entry.name
                        )
                elif entry.is_file(follow_symlinks=False):
                    size += _size(entry)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return 0, []
    return size, subfolders


def _size(entry: os.DirEntry) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_size
    except FileNotFoundError:  # deleted while we looked
        return 0


def _children(cache: dict[bytes, Entry]) -> dict[bytes, list[bytes]]:
    """Index the cached folders by their parent folder (b"" is the root)."""
    index: dict[bytes, list[bytes]] = {}
    for folder in cache:
        if folder:
            index.setdefault(folder.rpartition(b"/")[0], []).append(folder)
    return index
