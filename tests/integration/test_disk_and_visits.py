"""Disk measured like WordPress's get_dirsize and cached per folder (a change is measured
again, an unchanged site is not walked again); visits summed from the visits table."""

import os
import shutil
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

from sidecar.context import Clients
from sidecar.domain.sweep import SweepOptions, sweep
from sidecar.domain.usage import measure
from sidecar.store import disk_cache, usage_history, visits
from sidecar.store import usage as usage_store
from sidecar.wp_bridge import WordPress

from .limits_support import create_site, run_php

pytestmark = pytest.mark.integration

_DIRSIZE = r"""
$out = array();
foreach ( $job['blogs'] as $id ) {
    switch_to_blog( $id );
    delete_transient( 'dirsize_cache' );
    $dir = wp_upload_dir( null, false );
    $out[ $id ] = get_dirsize( $dir['basedir'] );
    delete_transient( 'dirsize_cache' );
    restore_current_blog();
}
return $out;
"""


def put(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(size))


@pytest.fixture
def uploads(network):
    return Path(network["wp_path"]) / "wp-content" / "uploads"


@pytest.fixture
def wp(settings, db):
    clients = Clients(settings)
    return WordPress(db, clients.rest, clients.shim, 1)


def test_disk_equals_wordpress_and_changes_are_measured_again(network, created, wp, uploads):
    tag = f"disk{uuid.uuid4().hex[:6]}"
    blog_id = create_site(network, created, tag)
    site = uploads / "sites" / str(blog_id)
    main_extra = uploads / f"limits-test-{tag}"
    options = SweepOptions(network_id=1, uploads_dir=str(uploads), clear_caches=False)
    try:
        put(site / "2024" / "05" / "a.jpg", 1234)
        put(site / "2024" / "06" / "b.png", 56789)
        put(site / "2024" / "06" / "c.txt", 10)
        put(main_extra / "x.bin", 777)
        now = datetime.now().replace(microsecond=0)
        first = measure(wp.db, [1, blog_id], str(uploads), now)
        wordpress = run_php(network, _DIRSIZE, blogs=[1, blog_id])
        assert first.usages[blog_id].disk_bytes == 1234 + 56789 + 10 == wordpress[str(blog_id)]
        assert first.usages[1].disk_bytes == wordpress["1"]  # the main site leaves sites/ out
        assert blog_id in first.walked  # never measured: walked in full

        report = sweep(wp, options, now, only_site=blog_id)
        assert report.full_disk_walks == 1
        folders = set(disk_cache.load(wp.db, [blog_id])[blog_id])
        assert {b"2024", b"2024/05", b"2024/06"} <= folders
        again = sweep(wp, options, now, only_site=blog_id)
        assert again.full_disk_walks == 0

        put(site / "2024" / "06" / "d.pdf", 5000)
        os.remove(site / "2024" / "05" / "a.jpg")
        sweep(wp, options, now, only_site=blog_id)
        stored = usage_store.get(wp.db, blog_id)
        expected = run_php(network, _DIRSIZE, blogs=[blog_id])[str(blog_id)]
        assert stored["disk_bytes"] == 56789 + 10 + 5000 == expected

        shutil.rmtree(site / "2024" / "05")
        sweep(wp, options, now, only_site=blog_id)
        assert b"2024/05" not in disk_cache.load(wp.db, [blog_id])[blog_id]
    finally:
        shutil.rmtree(main_extra, ignore_errors=True)


def test_visits_are_summed_per_month_and_kept_per_day(wp):
    blog_id = 2
    now = datetime(2030, 5, 15, 12, 0)
    for day, count in {
        date(2030, 5, 15): 3,
        date(2030, 5, 14): 4,
        date(2030, 5, 1): 2,
        date(2030, 4, 30): 5,
    }.items():
        for n in range(count):
            assert visits.record(wp.db, blog_id, day, f"{day:%m%d}{n:028d}")
    assert not visits.record(wp.db, blog_id, date(2030, 5, 15), f"0515{0:028d}")  # once a day

    measured = measure(wp.db, [blog_id], None, now)
    assert measured.usages[blog_id].visits_month == 3 + 4 + 2
    assert measured.usages[blog_id].visits_today == 3

    sweep(wp, SweepOptions(network_id=1, uploads_dir=None, clear_caches=False), now, only_site=2)
    history = {row["day"]: row for row in usage_history.for_site(wp.db, 2, date(2030, 5, 1))}
    assert history[date(2030, 5, 15)]["visits"] == 3
    assert history[date(2030, 5, 14)]["visits"] == 4  # yesterday's count is completed
    assert usage_store.get(wp.db, 2)["visits_month"] == 9
    assert usage_store.get(wp.db, 2)["disk_bytes"] is None  # no uploads folder given

    older = wp.db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_visits WHERE day < '2030-05-01'")
    assert visits.purge_before(wp.db, date(2030, 5, 1), chunk=10**9) == older >= 5
    assert measure(wp.db, [2], None, now).usages[2].visits_month == 9  # May is kept
    assert measure(wp.db, [2], None, datetime(2030, 6, 1)).usages[2].visits_month == 0
