<?php
/**
 * Plain-php tests of the pure parts of plan-limit enforcement (no WordPress):
 * Sidecar_Limits::parse(), ::adds_to_count() and ::user_refusal().
 *   php wp-plugin-shim/tests/limits-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-limits.php';

require_once __DIR__ . '/harness.php';

// parse(): the contract's example.
$parsed = Sidecar_Limits::parse(
	array(
		'v'               => 1,
		'limits'          => array(
			'post'         => 100,
			'page'         => 20,
			'product'      => 50,
			'users'        => 5,
			'users_role'   => array( 'editor' => 2 ),
			'disk_mb'      => 1000,
			'visits_month' => 10000,
		),
		'disk_used_bytes' => 123456789,
		'visits_blocked'  => false,
		'updated'         => 1764400000,
	)
);
check( 'example types', array( 'post' => 100, 'page' => 20, 'product' => 50 ) === $parsed['types'] );
check( 'example users', 5 === $parsed['users'] );
check( 'example roles', array( 'editor' => 2 ) === $parsed['users_role'] );
check( 'example disk', 1000 === $parsed['disk_mb'] && 123456789 === $parsed['disk_used_bytes'] );
check( 'example not blocked', false === $parsed['visits_blocked'] );

// parse(): refusals of the whole value (fail open).
foreach ( array( null, false, 'a:0:{}', array(), array( 'v' => 2 ), array( 'v' => '1x' ), array( 'limits' => array( 'post' => 1 ) ) ) as $i => $raw ) {
	check( "unusable value $i", null === Sidecar_Limits::parse( $raw ) );
}
// parse(): odd values under keys are ignored (unlimited); 0 means none allowed.
$odd = Sidecar_Limits::parse(
	array(
		'v'               => '1',
		'limits'          => array(
			'post'       => 0,
			'page'       => -3,
			'product'    => '7',
			'event'      => 2.0,
			'course'     => 2.5,
			'book'       => 'many',
			'recipe'     => true,
			'users'      => null,
			'users_role' => array( 'author' => '3', 'editor' => -1, '' => 4 ),
			'sites'      => 3,
			'domains'    => 1,
			'templates'  => 2,
			7            => 9,
		),
		'disk_used_bytes' => -5,
		'visits_blocked'  => 'yes',
	)
);
check( 'odd types', array( 'post' => 0, 'product' => 7, 'event' => 2 ) === $odd['types'] );
check( 'odd users unlimited', null === $odd['users'] && null === $odd['disk_mb'] );
check( 'odd roles', array( 'author' => 3 ) === $odd['users_role'] );
check( 'odd disk used', null === $odd['disk_used_bytes'] );
check( 'odd blocked needs true', false === $odd['visits_blocked'] );
check( 'blocked true', true === Sidecar_Limits::parse( array( 'v' => 1, 'visits_blocked' => true ) )['visits_blocked'] );
check( 'limits missing', array() === Sidecar_Limits::parse( array( 'v' => 1 ) )['types'] );

// adds_to_count(): [old status, same type, new status, expected].
$transitions = array(
	array( null, false, 'publish', true ),
	array( null, false, 'private', true ),
	array( null, false, 'future', true ),
	array( null, false, 'draft', false ),
	array( null, false, 'pending', false ),
	array( null, false, 'auto-draft', false ),
	array( 'auto-draft', true, 'publish', true ),
	array( 'draft', true, 'publish', true ),
	array( 'draft', true, 'future', true ),
	array( 'pending', true, 'private', true ),
	array( 'trash', true, 'publish', true ),
	array( 'publish', true, 'publish', false ),
	array( 'publish', true, 'private', false ),
	array( 'future', true, 'publish', false ),
	array( 'private', true, 'future', false ),
	array( 'publish', false, 'publish', true ),
	array( 'publish', true, 'draft', false ),
	array( 'publish', true, 'trash', false ),
);
foreach ( $transitions as list( $old, $same, $new, $expected ) ) {
	check( sprintf( 'adds_to_count %s->%s%s', $old ?? 'new', $new, $same ? '' : ' (other type)' ), $expected === Sidecar_Limits::adds_to_count( $old, $same, $new ) );
}

// user_refusal(): 5 users, 2 editors allowed.
$limits = array(
	'users'      => 5,
	'users_role' => array( 'editor' => 2 ),
);
check( '4 of 5 + 1 member', null === Sidecar_Limits::user_refusal( $limits, 4, array(), 1, array( 'author' => 1 ) ) );
$full = Sidecar_Limits::user_refusal( $limits, 5, array(), 1, array( 'author' => 1 ) );
check( '5 of 5 + 1 member refused', is_array( $full ) && 'users' === $full['key'] && 5 === $full['max'] );
check( '6 of 5 (already over) + 1 refused', null !== Sidecar_Limits::user_refusal( $limits, 6, array(), 1, array( 'author' => 1 ) ) );
check( '5 of 5, a member changes role', null === Sidecar_Limits::user_refusal( $limits, 5, array(), 0, array( 'author' => 1 ) ) );
check( '1 of 2 editors + 1', null === Sidecar_Limits::user_refusal( $limits, 3, array( 'editor' => 1 ), 1, array( 'editor' => 1 ) ) );
$role = Sidecar_Limits::user_refusal( $limits, 3, array( 'editor' => 2 ), 1, array( 'editor' => 1 ) );
check( '2 of 2 editors + 1 refused', is_array( $role ) && 'users_role' === $role['key'] && 'editor' === $role['role'] && 2 === $role['max'] );
check( '2 of 2 editors, promotion refused', null !== Sidecar_Limits::user_refusal( $limits, 3, array( 'editor' => 2 ), 0, array( 'editor' => 1 ) ) );
check( 'bulk: 0 of 2 editors + 3 refused', null !== Sidecar_Limits::user_refusal( $limits, 3, array( 'editor' => 0 ), 0, array( 'editor' => 3 ) ) );
check( 'bulk: 3 of 5 + 2 members', null === Sidecar_Limits::user_refusal( $limits, 3, array(), 2, array() ) );
check( 'bulk: 4 of 5 + 2 members refused', null !== Sidecar_Limits::user_refusal( $limits, 4, array(), 2, array() ) );
check( 'unlimited users', null === Sidecar_Limits::user_refusal( array( 'users' => null, 'users_role' => array() ), 1000, array(), 1, array( 'editor' => 1 ) ) );
check( 'unlimited role', null === Sidecar_Limits::user_refusal( array( 'users' => null, 'users_role' => array( 'editor' => 1 ) ), 9, array( 'author' => 9 ), 1, array( 'author' => 1 ) ) );

finish();
