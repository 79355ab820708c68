"""Helpers for the limits tests: run PHP against the network's WordPress (its own numbers to
compare with), create throw-away sites and users there, and call the sidecar as the shim."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import urlsplit

from .shim_double import csrf_in, signed_request

# Loads WordPress for the main site, then runs the snippet in $argv[2]; the snippet returns a
# value, printed as JSON. $job holds the JSON of $argv[1].
_RUNNER = r"""
$job = json_decode( $argv[1], true );
$_SERVER['HTTP_HOST']      = $job['host'];
$_SERVER['SERVER_NAME']    = explode( ':', $job['host'] )[0];
$_SERVER['REQUEST_URI']    = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
require $job['wp_path'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
$sidecar_test_result = ( static function ( array $job ) { %s } )( $job );
echo "\n@@RESULT@@" . wp_json_encode( $sidecar_test_result );
"""


def run_php(network: dict, snippet: str, **job) -> object:
    """Run ``snippet`` (a PHP function body that returns a value) inside WordPress."""
    payload = {"host": urlsplit(network["url"]).netloc, "wp_path": network["wp_path"], **job}
    done = subprocess.run(
        ["php", "-d", "memory_limit=512M", "-r", _RUNNER % snippet, "--", json.dumps(payload)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0 or "@@RESULT@@" not in done.stdout:
        raise RuntimeError(f"php failed ({done.returncode}): {done.stdout[-2000:]}{done.stderr}")
    return json.loads(done.stdout.rsplit("@@RESULT@@", 1)[1])


def create_site(network: dict, created: dict, path: str) -> int:
    """Create a site ``/<path>/`` owned by the super admin; deleted after the test."""
    blog_id = int(
        run_php(
            network,
            "$id = wpmu_create_blog( $job['domain'], $job['path'], 'Limits test', 1 );"
            " if ( is_wp_error( $id ) ) { throw new Exception( $id->get_error_message() ); }"
            " return $id;",
            domain=urlsplit(network["url"]).netloc,
            path=f"/{path}/",
        )
    )
    created["blogs"].append(blog_id)
    return blog_id


def call(sidecar_url, network, path, *, aud, sub, blog, method="GET", data=None):
    """Request a sidecar page as the shim would (a fresh assertion)."""
    return signed_request(
        sidecar_url, network, path, method, data, timeout=20, aud=aud, sub=sub, blog=blog
    )


def csrf(page) -> str:
    return csrf_in(page)
