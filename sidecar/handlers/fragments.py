"""Rendering of page fragments that the shim prints inside wp-admin."""

from __future__ import annotations

from flask import make_response, render_template

FRAGMENT_HEADER = "X-Sidecar-Fragment"


def render_fragment(template: str, status: int = 200, **context):
    """Render ``template`` as a wp-admin fragment (marked for the shim, never cached)."""
    response = make_response(render_template(template, **context), status)
    response.headers[FRAGMENT_HEADER] = "1"
    response.headers["Cache-Control"] = "no-store"
    return response
