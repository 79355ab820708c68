"""The sweep and plan changes write each site's sidecar_enforcement option (the shape of
docs/limits.md, readable by WordPress) and blog_upload_space; admin overrides too."""

from datetime import datetime

import pytest

from sidecar.context import Clients
from sidecar.domain import membership_changes as changes
from sidecar.domain.clock import utcnow
from sidecar.domain.events import SYSTEM, history
from sidecar.domain.limit_overrides import save_overrides
from sidecar.domain.sweep import SweepOptions, sweep
from sidecar.store import limit_overrides
from sidecar.store import usage as usage_store
from sidecar.wp_bridge import WordPress, phpserial
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.options import get_option

from ..billing_fixtures import CTX, fresh_membership
from .limits_support import run_php

pytestmark = pytest.mark.integration

OPTIONS = SweepOptions(network_id=1, uploads_dir=None, clear_caches=False)


def bridge(settings, db):
    clients = Clients(settings)
    return WordPress(db, clients.rest, clients.shim, 1)


def raw_option(db, blog_id, name):
    table = "wp_options" if blog_id == 1 else f"wp_{blog_id}_options"
    return db.fetch_one(
        f"SELECT option_value, autoload FROM {table} WHERE option_name = %s", (name,)
    )


@pytest.fixture
def committed(settings, migrated):
    conn = connect(settings.database)
    yield conn
    conn.close()


def test_the_sweep_writes_the_option_wordpress_reads(settings, network, customers, committed):
    alice = customers["alice"]
    blog = alice["blog_id"]
    fresh_membership(committed, alice, "business")
    committed.execute(f"DELETE FROM wp_{blog}_options WHERE option_name = 'sidecar_enforcement'")
    usage_store.mark_published(committed, [blog], [""], None)  # as if never published
    wp = bridge(settings, committed)
    options = SweepOptions(network_id=1, uploads_dir=None, clear_caches=True)
    before = int(datetime.now().timestamp()) - 1
    report = sweep(wp, options, utcnow(), only_site=blog)
    assert report.sites == 1 and report.published == 1 and report.cache_failures == 0

    row = raw_option(committed, blog, "sidecar_enforcement")
    assert row["autoload"] == "yes"
    value = phpserial.loads(row["option_value"])
    assert list(value) == ["v", "limits", "visits_blocked", "updated"]  # no disk measured
    assert value["v"] == 1 and value["visits_blocked"] is False
    assert value["limits"] == {
        "disk_mb": 5000,
        "post": 500,
        "page": 100,
        "users": 10,
        "visits_month": 100000,
    }
    assert value["updated"] >= before
    assert raw_option(committed, blog, "blog_upload_space")["option_value"] == "5000"

    wordpress = run_php(
        network,
        "switch_to_blog( $job['blog'] );"
        " return array( get_option( 'sidecar_enforcement' ), get_space_allowed() );",
        blog=blog,
    )
    assert wordpress[0] == value
    assert int(wordpress[1]) == 5000

    unchanged = sweep(wp, options, utcnow(), only_site=blog)
    assert unchanged.published == 0  # same values: no write, no cache clear


def test_a_plan_change_publishes_the_new_limits_at_once(db, customers):
    products, membership, _ = fresh_membership(db, customers["alice"], "starter")
    blog = customers["alice"]["blog_id"]
    customer = db.fetch_one(
        "SELECT * FROM wp_sidecar_customers WHERE user_id = %s", (customers["alice"]["user_id"],)
    )
    changes.apply_plan_change(
        db,
        membership.id,
        membership.version,
        products["business"],
        ctx=CTX,
        customer=customer,
        actor=SYSTEM,
        now=membership.renewed_at,
    )
    value = get_option(db, blog, "sidecar_enforcement")
    assert value["limits"]["post"] == 500 and value["limits"]["disk_mb"] == 5000
    assert get_option(db, blog, "blog_upload_space") == "5000"

    changed = changes.get_membership(db, membership.id)
    changes.apply_package_purchase(
        db,
        membership.id,
        changed.version,
        products["extra-5-gb-disk"],
        ctx=CTX,
        customer=customer,
        actor=SYSTEM,
        now=membership.renewed_at,
    )
    assert get_option(db, blog, "sidecar_enforcement")["limits"]["disk_mb"] == 5000 + 5120
    assert get_option(db, blog, "blog_upload_space") == str(5000 + 5120)


def test_the_change_summary_names_what_is_over_the_new_limits(db, customers):
    """An override of the membership stays when the plan changes: starter + override."""
    products, membership, _ = fresh_membership(db, customers["alice"], "business")
    blog = customers["alice"]["blog_id"]
    posts = db.fetch_value(
        f"SELECT COUNT(*) FROM wp_{blog}_posts WHERE post_type = 'post'"
        " AND post_status IN ('publish', 'private', 'future')"
    )
    limit_overrides.replace(db, "membership", membership.id, {"posts": posts - 1})
    summary = changes.plan_change(db, membership, products["starter"], membership.renewed_at)
    assert f"You have {posts} posts; the new plan allows {posts - 1}." in summary.impact


def test_admin_overrides_are_published_and_recorded(settings, db, customers):
    _, membership, _ = fresh_membership(db, customers["alice"], "business")
    blog = customers["alice"]["blog_id"]
    wp = bridge(settings, db)
    save_overrides(
        wp,
        membership.id,
        {"membership": {"posts": 7, "post_type.product": 3}, "site": {"users_role.editor": 1}},
        SYSTEM,
        utcnow(),
    )
    limits = get_option(db, blog, "sidecar_enforcement")["limits"]
    assert limits["post"] == 7 and limits["product"] == 3
    assert limits["users_role"] == {"editor": 1}
    assert history(db, "membership", membership.id)[0]["action"] == "membership.limits_overridden"
    assert usage_store.get(db, blog)["published_hash"]
