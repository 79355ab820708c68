"""The template switch engine against the real WordPress: copy, byte-exact rewrite (checked
with PHP's own unserialize), identity kept, media swapped, undo, one switch at a time."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import pytest
import requests

from sidecar.domain import switch_media, switch_worker, template_switch
from sidecar.domain.events import SYSTEM
from sidecar.errors import Conflict, Invalid, NotFound
from sidecar.store import template_switches as store
from sidecar.wp_bridge import site_copy
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.options import get_options

from .template_engine_support import front_page, make_site, php_check, worker

pytestmark = pytest.mark.integration


@pytest.fixture
def switches(wpdb, settings):
    """Switch ids a test made; their work tables and folders are removed afterwards."""
    made: list[int] = []
    yield made
    uploads = settings.wordpress.uploads_dir
    for switch_id in made:
        if store.get(wpdb, switch_id) is not None:
            store.set_backup(wpdb, switch_id, "dropped", None)
        site_copy.drop_tables(wpdb, site_copy.work_tables(wpdb, switch_id))
        for _site, number, _kind, path in switch_media.work_folders(uploads):
            if number == switch_id:
                switch_media.remove(path)


@pytest.fixture
def pair(network, created, migrated):
    """A filled template site and a filled target site."""
    tag = secrets.token_hex(3)
    template = make_site(network, created, f"tpe-tpl-{tag}", f"Tplmark{tag}")
    target = make_site(network, created, f"tpe-target-longer-{tag}", f"Oldmark{tag}")
    return {"tag": tag, "template": template, "target": target}


def _needles(template: dict) -> list[str]:
    core = template["home"].split("//", 1)[1]
    return [
        f"//{core}/",
        f"//{core}'",
        f'//{core}"',
        "//".replace("/", "\\/") + core.replace("/", "\\/"),
        f"sites/{template['id']}/",
    ]


def _switch(wpdb, config_path, switches, target_id, template_id):
    switch_id = template_switch.request_switch(
        wpdb, site_id=target_id, template_site_id=template_id, actor=SYSTEM
    )
    switches.append(switch_id)
    done = worker(config_path, switch_id)
    assert done.returncode == 0, done.stdout + done.stderr
    return switch_id


def test_switch_rewrites_everything_keeps_identity_and_undoes(
    network, settings, wpdb, config_path, pair, switches
):
    template, target, tag = pair["template"], pair["target"], pair["tag"]
    switch_id = _switch(wpdb, config_path, switches, target["id"], template["id"])

    status = template_switch.latest(wpdb, target["id"])
    assert (status["state"], status["step"], status["percent"]) == ("done", "done", 100)
    assert status["kind"] == "switch" and status["template_site_id"] == template["id"]
    page = front_page(target["home"])
    assert f"Tplmark{tag} post 1" in page and f"Oldmark{tag} post" not in page
    template_path = template["home"].split("//", 1)[1]
    assert template_path not in page and template_path.replace("/", "\\/") not in page
    photo = template["upload"].replace(f"/sites/{template['id']}/", f"/sites/{target['id']}/")
    assert requests.get(photo, timeout=10).text == f"photo of Tplmark{tag}"
    assert php_check(network, template["id"], _needles(template))["needles_left"]  # it sees
    checked = php_check(network, target["id"], _needles(template))
    assert checked["unserialize_failures"] == []
    assert checked["needles_left"] == []
    options = get_options(wpdb, target["id"], ["blogname", "blogdescription", "home", "siteurl"])
    assert options["blogname"] == f"Oldmark{tag} site"
    assert options["blogdescription"] == f"Oldmark{tag} tagline"
    assert options["home"] == target["home"]
    settings_option = get_options(wpdb, target["id"], [f"Tplmark{tag}_settings"])
    assert settings_option[f"Tplmark{tag}_settings"]["home"] == target["home"]
    roles = get_options(wpdb, target["id"], [f"wp_{target['id']}_user_roles"])
    assert "administrator" in roles[f"wp_{target['id']}_user_roles"]
    uploads = Path(settings.wordpress.uploads_dir) / "sites"
    assert list((uploads / str(target["id"])).rglob(f"Tplmark{tag}-photo.jpg"))
    assert not list((uploads / str(target["id"])).rglob(f"Oldmark{tag}-photo.jpg"))
    assert f"Tplmark{tag} post 1" in front_page(template["home"])  # the template is untouched
    assert template_switch.restorable(wpdb, target["id"])["switch_id"] == switch_id
    assert any(b["switch_id"] == switch_id for b in template_switch.backups(wpdb))

    undo_id = template_switch.request_undo(wpdb, site_id=target["id"], actor=SYSTEM)
    switches.append(undo_id)
    done = worker(config_path, undo_id)
    assert done.returncode == 0, done.stdout + done.stderr
    page = front_page(target["home"])
    assert f"Oldmark{tag} post 1" in page and f"Tplmark{tag}" not in page
    assert requests.get(target["upload"], timeout=10).text == f"photo of Oldmark{tag}"
    assert list((uploads / str(target["id"])).rglob(f"Oldmark{tag}-photo.jpg"))
    assert site_copy.work_tables(wpdb, undo_id) == []
    assert site_copy.work_tables(wpdb, switch_id) == []
    assert store.get(wpdb, switch_id)["backup"] == "restored"
    assert template_switch.restorable(wpdb, target["id"]) is None
    assert template_switch.latest(wpdb, target["id"])["kind"] == "undo"


def test_requests_are_checked(settings, wpdb, pair, switches):
    template, target = pair["template"], pair["target"]
    with pytest.raises(Invalid):
        template_switch.request_switch(
            wpdb, site_id=target["id"], template_site_id=target["id"], actor=SYSTEM
        )
    with pytest.raises(Invalid):
        template_switch.request_switch(wpdb, site_id=target["id"], template_site_id=1, actor=SYSTEM)
    with pytest.raises(NotFound):
        template_switch.request_switch(
            wpdb, site_id=target["id"], template_site_id=999999, actor=SYSTEM
        )
    with pytest.raises(NotFound):
        template_switch.request_undo(wpdb, site_id=target["id"], actor=SYSTEM)
    first = template_switch.request_switch(
        wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
    )
    switches.append(first)
    with pytest.raises(Conflict):
        template_switch.request_switch(
            wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
        )
    # a worker that finds the site locked (by another connection) leaves the switch alone
    other = connect(settings.database)
    try:
        with other.named_lock(switch_worker.lock_name(target["id"])) as held:
            assert held
            assert switch_worker.run(settings, wpdb, first, lambda _b: None) == "busy"
    finally:
        other.close()
    assert store.get(wpdb, first)["state"] == "queued"
    store.save_progress(wpdb, first, {"state": "failed", "error": "test"})


def test_jobs_start_a_forgotten_switch_and_drop_expired_backups(
    wpdb, settings, config_path, pair, switches, monkeypatch
):
    from datetime import timedelta

    from sidecar.domain.clock import utcnow
    from sidecar.jobs.template_jobs import backups_cleanup
    from sidecar.jobs.template_jobs import switches as switches_job

    target, template = pair["target"], pair["template"]
    switch_id = template_switch.request_switch(
        wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
    )
    switches.append(switch_id)
    monkeypatch.setenv("SIDECAR_CONFIG", str(config_path))
    switches_job(settings, wpdb, utcnow())
    assert store.get(wpdb, switch_id)["launches"] == 0  # just queued: its own worker may come
    switches_job(settings, wpdb, utcnow() + timedelta(minutes=2))
    assert store.get(wpdb, switch_id)["launches"] == 1  # launched
    for _ in range(120):
        if template_switch.latest(wpdb, target["id"])["state"] == "done":
            break
        time.sleep(0.5)
    assert template_switch.latest(wpdb, target["id"])["state"] == "done"
    backup_dir = switch_media.folders(settings.wordpress.uploads_dir, target["id"], switch_id)
    assert site_copy.work_tables(wpdb, switch_id, "b") and backup_dir.backup.is_dir()

    backups_cleanup(settings, wpdb, utcnow())  # (may drop other tests' sites' backups)
    assert site_copy.work_tables(wpdb, switch_id, "b")  # ours is still within the undo period
    assert store.get(wpdb, switch_id)["backup"] == "kept"
    assert backups_cleanup(settings, wpdb, utcnow() + timedelta(days=8)) >= 1
    assert site_copy.work_tables(wpdb, switch_id) == []
    assert not backup_dir.backup.exists()
    assert store.get(wpdb, switch_id)["backup"] == "dropped"
    assert template_switch.restorable(wpdb, target["id"]) is None
    assert f"Tplmark{pair['tag']} post 1" in front_page(target["home"])


def test_a_switch_whose_worker_never_starts_is_failed_not_launched_forever(
    wpdb, settings, pair, switches, monkeypatch
):
    from datetime import timedelta

    from sidecar.domain.clock import utcnow
    from sidecar.jobs.template_jobs import MAX_LAUNCHES
    from sidecar.jobs.template_jobs import switches as switches_job

    launched = []
    monkeypatch.setattr(template_switch, "launch", lambda _s, switch_id: launched.append(switch_id))
    target, template = pair["target"], pair["template"]
    switch_id = template_switch.request_switch(
        wpdb, site_id=target["id"], template_site_id=template["id"], actor=SYSTEM
    )
    switches.append(switch_id)
    later = utcnow() + timedelta(minutes=5)
    for _ in range(MAX_LAUNCHES):  # one job run a minute: each starts a worker that never runs
        switches_job(settings, wpdb, later)
    assert launched.count(switch_id) == MAX_LAUNCHES
    assert store.get(wpdb, switch_id)["state"] == "queued"

    switches_job(settings, wpdb, later)
    assert launched.count(switch_id) == MAX_LAUNCHES  # not started again
    row = store.get(wpdb, switch_id)
    assert row["state"] == "failed" and "could not start" in row["error"]
    assert store.active(wpdb, target["id"]) is None  # a new switch may be asked


def test_plugin_tables_go_along_and_other_sites_tables_stay(
    network, wpdb, config_path, pair, switches
):
    from sidecar.wp_bridge import phpserial

    template, target = pair["template"], pair["target"]
    t, n = template["id"], target["id"]
    url = template["home"] + "/shop/ü"
    value = phpserial.dumps({"url": url, "n": 1.5})
    made = [
        f"wp_{t}_sc_plugin_log",
        f"wp_{t}0_sc_other",
        f"wp_{n}_sc_target_only",
        f"wp_{t}_sc_plugin_kv",
    ]
    try:
        # keyed: rows with a serialized match are copied apart from the others, once each
        wpdb.execute(f"CREATE TABLE `{made[3]}` (id INT PRIMARY KEY, a LONGTEXT, b TEXT)")
        wpdb.execute(
            f"INSERT INTO `{made[3]}` VALUES (1, %s, %s), (2, NULL, NULL), (3, 'x', %s)",
            (value, f"see {url}", value),
        )
        wpdb.execute(f"CREATE TABLE `{made[0]}` (note TEXT, data LONGTEXT)")  # no primary key
        wpdb.execute(
            f"INSERT INTO `{made[0]}` VALUES (%s, %s), (%s, %s), (%s, %s)",
            (f"see {url}", value, "nothing", value, f"\n{url}", b"\n " + value),
        )
        wpdb.execute(f"CREATE TABLE `{made[1]}` (id INT)")  # site {t}0's, not the template's
        wpdb.execute(f"CREATE TABLE `{made[2]}` (id INT)")
        assert made[1].removeprefix(f"wp_{t}_") == made[1]
        assert "sc_other" not in "".join(site_copy.site_tables(wpdb, t))

        _switch(wpdb, config_path, switches, n, t)
        rows = wpdb.fetch_all(f"SELECT note, data FROM `wp_{n}_sc_plugin_log`")
        new_url = target["home"] + "/shop/ü"
        assert {r["note"] for r in rows} == {f"see {new_url}", "nothing", f"\n{new_url}"}
        assert all(phpserial.loads(r["data"].strip())["url"] == new_url for r in rows)
        kv = wpdb.fetch_all(f"SELECT id, a, b FROM `wp_{n}_sc_plugin_kv` ORDER BY id")
        assert [r["id"] for r in kv] == [1, 2, 3]
        assert phpserial.loads(kv[0]["a"])["url"] == new_url and kv[0]["b"] == f"see {new_url}"
        assert kv[1]["a"] is None and kv[1]["b"] is None
        assert kv[2]["a"] == "x" and phpserial.loads(kv[2]["b"])["url"] == new_url
        tables = site_copy.site_tables(wpdb, n)
        assert "sc_plugin_log" in tables and "sc_target_only" not in tables
        assert "sc_other" not in "".join(tables)

        undo_id = template_switch.request_undo(wpdb, site_id=n, actor=SYSTEM)
        switches.append(undo_id)
        assert worker(config_path, undo_id).returncode == 0
        tables = site_copy.site_tables(wpdb, n)
        assert "sc_target_only" in tables and "sc_plugin_log" not in tables
    finally:
        site_copy.drop_tables(wpdb, [*made, f"wp_{n}_sc_plugin_log", f"wp_{n}_sc_plugin_kv"])


def test_backups_of_deleted_sites_are_dropped(network, wpdb, settings, config_path, pair, switches):
    import json
    import subprocess
    from urllib.parse import urlsplit

    from sidecar.domain.clock import utcnow
    from sidecar.jobs.template_jobs import backups_cleanup

    from ..wp_cleanup import _DELETE_PHP

    target, template = pair["target"], pair["template"]
    switch_id = _switch(wpdb, config_path, switches, target["id"], template["id"])
    assert site_copy.work_tables(wpdb, switch_id, "b")
    job = {
        "host": urlsplit(network["url"]).netloc,
        "wp_path": network["wp_path"],
        "blogs": [target["id"]],
        "users": [],
    }
    subprocess.run(["php", "-r", _DELETE_PHP, "--", json.dumps(job)], check=True, timeout=120)
    assert backups_cleanup(settings, wpdb, utcnow()) >= 1
    assert store.get(wpdb, switch_id)["backup"] == "dropped"
    assert site_copy.work_tables(wpdb, switch_id) == []
    assert all(b["switch_id"] != switch_id for b in template_switch.backups(wpdb))
