"""Liveness and readiness for load balancers."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..context import get_db
from ..domain.health import readiness

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify(status="ok")


@blueprint.get("/readyz")
def readyz():
    """The database answers and migrations are current (503 otherwise)."""
    report = readiness(get_db)
    return jsonify(report), 200 if report["ready"] else 503
