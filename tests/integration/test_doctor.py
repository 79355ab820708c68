"""``sidecar doctor`` on the real network: all OK when healthy; each injected fault is named
and makes it exit ≠ 0."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def doctor(config_path, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "doctor", *args],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def checks(result) -> dict:
    return {c["name"]: c for c in json.loads(result.stdout)["checks"]}


@pytest.fixture(scope="module")
def jobs_process(config_path, migrated):
    """A real `sidecar jobs` process until its first heartbeat is written; stopped after."""
    log = open(config_path.parent / "jobs-doctor-test.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "sidecar.cli", "jobs"],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path)},
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if checks(doctor(config_path, "--json"))["jobs"]["ok"]:
            break
        assert proc.poll() is None, "sidecar jobs exited; see jobs-doctor-test.log"
        time.sleep(1)
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()


def test_a_healthy_network_is_all_ok(config_path, jobs_process):
    text = doctor(config_path)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "FAIL" not in text.stdout
    found = checks(doctor(config_path, "--json"))
    for name in (
        "database",
        "privileges",
        "migrations",
        "wordpress",
        "rest_auth",
        "shim",
        "secret",
        "sunrise",
        "dns",
        "jobs",
        "table_cache",
    ):
        assert found[name]["ok"] is True, found[name]


def test_a_wrong_secret_is_named(config_path, jobs_process):
    result = doctor(config_path, "--json", SIDECAR_SHIM_SECRET=secrets.token_hex(20))
    assert result.returncode == 1
    found = checks(result)
    assert found["secret"]["ok"] is False and "secrets differ" in found["secret"]["message"]
    assert "SIDECAR_SECRET" in found["secret"]["fix"]
    assert found["shim"]["ok"] is True and found["database"]["ok"] is True


def test_an_unreachable_wordpress_is_named(config_path, jobs_process):
    result = doctor(config_path, SIDECAR_WORDPRESS_URL="http://127.0.0.1:9/")
    assert result.returncode == 1
    assert "FAIL  wordpress: WordPress does not answer at http://127.0.0.1:9/" in result.stdout
    assert "SKIP  shim" in result.stdout


def test_a_deactivated_shim_is_named(config_path, network, settings, jobs_process):
    from sidecar.ops.shim_install import run_tool

    wp_path = Path(network["wp_path"])
    assert run_tool(wp_path, settings.wordpress.url, "deactivate")["network_active"] is False
    try:
        result = doctor(config_path, "--json")
    finally:
        assert run_tool(wp_path, settings.wordpress.url, "activate")["network_active"] is True
    assert result.returncode == 1
    shim = checks(result)["shim"]
    assert shim["ok"] is False and "not active" in shim["message"]
    assert "Network Activate" in shim["fix"]


def test_a_user_without_privileges_is_named(config_path, network, jobs_process):
    from devnet import mariadb

    user, password = "h_ops_readonly", secrets.token_hex(12)
    root, _how = mariadb.admin_connect()
    try:
        with root.cursor() as cur:
            for host in ("localhost", "127.0.0.1"):
                cur.execute(f"DROP USER IF EXISTS '{user}'@'{host}'")
                cur.execute(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY %s", (password,))
                cur.execute(f"GRANT SELECT ON `{network['db']['name']}`.* TO '{user}'@'{host}'")
        result = doctor(
            config_path,
            "--json",
            SIDECAR_DATABASE_USER=user,
            SIDECAR_DATABASE_PASSWORD=password,
        )
    finally:
        with root.cursor() as cur:
            for host in ("localhost", "127.0.0.1"):
                cur.execute(f"DROP USER IF EXISTS '{user}'@'{host}'")
        root.close()
    assert result.returncode == 1
    found = checks(result)
    assert found["privileges"]["ok"] is False
    assert "lacks INSERT, UPDATE, DELETE" in found["privileges"]["message"]
    assert found["privileges"]["fix"].startswith("as MariaDB's root: GRANT SELECT")
    assert found["migrations"]["ok"] is True


def test_a_stopped_jobs_process_is_named(settings, db, jobs_process):
    from sidecar.ops.doctor import run_checks
    from sidecar.store import table

    db.execute(
        f"UPDATE {table(db.prefix, 'heartbeats')} SET beat_at = beat_at - INTERVAL 10 MINUTE"
    )
    jobs = {r.name: r for r in run_checks(settings, db=db)}["jobs"]
    assert jobs.ok is False and "no heartbeat for 1" in jobs.message
    assert "sidecar jobs" in jobs.fix


def test_a_pending_migration_is_named(settings, db):
    from sidecar.ops.doctor import run_checks
    from sidecar.store import table

    db.execute(f"DELETE FROM {table(db.prefix, 'migrations')} WHERE version = 10")
    found = {r.name: r for r in run_checks(settings, db=db)}
    assert found["migrations"].ok is False
    assert found["migrations"].message == "1 pending: 0010_ops"
    assert found["migrations"].fix == "run `sidecar migrate`"


def test_domain_mapping_needs_sunrise_and_a_resolver(settings, db):
    from sidecar.ops.doctor import run_checks
    from sidecar.store import domain_settings

    domain_settings.save(
        db,
        settings.wordpress.network_id,
        {
            "enabled": True,
            "instructions": "",
            "addresses": "127.0.0.1",
            "cname_target": "",
            "txt_required": False,
            "resolver": "127.0.0.1:9",
            "https_check": False,
        },
    )
    found = {r.name: r for r in run_checks(settings, db=db)}
    assert found["sunrise"].ok is True, found["sunrise"]  # devnet installs the drop-in
    assert found["dns"].ok is False and "127.0.0.1:9 does not answer" in found["dns"].message


def test_grants_are_read_with_wildcards():
    from sidecar.wp_bridge.server import privileges_on

    lines = [
        "GRANT USAGE ON *.* TO `u`@`%`",
        "GRANT SELECT, INSERT ON `wp\\_net`.* TO `u`@`%`",
        "GRANT UPDATE (name) ON `wp_net`.`wp_users` TO `u`@`%`",
        "GRANT DELETE ON `other`.* TO `u`@`%`",
        "GRANT CREATE ON `wp%`.* TO `u`@`%`",
    ]
    assert privileges_on(lines, "wp_net") == {"USAGE", "SELECT", "INSERT", "CREATE"}
    assert privileges_on(lines, "wpXnet") == {"USAGE", "CREATE"}
    assert privileges_on(["GRANT ALL PRIVILEGES ON `wp_net`.* TO `u`@`h`"], "wp_net") == {"ALL"}
