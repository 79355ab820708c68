"""Sites of Expired memberships are suspended — archived through WordPress, so that core
answers with its "archived or suspended" page — and served again once the membership is
Active again. Only sites the sidecar archived itself are unarchived; each change is an event."""

from __future__ import annotations

from ..store import suspensions as store
from ..wp_bridge import WordPress
from ..wp_bridge.tables.sites import get_site
from .events import SYSTEM, record

BATCH = 100


def suspend_expired(wp: WordPress) -> list[int]:
    """Archive the sites of Expired memberships not dealt with yet; return the ids dealt with
    (a site already archived — by an admin — or gone is noted and left alone).

    Raises RestError subclasses when the shim cannot be reached (nothing is noted then for
    that site; the next run tries again).
    """
    done = []
    for row in store.to_impose(wp.db, BATCH):
        blog_id, membership_id = int(row["blog_id"]), int(row["membership_id"])
        site = get_site(wp.db, blog_id)
        if site is None or site.deleted or site.archived:
            store.add(wp.db, blog_id, membership_id, archived_by_sidecar=False)
            done.append(blog_id)
            continue
        store.add(wp.db, blog_id, membership_id, archived_by_sidecar=True)
        try:
            wp.shim.set_archived(blog_id, True)
        except Exception:
            store.remove(wp.db, blog_id)
            raise
        _event(wp, blog_id, membership_id, "site.suspended", archived=True)
        done.append(blog_id)
    return done


def lift_paid(wp: WordPress) -> list[int]:
    """Unarchive the sites the sidecar suspended whose membership is Active again (and forget
    the others' notes); return the ids dealt with. Raises RestError subclasses (the
    suspension is kept and retried)."""
    done = []
    for row in store.to_lift(wp.db, BATCH):
        blog_id, membership_id = int(row["blog_id"]), int(row["membership_id"])
        if row["archived_by_sidecar"]:
            wp.shim.set_archived(blog_id, False)
            _event(wp, blog_id, membership_id, "site.unsuspended", archived=False)
        store.remove(wp.db, blog_id)
        done.append(blog_id)
    return done


def _event(wp: WordPress, blog_id: int, membership_id: int, action: str, *, archived: bool):
    state = {"membership_id": membership_id}
    record(
        wp.db,
        SYSTEM,
        "site",
        blog_id,
        action,
        {**state, "archived": not archived},
        {**state, "archived": archived},
    )
