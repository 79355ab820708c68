"""The jobs process killed in the middle of the usage sweep (SIGKILL, between two batches of
one site each): its job lock dies with its connection, the next run completes, and nothing is
counted twice — current usage and daily history are the same as after one clean sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

from sidecar.domain.clock import utcnow
from sidecar.jobs.registry import find
from sidecar.jobs.runner import run_job
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.usage import count_site_ids

pytestmark = pytest.mark.integration

# A sweep of one site per batch, holding the job's lock as `sidecar jobs` does, that says
# "batch" after each one and then dawdles — so it can be killed with work half done.
_SLOW_SWEEP = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, UTC
    from sidecar.config import load_settings
    from sidecar.domain.sweep import sweep
    from sidecar.jobs.limits_jobs import sweep_options, wordpress
    from sidecar.wp_bridge.db import connect

    settings = load_settings(sys.argv[1], environ={})
    db = connect(settings.database)

    def progress(n):
        print("batch", flush=True)
        time.sleep(0.5)

    with db.named_lock("sidecar_job_limits.sweep") as acquired:
        assert acquired
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        options = sweep_options(settings, db, batch_size=1)
        sweep(wordpress(settings, db), options, now, progress=progress)
    print("finished", flush=True)
    """
)

USAGE = "SELECT blog_id, posts, pages, users, visits_month FROM wp_sidecar_site_usage"
HISTORY = "SELECT blog_id, day, posts, pages, users, visits FROM wp_sidecar_usage_history"


def snapshot(db) -> tuple:
    return (
        db.fetch_all(f"{USAGE} ORDER BY blog_id"),
        db.fetch_all(f"{HISTORY} ORDER BY blog_id, day"),
    )


@pytest.fixture
def visits(settings, customers, migrated):
    """Visits of alice's site yesterday and today (removed afterwards)."""
    db = connect(settings.database)
    blog = customers["alice"]["blog_id"]
    now = utcnow()
    days = [now.date() - timedelta(days=1), now.date()]
    before = db.fetch_all("SELECT * FROM wp_sidecar_visits WHERE blog_id = %s", (blog,))
    db.execute("DELETE FROM wp_sidecar_visits WHERE blog_id = %s", (blog,))
    yield db, blog, days
    db.execute("DELETE FROM wp_sidecar_visits WHERE blog_id = %s", (blog,))
    for row in before:
        names = ", ".join(row)
        marks = ", ".join(["%s"] * len(row))
        db.execute(f"INSERT INTO wp_sidecar_visits ({names}) VALUES ({marks})", list(row.values()))
    db.close()


def test_killed_sweep_then_next_run_completes_and_counts_nothing_twice(
    settings, config_path, visits
):
    db, blog, days = visits
    for day in days:
        for visitor in range(7):
            db.execute(
                "INSERT INTO wp_sidecar_visits (blog_id, day, visitor) VALUES (%s, %s, %s)",
                (blog, day, f"{visitor:032x}"),
            )
    sites = count_site_ids(db, 1)  # every site the sweep walks (deleted ones are skipped)
    assert sites >= 3

    slow = subprocess.Popen(
        [sys.executable, "-c", _SLOW_SWEEP, str(config_path)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    for _ in range(2):
        assert slow.stdout.readline().strip() == "batch"
    os.killpg(slow.pid, signal.SIGKILL)
    slow.wait(timeout=10)
    slow.stdout.close()

    job = find("limits.sweep")
    first = run_job(settings, job)
    assert first == sites  # the lock died with the killed process; every site was swept
    after_resume = snapshot(db)
    assert run_job(settings, job) == sites
    assert snapshot(db) == after_resume  # a second full run changes nothing: no doubles
    usage, history = after_resume
    assert len({row["blog_id"] for row in usage}) == len(usage) >= sites
    assert len({(row["blog_id"], row["day"]) for row in history}) == len(history)
    yesterday = next(r for r in history if r["blog_id"] == blog and r["day"] == days[0])
    assert yesterday["visits"] == 7  # counted once, however many runs saw it
