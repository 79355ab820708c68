"""The jobs runner: one run per job at a time (MySQL lock), and the CLI that runs a job."""

import subprocess
import sys

import pytest

from sidecar.jobs.registry import JOBS, find
from sidecar.jobs.runner import run_job
from sidecar.wp_bridge.db import connect

pytestmark = pytest.mark.integration


def test_a_job_runs_and_reports_a_count(settings, migrated):
    assert run_job(settings, find("maintenance.token_purge")) >= 0


def test_a_job_is_skipped_while_another_process_holds_its_lock(settings, migrated):
    holder = connect(settings.database)
    try:
        assert holder.fetch_value("SELECT GET_LOCK('sidecar_job_memberships.expiry', 0)") == 1
        assert run_job(settings, find("memberships.expiry")) is None
    finally:
        holder.close()
    assert run_job(settings, find("memberships.expiry")) is not None


def test_cli_lists_and_runs_jobs(config_path, migrated):
    env = {"SIDECAR_CONFIG": str(config_path), "PATH": "/usr/bin:/bin"}
    listing = subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "job", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(job.name in listing.stdout for job in JOBS)
    ran = subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "job", "run", "all"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "memberships.renewals:" in ran.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "job", "run", "nope"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert unknown.returncode == 2 and "no job nope" in unknown.stderr
