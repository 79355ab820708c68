<?php
/**
 * Plain-php tests of the public sign-up proxy's pure parts (no WordPress needed):
 *   php wp-plugin-shim/tests/public-proxy-test.php
 * Sidecar_Proxy::link() (the `?sc=` / `&sc=` separator) and Sidecar_Proxy::public_sub_path()
 * (which front-end paths are the sign-up page, and what sub-path they ask for).
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-proxy.php';

$passed = 0;
$failed = 0;

/**
 * Records one comparison.
 *
 * @param string $name Check name.
 * @param mixed  $want Expected value.
 * @param mixed  $got  Actual value.
 */
function same( string $name, $want, $got ): void {
	global $passed, $failed;
	if ( $want === $got ) {
		++$passed;
		return;
	}
	++$failed;
	echo "FAIL $name: got " . var_export( $got, true ) . ', want ' . var_export( $want, true ) . "\n";
}

// link(): `?sc=` unless base already has a query string, then `&sc=`; sc rawurlencoded.
same( 'public base', 'http://net/signup/?sc=%2Fstep2', Sidecar_Proxy::link( 'http://net/signup/', '/step2' ) );
same( 'public base, query kept in sc', 'http://net/signup/?sc=%2Fstep2%3Fp%3D2%26q%3Da%20b', Sidecar_Proxy::link( 'http://net/signup/', '/step2?p=2&q=a b' ) );
same( 'admin base', 'http://net/a/wp-admin/admin.php?page=sidecar-account&sc=%2Finvoices%3Fp%3D2', Sidecar_Proxy::link( 'http://net/a/wp-admin/admin.php?page=sidecar-account', '/invoices?p=2' ) );
same( 'base with a query string', 'http://net/?lang=nl&sc=%2F', Sidecar_Proxy::link( 'http://net/?lang=nl', '/' ) );
same( 'tilde and slash encoded as rawurlencode does', 'http://net/signup/?sc=%2Fa~b%2Fc', Sidecar_Proxy::link( 'http://net/signup/', '/a~b/c' ) );

// public_sub_path( request URI, home path ).
$paths = array(
	array( '/signup/', '/', '/' ),
	array( '/signup', '/', '/' ),
	array( '/signup/step2', '/', '/step2' ),
	array( '/signup/a/b/', '/', '/a/b/' ),
	array( '/signup/?plan=pro', '/', '/?plan=pro' ),
	array( '/signup?plan=pro', '/', '/?plan=pro' ),
	array( '/signup/step2?p=2&x=1', '/', '/step2?p=2&x=1' ),
	array( '/signup/?sc=%2Fstep2', '/', '/?sc=%2Fstep2' ),
	array( '/signup/?', '/', '/' ),
	array( '/wp/signup/x', '/wp/', '/x' ),
	array( '/wp/signup', '/wp', '/' ),
	array( '/signup/', '', '/' ),
	// Not the sign-up page.
	array( '/', '/', null ),
	array( '/signupx/', '/', null ),
	array( '/signup.php', '/', null ),
	array( '/alice/signup/', '/', null ),
	array( '/Signup/', '/', null ),
	array( '/signup/', '/wp/', null ),
	array( '/x?next=/signup/', '/', null ),
	array( '//signup/', '/', null ),
);
foreach ( $paths as list( $uri, $home, $want ) ) {
	same( "public_sub_path($uri, $home)", $want, Sidecar_Proxy::public_sub_path( $uri, $home ) );
}

// What the page then asks the sidecar for (sanitised as the admin proxy does).
same( 'path form sanitised', '/step2?p=2', Sidecar_Proxy::sanitize_sc( Sidecar_Proxy::public_sub_path( '/signup/step2?p=2', '/' ) ) );
same( 'dot-dot path refused', '/', Sidecar_Proxy::sanitize_sc( Sidecar_Proxy::public_sub_path( '/signup/../network/', '/' ) ) );
same( 'encoded path refused', '/', Sidecar_Proxy::sanitize_sc( Sidecar_Proxy::public_sub_path( '/signup/%2e%2e/x', '/' ) ) );
same( 'double slash refused', '/', Sidecar_Proxy::sanitize_sc( Sidecar_Proxy::public_sub_path( '/signup//evil.example/', '/' ) ) );

echo "$passed passed, $failed failed\n";
exit( 0 === $failed ? 0 : 1 );
