"""The one list of scheduled jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import domain_jobs, event_jobs, limits_jobs, membership_jobs, template_jobs, webhook_jobs


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable
    every_minutes: int
    description: str
    setting: str = ""  # "section.key" of the settings that gives the interval, if any

    def minutes(self, settings) -> int:
        """The interval: the setting named by ``setting`` when there is one, else
        ``every_minutes``."""
        if not self.setting:
            return self.every_minutes
        section, key = self.setting.split(".")
        return int(getattr(getattr(settings, section), key))


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
    Job(
        "limits.sweep",
        limits_jobs.usage_sweep,
        15,
        "Measure usage of every site; publish changed limits to WordPress.",
        setting="limits.sweep_minutes",
    ),
    Job(
        "limits.enforcement",
        limits_jobs.enforcement,
        5,
        "Suspend sites of expired memberships; serve them again once paid.",
    ),
    Job(
        "limits.visits_purge",
        limits_jobs.visits_purge,
        1440,
        "Delete visits older than 13 months (a month at a time).",
    ),
    Job(
        "domains.verify",
        domain_jobs.verify_domains,
        1,
        "Check custom domains due for a DNS check (retries back off; working ones daily).",
    ),
    Job(
        "templates.switches",
        template_jobs.switches,
        1,
        "Finish or roll back template switches whose worker died; start queued ones.",
    ),
    Job(
        "templates.backups_cleanup",
        template_jobs.backups_cleanup,
        1440,
        "Delete template-switch backups older than [templates] backup_days or of deleted sites.",
    ),
    Job(
        "webhooks.deliver",
        webhook_jobs.deliver,
        1,
        "POST due webhook deliveries, signed; failures retry with exponential backoff.",
    ),
    Job(
        "events.prune",
        event_jobs.prune,
        1440,
        "Delete event log entries older than [events] retention_days.",
    ),
)


def find(name: str) -> Job:
    """Return the job called ``name``. Raises KeyError."""
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
