"""The one list of scheduled jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import membership_jobs


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable
    every_minutes: int
    description: str


# Cancellations run before expiry so a membership set to end is cancelled, not expired.
JOBS: tuple[Job, ...] = (
    Job(
        "memberships.cancellations",
        membership_jobs.cancellations,
        15,
        "Cancel memberships whose scheduled end has come.",
    ),
    Job(
        "memberships.renewals",
        membership_jobs.renewals,
        15,
        "Issue renewal invoices before periods end.",
    ),
    Job(
        "memberships.expiry",
        membership_jobs.expiry,
        15,
        "Expire memberships unpaid past the grace period.",
    ),
    Job(
        "maintenance.token_purge",
        membership_jobs.token_purge,
        10,
        "Forget one-time ids of expired assertions.",
    ),
)


def find(name: str) -> Job:
    """Return the job called ``name``. Raises KeyError."""
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
