"""Batch counts (one statement per batch of sites) equal WordPress's own numbers:
``wp_count_posts`` per type and status, ``count_users`` per role."""

import uuid

import pytest

from sidecar.wp_bridge.tables.usage import COUNTED_STATUSES, post_counts, role_counts, site_ids

from .limits_support import create_site, run_php

pytestmark = pytest.mark.integration

# Posts of every status and a custom post type, and users with several roles, on a new site.
_FILL = r"""
switch_to_blog( $job['blog_id'] );
$statuses = array( 'publish', 'publish', 'draft', 'pending', 'private', 'trash', 'auto-draft' );
foreach ( array( 'post', 'page', 'product' ) as $type ) {
    foreach ( $statuses as $n => $status ) {
        wp_insert_post( array( 'post_type' => $type, 'post_status' => $status,
            'post_title' => "$type $n", 'post_author' => 1 ) );
    }
}
wp_insert_post( array( 'post_type' => 'post', 'post_status' => 'future', 'post_title' => 'later',
    'post_date' => gmdate( 'Y-m-d H:i:s', time() + 86400 * 30 ), 'post_author' => 1 ) );
$users = array();
foreach ( array( 'editor', 'editor', 'author', 'subscriber', 'contributor' ) as $n => $role ) {
    $login = $job['tag'] . $n;
    $id = wpmu_create_user( $login, 'pw-' . $job['tag'], $login . '@example.test' );
    add_user_to_blog( $job['blog_id'], $id, $role );
    $users[] = $id;
}
$last = end( $users );
$user = new WP_User( $last, '', $job['blog_id'] );
$user->add_role( 'author' );  /* one user with two roles */
restore_current_blog();
return $users;
"""

# WordPress's own numbers, per site.
_COUNT = r"""
register_post_type( 'product', array( 'public' => true ) );
$out = array();
foreach ( $job['blogs'] as $id ) {
    switch_to_blog( $id );
    $types = array();
    foreach ( array( 'post', 'page', 'product' ) as $type ) {
        $types[ $type ] = (array) wp_count_posts( $type );
    }
    $out[ $id ] = array( 'posts' => $types, 'time' => count_users( 'time', $id ),
        'memory' => count_users( 'memory', $id ) );
    restore_current_blog();
}
return $out;
"""


def test_batch_counts_equal_wordpress(network, created, wpdb):
    tag = f"lim{uuid.uuid4().hex[:6]}"
    blog_id = create_site(network, created, tag)
    created["users"].extend(run_php(network, _FILL, blog_id=blog_id, tag=tag))
    batch = site_ids(wpdb, 1, after_id=0, limit=200)
    assert blog_id in batch and 1 in batch
    posts = post_counts(wpdb, batch)
    users = role_counts(wpdb, batch)
    wordpress = run_php(network, _COUNT, blogs=batch)
    for site in batch:
        expected = wordpress[str(site)]
        for post_type, statuses in expected["posts"].items():
            counted = sum(int(statuses.get(status, 0)) for status in COUNTED_STATUSES)
            assert posts[site].get(post_type, 0) == counted, (site, post_type)
        for strategy in ("time", "memory"):
            roles = {k: v for k, v in expected[strategy]["avail_roles"].items() if k != "none"}
            assert users[site].roles == {k: v for k, v in roles.items() if v}, (site, strategy)
            none = expected[strategy]["avail_roles"].get("none", 0)
            assert users[site].users == expected[strategy]["total_users"] - none
    # post: 2 published + WordPress's "Hello world!" + 1 private + 1 scheduled; no drafts
    assert posts[blog_id] == {"post": 5, "page": 4, "product": 3}
    expected_roles = {"administrator": 1, "editor": 2, "author": 2, "subscriber": 1}
    assert users[blog_id].roles == {**expected_roles, "contributor": 1}
    assert users[blog_id].users == 6  # the admin and five; the last has two roles
