<?php
/**
 * Plain-php tests of the input rules of POST /sidecar/v1/sites and /users that need no
 * WordPress: Sidecar_Rest::is_site_path() and Sidecar_Rest::is_password().
 *   php wp-plugin-shim/tests/signup-rules-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-rest.php';

require_once __DIR__ . '/harness.php';

// Site paths: [path, ok in a subdirectory network, ok in a subdomain network].
$paths = array(
	array( 'abc', true, true ),
	array( 'alice', true, true ),
	array( 'bobs-bikes', true, true ),
	array( 'a1b', true, true ),
	array( '2024-shop', true, true ),
	array( str_repeat( 'a', 63 ), true, true ),
	array( '-abc', true, false ),
	array( 'abc-', true, false ),
	array( 'ab', false, false ),
	array( str_repeat( 'a', 64 ), false, false ),
	array( '2024', false, false ),
	array( '123-456', false, false ),
	array( 'Abc', false, false ),
	array( 'a_bc', false, false ),
	array( 'a.bc', false, false ),
	array( 'abc/', false, false ),
	array( '/abc', false, false ),
	array( "abc\n", false, false ),
	array( 'caf' . "\u{e9}", false, false ),
	array( '', false, false ),
);
foreach ( $paths as list( $path, $subdir_ok, $subdomain_ok ) ) {
	$label = json_encode( $path );
	check( "$label subdirectory", $subdir_ok === Sidecar_Rest::is_site_path( $path, false ) );
	check( "$label subdomain", $subdomain_ok === Sidecar_Rest::is_site_path( $path, true ) );
}

// Passwords.
$passwords = array(
	'correct horse battery staple' => true,
	'x'                            => true,
	"p\u{e4}ss-\u{2603}"           => true,
	str_repeat( 'a', 4096 )        => true,
	str_repeat( 'a', 4097 )        => false,
	''                             => false,
	' leading'                     => false,
	'trailing '                    => false,
	"tab\tinside"                  => false,
	"nul\0inside"                  => false,
	'back\\slash'                  => false,
);
foreach ( $passwords as $password => $ok ) {
	check( 'password ' . json_encode( substr( (string) $password, 0, 20 ) ), $ok === Sidecar_Rest::is_password( (string) $password ) );
}

finish();
