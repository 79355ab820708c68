"""Crash safety: the worker is killed (exit 137, no clean-up) at each point of a switch; the
site then serves fully old or fully new content over HTTP, and a restarted worker (or the
jobs process starting) finishes forward or rolls back, leaving no staging behind."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest
import requests

from sidecar.domain import switch_media, switch_worker, template_switch
from sidecar.domain.events import SYSTEM
from sidecar.jobs.template_jobs import startup_cleanup
from sidecar.store import template_switches as store
from sidecar.wp_bridge import site_copy

from .template_engine_support import front_page, make_site, worker

pytestmark = pytest.mark.integration

# point → whether the site is new right after the crash (before any recovery)
POINTS = {
    "after_copy": False,
    "mid_rewrite": False,
    "mid_media": False,
    "before_rename": False,
    "after_rename": True,
    "after_folders": True,
}


@pytest.fixture
def switches(wpdb, settings):
    made: list[int] = []
    yield made
    for switch_id in made:
        if store.get(wpdb, switch_id) is not None:
            store.set_backup(wpdb, switch_id, "dropped", None)
        site_copy.drop_tables(wpdb, site_copy.work_tables(wpdb, switch_id))
        for _site, number, _kind, path in switch_media.work_folders(settings.wordpress.uploads_dir):
            if number == switch_id:
                switch_media.remove(path)


@pytest.fixture
def pair(network, created, migrated, settings):
    tag = secrets.token_hex(3)
    template = make_site(network, created, f"tpc-tpl-{tag}", f"Tplmark{tag}")
    target = make_site(network, created, f"tpc-target-{tag}", f"Oldmark{tag}")
    extra = Path(settings.wordpress.uploads_dir) / "sites" / str(template["id"]) / "extra.jpg"
    extra.write_bytes(b"second file")  # so the media copy has a middle
    return {"tag": tag, "template": template, "target": target}


def _assert_serves(pair: dict, new: bool) -> None:
    tag, target = pair["tag"], pair["target"]
    page = front_page(target["home"])
    if new:
        assert f"Tplmark{tag} post 1" in page and f"Oldmark{tag} post" not in page
    else:
        assert f"Oldmark{tag} post 1" in page and f"Tplmark{tag}" not in page


@pytest.mark.parametrize("point", list(POINTS))
def test_kill_at_each_point_leaves_old_or_new_and_recovery_cleans(
    point, wpdb, settings, config_path, pair, switches
):
    target, template = pair["target"], pair["template"]
    switch_id = template_switch.request_switch(
        wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
    )
    switches.append(switch_id)
    crashed = worker(config_path, switch_id, crash_at=point)
    assert crashed.returncode == 137, crashed.stdout + crashed.stderr
    assert store.get(wpdb, switch_id)["state"] == "running"
    _assert_serves(pair, POINTS[point])
    if point in ("after_copy", "mid_rewrite", "before_rename"):
        assert site_copy.work_tables(wpdb, switch_id, "s")  # half-made staging exists

    restarted = worker(config_path, switch_id)
    expected = "done" if POINTS[point] else "failed"
    assert restarted.stdout.strip().endswith(expected), restarted.stdout + restarted.stderr
    row = store.get(wpdb, switch_id)
    assert row["state"] == expected
    assert site_copy.work_tables(wpdb, switch_id, "s") == []
    assert [
        f
        for f in switch_media.work_folders(settings.wordpress.uploads_dir)
        if f[1] == switch_id and f[2] == "s"
    ] == []
    _assert_serves(pair, POINTS[point])
    photo_of = "Tplmark" if POINTS[point] else "Oldmark"
    photo = (template if POINTS[point] else target)["upload"].replace(
        f"/sites/{template['id']}/", f"/sites/{target['id']}/"
    )
    assert requests.get(photo, timeout=10).text == f"photo of {photo_of}{pair['tag']}"
    if not POINTS[point]:
        assert row["error"].startswith("interrupted before the swap")
        assert template_switch.restorable(wpdb, target["id"]) is None
    else:
        assert template_switch.restorable(wpdb, target["id"])["switch_id"] == switch_id


def test_jobs_start_up_recovers_and_reports_orphan_staging(
    wpdb, settings, config_path, pair, switches, caplog
):
    target, template = pair["target"], pair["template"]
    switch_id = template_switch.request_switch(
        wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
    )
    switches.append(switch_id)
    assert worker(config_path, switch_id, crash_at="mid_media").returncode == 137
    orphan = site_copy.work_table(wpdb, 999_000 + switch_id, "s", "posts")
    wpdb.execute(f"CREATE TABLE `{orphan}` (id INT)")  # a staging table nothing owns
    switches.append(999_000 + switch_id)

    with caplog.at_level(logging.WARNING, logger="sidecar.jobs"):
        startup_cleanup(settings)
    assert store.get(wpdb, switch_id)["state"] == "failed"
    assert site_copy.work_tables(wpdb, switch_id, "s") == []
    assert site_copy.work_tables(wpdb, 999_000 + switch_id) == []
    assert f"switch {switch_id} was interrupted" in caplog.text
    assert "half-made staging copies" in caplog.text and orphan in caplog.text
    _assert_serves(pair, new=False)


def test_undo_killed_after_its_rename_finishes_on_restart(
    wpdb, settings, config_path, pair, switches
):
    target, template = pair["target"], pair["template"]
    switch_id = template_switch.request_switch(
        wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
    )
    switches.append(switch_id)
    assert worker(config_path, switch_id).returncode == 0
    undo_id = template_switch.request_undo(wpdb, site_id=target["id"], actor=SYSTEM)
    switches.append(undo_id)
    assert worker(config_path, undo_id, crash_at="after_rename").returncode == 137
    assert worker(config_path, undo_id).returncode == 0
    _assert_serves(pair, new=False)
    assert requests.get(target["upload"], timeout=10).text == f"photo of Oldmark{pair['tag']}"
    assert site_copy.work_tables(wpdb, undo_id) == []
    assert switch_worker.remove_orphans(settings, wpdb) == []
