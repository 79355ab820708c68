"""``sidecar sweep`` and the limit jobs from the command line."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def sidecar(config_path, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "sidecar.cli", *args],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sweep_one_site_all_sites_and_a_shard(config_path, network, migrated):
    uploads = f"{network['wp_path']}/wp-content/uploads"
    env = {"SIDECAR_WORDPRESS_UPLOADS_DIR": uploads}
    one = sidecar(config_path, "sweep", "--site", "2", "--no-progress", **env)
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith("1 sites in ") and "disk not measured" not in one.stdout
    every = sidecar(config_path, "sweep", **env)
    assert every.returncode == 0 and "100%" in every.stderr  # the progress bar
    sites = int(every.stdout.split()[0])
    halves = [
        int(
            sidecar(
                config_path, "sweep", "--shard", f"{i}/2", "--no-progress", **env
            ).stdout.split()[0]
        )
        for i in (1, 2)
    ]
    assert sum(halves) == sites >= 3
    bad = sidecar(config_path, "sweep", "--shard", "3/2")
    assert bad.returncode == 2 and "--shard" in bad.stderr
    missing = sidecar(config_path, "sweep", "--site", "999999", "--no-progress")
    assert missing.returncode == 2 and "No site 999999" in missing.stderr


def test_the_limit_jobs_are_listed_and_run(config_path, migrated):
    listed = sidecar(config_path, "job", "list")
    for name in ("limits.sweep", "limits.enforcement", "limits.visits_purge"):
        assert name in listed.stdout
    assert "[limits] sweep_minutes" in listed.stdout
    ran = sidecar(config_path, "job", "run", "limits.visits_purge")
    assert ran.returncode == 0 and "limits.visits_purge: 0 changed" in ran.stdout
