"""Liveness and readiness for load balancers, Prometheus metrics, and the per-request
instrumentation (count and latency by route) the metrics show."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, abort, g, jsonify, request

from .. import metrics
from ..context import get_db, settings
from ..domain.health import readiness
from ..logging_setup import request_id
from ..ops.metrics_data import sites_over_limits

blueprint = Blueprint("health", __name__)
access = logging.getLogger("sidecar.access")
_QUIET = {"/healthz", "/readyz", "/metrics"}  # polled often: counted, not logged


@blueprint.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz():
    """The database answers and migrations are current (503 otherwise)."""
    report = readiness(get_db)
    return jsonify(report), 200 if report["ready"] else 503


@blueprint.get("/metrics")
def metrics_page():
    """Prometheus metrics, for addresses of ``metrics.allow_from`` or the bearer token (404
    for anyone else, so the endpoint is not advertised)."""
    config = settings().metrics
    if not metrics.allowed(
        request.remote_addr,
        request.headers.get("Authorization", ""),
        config.allow_from,
        config.token,
    ):
        abort(404)
    body, content_type = metrics.render(lambda: sites_over_limits(get_db))
    return Response(body, content_type=content_type)


@blueprint.before_app_request
def _start_timer() -> None:
    """Note when the request started (for the latency metric and the access line)."""
    g.metrics_started = time.perf_counter()


@blueprint.after_app_request
def _count_request(response: Response) -> Response:
    """Count the request by route, log one access line (not for probes), echo the id."""
    started = g.pop("metrics_started", None)
    if started is not None:
        route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
        seconds = time.perf_counter() - started
        metrics.observe_request(route, request.method, response.status_code, seconds)
        if route in _QUIET:
            return _with_request_id(response)
        ms = round(seconds * 1000, 1)
        facts = {"route": route, "method": request.method, "status": response.status_code}
        access.info(
            "%s %s %s %.1fms",
            request.method,
            route,
            response.status_code,
            ms,
            extra={**facts, "ms": ms},
        )
    return _with_request_id(response)


def _with_request_id(response: Response) -> Response:
    rid = request_id()
    if rid != "-":
        response.headers["X-Request-Id"] = rid
    return response
