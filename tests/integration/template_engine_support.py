"""Helpers for the template engine tests: build a template and a target site in the real
WordPress (posts with URLs in every form, serialized meta and options, widgets, a comment, a
term, a menu item, an uploaded file), queue a switch, and check the result with real PHP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import requests

from .limits_support import run_php

ROOT = Path(__file__).resolve().parents[2]

# Creates a site and fills it; $job: domain, path, title, marker, admin (user id).
_MAKE_SITE = r"""
$id = wpmu_create_blog( $job['domain'], $job['path'], $job['title'], $job['admin'] );
if ( is_wp_error( $id ) ) { throw new Exception( $id->get_error_message() ); }
switch_to_blog( $id );
$home = home_url();
$json_home = str_replace( '/', '\/', $home );
$m = $job['marker'];
$upload = wp_upload_bits( "$m-photo.jpg", null, "photo of $m" );
if ( ! empty( $upload['error'] ) ) { throw new Exception( $upload['error'] ); }
$post_ids = array();
for ( $i = 1; $i <= 3; $i++ ) {
    $post_ids[] = wp_insert_post( array(
        'post_title' => "$m post $i",
        'post_status' => 'publish',
        'post_excerpt' => "Excerpt $m see $home/about/",
        'post_content' => "<!-- wp:image {\"url\":\"$json_home\/wp-content\/uploads\/x.jpg\"} -->"
            . "<p>$m body ünïcødé <a href=\"$home/post-$i/\">link</a> "
            . "<img src=\"" . $upload['url'] . "\"></p><!-- /wp:image -->"
            . " encoded " . rawurlencode( "$home/enc/" ),
    ) );
}
$pid = $post_ids[0];
update_post_meta( $pid, 'plain_url', "$home/plain/" );
update_post_meta(
    $pid, 'ser_urls', array( 'a' => "$home/a/", 'é' => array( "$home/ñ/", 42, 1.5, true ) )
);
update_post_meta( $pid, 'nested', serialize( array( 'inner' => "$home/inner/" ) ) );
update_post_meta( $pid, 'json_meta', wp_json_encode( array( 'u' => "$home/json/" ) ) );
$widget = array( 'title' => "$m widget", 'text' => "<a href='$home/w/'>w</a>" );
update_option( 'widget_text', array( 2 => $widget, '_multiwidget' => 1 ) );
update_option( $m . '_settings', array(
    'logo' => $upload['url'], 'home' => $home, 'obj' => (object) array( 'u' => "$home/o/" ),
) );
update_option( 'blogdescription', "$m tagline" );
wp_insert_comment( array(
    'comment_post_ID' => $pid, 'comment_content' => "$m comment $home/c/",
    'comment_approved' => 1, 'comment_author_url' => "$home/author/",
) );
$term = wp_insert_term( "$m topic", 'category', array( 'description' => "$m term $home/t/" ) );
update_option( 'page_on_front', 0 );
restore_current_blog();
return array( 'id' => $id, 'home' => $home, 'upload' => $upload['url'] );
"""


def make_site(network: dict, created: dict, path: str, marker: str, admin: int = 1) -> dict:
    """Create and fill site ``/<path>/``; deleted after the test. Returns id, home, upload."""
    site = run_php(
        network,
        _MAKE_SITE,
        domain=urlsplit(network["url"]).netloc,
        path=f"/{path}/",
        title=f"{marker} site",
        marker=marker,
        admin=admin,
    )
    created["blogs"].append(int(site["id"]))
    return site


# Unserializes (with PHP) every option and postmeta value of a site that looks serialized;
# returns the failures and the rows still holding the needle.
_CHECK = r"""
global $wpdb;
$prefix = $wpdb->get_blog_prefix( $job['blog_id'] );
$bad = array();
$columns = array( "{$prefix}options" => 'option_value', "{$prefix}postmeta" => 'meta_value' );
foreach ( $columns as $table => $col ) {
    foreach ( $wpdb->get_col( "SELECT $col FROM $table" ) as $value ) {
        if ( is_serialized( $value ) && false === @unserialize( $value ) && 'b:0;' !== $value ) {
            $bad[] = substr( $value, 0, 200 );
        }
    }
}
$left = array();
$like = $wpdb->esc_like( $prefix ) . '%';
$tables = $wpdb->get_col( $wpdb->prepare( 'SHOW TABLES LIKE %s', $like ) );
foreach ( $tables as $table ) {
    foreach ( $wpdb->get_results( "SELECT * FROM `$table`", ARRAY_A ) as $row ) {
        foreach ( $row as $value ) {
            foreach ( $job['needles'] as $needle ) {
                if ( is_string( $value ) && false !== strpos( $value, $needle ) ) {
                    $left[] = "$table: " . substr( $value, 0, 160 );
                }
            }
        }
    }
}
return array( 'unserialize_failures' => $bad, 'needles_left' => $left, 'tables' => $tables );
"""


def php_check(network: dict, blog_id: int, needles: list[str]) -> dict:
    """Real PHP over the site's rows: unserialize failures and leftover needles."""
    return run_php(network, _CHECK, blog_id=blog_id, needles=needles)


def front_page(site_home: str) -> str:
    """The site's home page as WordPress serves it."""
    answer = requests.get(site_home.rstrip("/") + "/", timeout=30)
    answer.raise_for_status()
    return answer.text


def worker(config_path: Path, switch_id: int, crash_at: str = "") -> subprocess.CompletedProcess:
    """Run ``sidecar templates work ID`` as a real subprocess (optionally crashing)."""
    env = {**os.environ, "SIDECAR_CONFIG": str(config_path)}
    env.pop("SIDECAR_SWITCH_CRASH_AT", None)
    if crash_at:
        env["SIDECAR_SWITCH_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "templates", "work", str(switch_id)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def as_json(value) -> str:
    return json.dumps(value, default=str)
