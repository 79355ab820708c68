"""Sites (``wp_blogs``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import Database, Row
from ..prefix import global_table

_COLUMNS = (
    "blog_id, site_id, domain, path, registered, last_updated,"
    " public, archived, mature, spam, deleted"
)


@dataclass(frozen=True)
class Site:
    blog_id: int
    network_id: int
    domain: str
    path: str
    registered: datetime | None
    last_updated: datetime | None
    public: bool
    archived: bool
    mature: bool
    spam: bool
    deleted: bool

    @property
    def is_active(self) -> bool:
        """False when WordPress would refuse to serve it (archived, spam or deleted)."""
        return not (self.archived or self.spam or self.deleted)


def _site(row: Row) -> Site:
    return Site(
        blog_id=int(row["blog_id"]),
        network_id=int(row["site_id"]),
        domain=row["domain"],
        path=row["path"],
        registered=_datetime(row["registered"]),
        last_updated=_datetime(row["last_updated"]),
        public=bool(int(row["public"])),
        archived=bool(int(row["archived"])),
        mature=bool(int(row["mature"])),
        spam=bool(int(row["spam"])),
        deleted=bool(int(row["deleted"])),
    )


def _datetime(value) -> datetime | None:
    """WordPress writes ``0000-00-00 00:00:00`` for "never"; pymysql then gives a string or None."""
    return value if isinstance(value, datetime) else None


def get_site(db: Database, blog_id: int) -> Site | None:
    """Return site ``blog_id``, or None."""
    row = db.fetch_one(
        f"SELECT {_COLUMNS} FROM {global_table(db.prefix, 'blogs')} WHERE blog_id = %s",
        (blog_id,),
    )
    return _site(row) if row else None


def list_sites(db: Database, network_id: int, *, after_id: int = 0, limit: int = 100) -> list[Site]:
    """Return up to ``limit`` sites of a network with ids above ``after_id``, in id order."""
    rows = db.fetch_all(
        f"SELECT {_COLUMNS} FROM {global_table(db.prefix, 'blogs')}"
        " WHERE site_id = %s AND blog_id > %s ORDER BY blog_id LIMIT %s",
        (network_id, after_id, limit),
    )
    return [_site(row) for row in rows]


def count_sites(db: Database, network_id: int) -> int:
    """Return how many sites the network has."""
    return int(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {global_table(db.prefix, 'blogs')} WHERE site_id = %s",
            (network_id,),
        )
    )


def path_taken(db: Database, network_id: int, path: str) -> bool:
    """True when a site of the network already lives at ``path`` (e.g. ``/alice/``)."""
    return bool(
        db.fetch_value(
            f"SELECT COUNT(*) FROM {global_table(db.prefix, 'blogs')}"
            " WHERE site_id = %s AND path = %s",
            (network_id, path),
        )
    )
