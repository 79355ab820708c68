"""Reports from the shim about log-ins (audience ``auth``, docs/protocol.md "Account locks"):
``POST /auth/login-failed`` — a wrong password for user ``sub`` on wp-login.php."""

from __future__ import annotations

from flask import Blueprint, g, jsonify
from flask_babel import gettext

from ..auth import verified_claims
from ..context import get_wp, settings
from ..domain import locks
from ..domain.clock import utcnow
from ..errors import NotFound

blueprint = Blueprint("auth_reports", __name__, url_prefix="/auth")


@blueprint.before_request
def _verify():
    """Only the shim, with a fresh assertion for this path, for this network."""
    g.claims = verified_claims("auth")
    if g.claims.net != settings().wordpress.network_id:
        raise NotFound(gettext("This network is not served here."))


@blueprint.post("/login-failed")
def login_failed():
    """Count the failure; answer whether the account is now locked."""
    now = utcnow()
    lock = locks.report_login_failure(get_wp().db, g.claims.sub, settings().security, now)
    return jsonify(
        {
            "locked": lock is not None,
            "locked_until": lock.locked_until.isoformat() + "Z" if lock else None,
        }
    )
