"""Deleting WordPress users and sites a test created, through WordPress itself
(``wpmu_delete_blog``/``wpmu_delete_user`` in a short ``php`` run against ``wp-load.php``)."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import urlsplit

import pytest

from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.options import get_option
from sidecar.wp_bridge.tables.sites import get_site
from sidecar.wp_bridge.tables.users import get_user

# Deletes the sites and users named in $argv[1] (JSON), as a request for the main site. The
# loops run inside a function: WordPress keeps the current site in the global $blog_id, and a
# global loop variable of that name would make wpmu_delete_blog() drop the main site's tables.
_DELETE_PHP = r"""
$sidecar_test_job = json_decode( $argv[1], true );
$_SERVER['HTTP_HOST']      = $sidecar_test_job['host'];
$_SERVER['SERVER_NAME']    = explode( ':', $sidecar_test_job['host'] )[0];
$_SERVER['REQUEST_URI']    = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
require $sidecar_test_job['wp_path'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';
( static function ( array $job ) {
    foreach ( $job['blogs'] as $id ) {
        if ( is_main_site( $id ) ) {
            fwrite( STDERR, "refusing to delete the main site\n" );
            exit( 1 );
        }
        if ( get_site( $id ) ) {
            wpmu_delete_blog( $id, true );
        }
    }
    foreach ( $job['users'] as $id ) {
        if ( get_userdata( $id ) && ! wpmu_delete_user( $id ) ) {
            fwrite( STDERR, "could not delete user $id\n" );
            exit( 1 );
        }
    }
} )( $sidecar_test_job );
"""


@pytest.fixture
def wpdb(settings):
    db = connect(settings.database)
    yield db
    db.close()


@pytest.fixture
def created(network, wpdb):
    """Ids of what a test created: ``{"blogs": [...], "users": [...]}``, deleted afterwards."""
    made = {"blogs": [], "users": []}
    yield made
    if made["blogs"] or made["users"]:
        job = {"host": urlsplit(network["url"]).netloc, "wp_path": network["wp_path"], **made}
        subprocess.run(
            ["php", "-r", _DELETE_PHP, "--", json.dumps(job)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        for blog_id in made["blogs"]:
            assert get_site(wpdb, blog_id) is None
        for user_id in made["users"]:
            assert get_user(wpdb, user_id) is None
        assert get_option(wpdb, 1, "siteurl"), "the main site must be untouched"
