"""Several copies on one database: a second gunicorn beside the test one (a page's CSRF token
from one copy works on the other, an assertion used on one is a replay on the other); two jobs
processes firing the same tick run each scheduled job exactly once (counted in
``sidecar_job_runs``); ``sidecar sweep --shard i/n`` shards cover every site exactly once."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests

from sidecar.domain.clock import utcnow
from sidecar.jobs.registry import JOBS
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.usage import site_ids

from ..conftest import ROOT, _wait_until_up
from ..security_fixtures import forget_customer, new_customer, personal_billing
from .shim_double import assertion_header

pytestmark = pytest.mark.integration


def free_port() -> int:
    """``SIDECAR_SECOND_PORT``, or a loopback port nobody listens on."""
    if os.environ.get("SIDECAR_SECOND_PORT"):
        return int(os.environ["SIDECAR_SECOND_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def second_copy(network, config_path, sidecar_url):
    """A second gunicorn (on another port), same configuration and database."""
    port = free_port()
    log = open(Path(network["wp_path"]).parent / "sidecar-second.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"),
            *("--workers", "1", "--threads", "2", "sidecar.wsgi:app"),
        ],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path)},
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_until_up(f"{url}/healthz", proc)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)
    log.close()


def account(network, customer, path, method="GET"):
    return assertion_header(
        network,
        aud="account",
        sub=customer["user_id"],
        blog=customer["blog_id"],
        path=path,
        method=method,
    )


def test_a_page_from_one_copy_is_posted_to_the_other(
    sidecar_url, second_copy, network, settings, created
):
    erin = new_customer(network, created, "two")
    page = requests.get(
        f"{sidecar_url}/account/", headers=account(network, erin, "/account/"), timeout=30
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    saved = requests.post(
        f"{second_copy}/account/billing-address",
        headers=account(network, erin, "/account/billing-address", "POST"),
        data={**personal_billing(erin), "csrf_token": token},
        timeout=30,
        allow_redirects=False,
    )
    assert saved.status_code in (200, 303), saved.text
    db = connect(settings.database)
    row = db.fetch_one("SELECT * FROM wp_sidecar_customers WHERE user_id = %s", (erin["user_id"],))
    forget_customer(db, erin["user_id"])
    db.close()
    assert row["billing_city"] == personal_billing(erin)["billing_city"]


def test_a_csrf_token_of_one_copy_is_refused_by_the_other_for_another_login(
    sidecar_url, second_copy, network, customers
):
    alice = customers["alice"]
    page = requests.get(
        f"{sidecar_url}/account/", headers=account(network, alice, "/account/"), timeout=30
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    headers = assertion_header(
        network,
        aud="account",
        sub=alice["user_id"],
        blog=alice["blog_id"],
        path="/account/billing-address",
        method="POST",
        ses="2" * 64,
    )
    refused = requests.post(
        f"{second_copy}/account/billing-address",
        headers=headers,
        data={"csrf_token": token},
        timeout=30,
        allow_redirects=False,
    )
    assert refused.status_code == 400 and "expired" in refused.text


def test_an_assertion_used_on_one_copy_is_a_replay_on_the_other(
    sidecar_url, second_copy, network, customers
):
    headers = account(network, customers["bob"], "/account/")
    assert requests.get(f"{sidecar_url}/account/", headers=headers, timeout=30).status_code == 200
    replay = requests.get(f"{second_copy}/account/", headers=headers, timeout=30)
    assert replay.status_code == 401 and "already used" in replay.text


# One "jobs process" firing one tick: every job of the registry at the same moment ``now``
# (as two schedulers started at different times both fire within the job's window).
_ONE_TICK = textwrap.dedent(
    """
    import json, sys
    from datetime import datetime
    from sidecar.config import load_settings
    from sidecar.jobs.registry import JOBS
    from sidecar.jobs.runner import run_job

    settings = load_settings(sys.argv[1], environ={})
    now = datetime.fromisoformat(sys.argv[2])
    ran = {}
    for job in JOBS:
        ran[job.name] = run_job(settings, job, now, once_per_tick=True) is not None
    print(json.dumps(ran))
    """
)


def runs(db) -> dict[str, int]:
    rows = db.fetch_all("SELECT job, runs FROM wp_sidecar_job_runs")
    return {row["job"]: row["runs"] for row in rows}


def one_tick_in_two_processes(config_path, now: datetime) -> list[dict]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _ONE_TICK, str(config_path), now.isoformat()],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


def test_two_jobs_processes_run_each_job_once_per_tick(settings, config_path, migrated):
    db = connect(settings.database)
    db.execute("DELETE FROM wp_sidecar_job_runs")  # no jobs process runs on the test network
    now = utcnow()  # both processes fire "now": the same tick for every job
    counted = runs(db)
    first = one_tick_in_two_processes(config_path, now)
    after = runs(db)
    for job in JOBS:
        ran = [result[job.name] for result in first]
        assert ran.count(True) == 1, f"{job.name} ran {ran.count(True)} times in one tick"
        assert after[job.name] == counted.get(job.name, 0) + 1
    # The same tick again (a late scheduler): nothing runs.
    again = one_tick_in_two_processes(config_path, now)
    assert not any(any(result.values()) for result in again)
    assert runs(db) == after
    db.close()


def test_sweep_shards_cover_every_site_exactly_once(settings, config_path, migrated):
    """Three shards: the sites each one measured (its measured_at) are disjoint and together
    every site of the network."""
    db = connect(settings.database)
    sites = set(site_ids(db, 1, after_id=0, limit=10**6))  # what a whole sweep walks
    swept: list[set[int]] = []

    def measured() -> dict:
        rows = db.fetch_all("SELECT blog_id, measured_at FROM wp_sidecar_site_usage")
        return {r["blog_id"]: r["measured_at"] for r in rows}

    db.execute("DO SLEEP(1.1)")  # measured_at has whole seconds: each shard's is new
    for i in (1, 2, 3):
        # a site is this shard's when its measured_at changed (not ">= now": other tests
        # sweep with dates in the future)
        before = measured()
        done = subprocess.run(
            [sys.executable, "-m", "sidecar.cli", "sweep", "--shard", f"{i}/3", "--no-progress"],
            env={**os.environ, "SIDECAR_CONFIG": str(config_path)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        after = measured()
        swept.append({b for b, at in after.items() if at != before.get(b)})
        assert int(done.stdout.split()[0]) == len(swept[-1])
        db.execute("DO SLEEP(1.1)")  # measured_at has whole seconds: each shard's is new
    db.close()
    assert set().union(*swept) == sites
    assert sum(len(s) for s in swept) == len(sites)  # no site in two shards


def test_two_real_jobs_processes_share_the_first_tick(settings, config_path, migrated, tmp_path):
    """Two `sidecar jobs` schedulers started together: each fires every job at start (its
    log names every job: run or skipped), yet every job runs once. Started early in a minute,
    so that no 1-minute job's tick ends while they start."""
    db = connect(settings.database)
    db.execute("DELETE FROM wp_sidecar_job_runs")
    second = utcnow().second
    if second > 40:
        time.sleep(62 - second)
    env = {**os.environ, "SIDECAR_CONFIG": str(config_path)}
    logs = [tmp_path / f"jobs-{i}.log" for i in (1, 2)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "sidecar.cli", "jobs"],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for log in logs
    ]
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not all(
            all(f"{job.name}: " in log.read_text() for job in JOBS) for log in logs
        ):
            time.sleep(0.5)
    finally:
        for proc in processes:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
    counted = runs(db)
    db.close()
    for log in logs:
        assert all(f"{job.name}: " in log.read_text() for job in JOBS), log.read_text()[-2000:]
    assert counted == {job.name: 1 for job in JOBS}
