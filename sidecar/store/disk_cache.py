"""The disk walk's cache (``sidecar_disk_cache``): per site and folder, the folder's mtime and
the bytes of the files directly in it. Folders are bytes (``os.fsencode``), keyed by md5."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

from ..wp_bridge.db import Database
from . import table

Entry = tuple[int, int]  # (mtime_ns, bytes)


def load(db: Database, blog_ids: Sequence[int]) -> dict[int, dict[bytes, Entry]]:
    """Return ``{blog_id: {folder: (mtime_ns, bytes)}}`` for the sites, in one statement
    answering one row (the batch's folders aggregated as one JSON array by the server)."""
    cache: dict[int, dict[bytes, Entry]] = {blog_id: {} for blog_id in blog_ids}
    if not blog_ids:
        return cache
    marks = ", ".join(["%s"] * len(blog_ids))
    found = db.fetch_value(
        "SELECT JSON_ARRAYAGG(JSON_ARRAY(blog_id, HEX(folder), mtime_ns, bytes)) AS folders"
        f" FROM {table(db.prefix, 'disk_cache')} WHERE blog_id IN ({marks})",
        list(blog_ids),
    )
    for blog_id, folder, mtime, size in json.loads(found) if found else ():
        cache[blog_id][bytes.fromhex(folder)] = (mtime, size)
    return cache


def save(db: Database, entries: Sequence[tuple[int, bytes, int, int]]) -> None:
    """Insert or replace ``(blog_id, folder, mtime_ns, bytes)`` entries, in one statement."""
    if not entries:
        return
    marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(entries))
    params = []
    for blog_id, folder, mtime_ns, size in entries:
        params += [blog_id, _key(folder), folder, mtime_ns, size]
    db.execute(
        f"INSERT INTO {table(db.prefix, 'disk_cache')}"
        f" (blog_id, folder_hash, folder, mtime_ns, bytes) VALUES {marks}"
        " ON DUPLICATE KEY UPDATE mtime_ns = VALUES(mtime_ns), bytes = VALUES(bytes)",
        params,
    )


def forget(db: Database, gone: Iterable[tuple[int, bytes]]) -> None:
    """Delete the entries of folders that no longer exist."""
    pairs = list(gone)
    if not pairs:
        return
    marks = " OR ".join(["(blog_id = %s AND folder_hash = %s)"] * len(pairs))
    db.execute(
        f"DELETE FROM {table(db.prefix, 'disk_cache')} WHERE {marks}",
        [item for blog_id, folder in pairs for item in (blog_id, _key(folder))],
    )


def delete_sites(db: Database, blog_ids: Sequence[int]) -> None:
    """Forget every entry of ``blog_ids``."""
    if blog_ids:
        marks = ", ".join(["%s"] * len(blog_ids))
        db.execute(
            f"DELETE FROM {table(db.prefix, 'disk_cache')} WHERE blog_id IN ({marks})",
            list(blog_ids),
        )


def _key(folder: bytes) -> bytes:
    return hashlib.md5(folder, usedforsecurity=False).digest()
