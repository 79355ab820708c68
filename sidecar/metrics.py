"""Prometheus metrics (``prometheus_client``), shown at ``/metrics``.

Web workers and the jobs process each count in their own memory; with gunicorn's several worker
processes, set ``PROMETHEUS_MULTIPROC_DIR`` to a folder both services share (the systemd units
in deploy/ do) so ``/metrics`` adds up every process's files, the jobs process's included.
Without it ``/metrics`` shows only the answering process.

Helpers other modules call: ``observe_request``, ``observe_job``, ``observe_template_switch``,
``observe_webhook_delivery``. Sites over their limits are counted from the database when
``/metrics`` is scraped, so every process reports the same number.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

SWEEP_JOB = "limits.sweep"
_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_LONG_SECONDS = (0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

HTTP_REQUESTS = Counter(
    "sidecar_http_requests_total",
    "HTTP requests answered, by route (the URL rule, not the raw path), method and status.",
    ["route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "sidecar_http_request_seconds",
    "Time to answer an HTTP request, by route and method.",
    ["route", "method"],
    buckets=_SECONDS,
)
JOB_RUNS = Counter(
    "sidecar_job_runs_total",
    "Scheduled job runs, by job and outcome (ok, error, skipped: running elsewhere).",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "sidecar_job_seconds", "Duration of job runs, by job.", ["job"], buckets=_LONG_SECONDS
)
SWEEP_SECONDS = Histogram(
    "sidecar_sweep_seconds", "Duration of a full usage sweep.", buckets=_LONG_SECONDS
)
SWEEP_SITES = Counter("sidecar_sweep_sites_total", "Sites measured by usage sweeps.")
TEMPLATE_SWITCHES = Counter(
    "sidecar_template_switches_total", "Template switches, by outcome (ok, failed).", ["outcome"]
)
TEMPLATE_SWITCH_SECONDS = Histogram(
    "sidecar_template_switch_seconds", "Duration of template switches.", buckets=_LONG_SECONDS
)
WEBHOOK_DELIVERIES = Counter(
    "sidecar_webhook_deliveries_total",
    "Webhook delivery attempts, by event and outcome (ok, failed).",
    ["event", "outcome"],
)
WEBHOOK_SECONDS = Histogram(
    "sidecar_webhook_delivery_seconds", "Duration of webhook delivery attempts.", buckets=_SECONDS
)


def _outcome(ok: bool) -> str:
    return "ok" if ok else "failed"


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered HTTP request and its duration."""
    HTTP_REQUESTS.labels(route, method, str(status)).inc()
    HTTP_SECONDS.labels(route, method).observe(seconds)


def observe_job(name: str, outcome: str, seconds: float = 0.0, count: int = 0) -> None:
    """Count one run of job ``name`` (outcome ok, error or skipped) and its duration; a usage
    sweep also feeds the sweep metrics (``count`` = sites measured)."""
    JOB_RUNS.labels(name, outcome).inc()
    if outcome == "skipped":
        return
    JOB_SECONDS.labels(name).observe(seconds)
    if name == SWEEP_JOB and outcome == "ok":
        SWEEP_SECONDS.observe(seconds)
        SWEEP_SITES.inc(count)


def observe_template_switch(seconds: float, ok: bool) -> None:
    """Count one template switch (succeeded or failed) and its duration."""
    TEMPLATE_SWITCHES.labels(_outcome(ok)).inc()
    TEMPLATE_SWITCH_SECONDS.observe(seconds)


def observe_webhook_delivery(event: str, seconds: float, ok: bool) -> None:
    """Count one webhook delivery attempt of ``event`` (delivered or failed), its duration."""
    WEBHOOK_DELIVERIES.labels(event, _outcome(ok)).inc()
    WEBHOOK_SECONDS.observe(seconds)


class _SitesOverLimits:
    """A collector asking the database, at scrape time, how many sites are over a limit."""

    def __init__(self, count: Callable[[], int | None]):
        self.count = count

    def collect(self) -> Iterable[GaugeMetricFamily]:
        value = self.count()
        if value is None:
            return []
        return [
            GaugeMetricFamily(
                "sidecar_sites_over_limits",
                "Sites at or over 100 % of a limit, as of the last usage sweep.",
                value=value,
            )
        ]


def render(sites_over_limits: Callable[[], int | None]) -> tuple[bytes, str]:
    """Return the exposition text and its content type: every process's metrics (multiprocess
    mode when ``PROMETHEUS_MULTIPROC_DIR`` is set) plus the sites-over-limits gauge."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_SitesOverLimits(sites_over_limits))
        return generate_latest(registry), CONTENT_TYPE_LATEST
    registry = CollectorRegistry()
    registry.register(_SitesOverLimits(sites_over_limits))
    return generate_latest(REGISTRY) + generate_latest(registry), CONTENT_TYPE_LATEST


def allowed(remote_addr: str | None, authorization: str, allow_from: str, token: str) -> bool:
    """Whether a scrape may see the metrics: from an address in ``allow_from`` (comma-separated
    addresses or networks), or with ``Authorization: Bearer <token>`` when a token is set."""
    bearer = authorization[7:].strip() if authorization.startswith("Bearer ") else ""
    if token and bearer and secrets.compare_digest(bearer.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in parse_networks(allow_from))


def parse_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks. Raises ValueError on a malformed entry."""
    return [ipaddress.ip_network(p.strip(), strict=False) for p in text.split(",") if p.strip()]
