<?php
/**
 * Plain-php tests of sunrise.php's pure helpers (no WordPress needed): how a Host header
 * becomes the host name that is looked up, and a request path relative to a site's path.
 *   php wp-plugin-shim/tests/sunrise-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );

$hooked = array();
/** Stub: records the hooks sunrise.php adds. */
function add_filter( $hook, $callback, $priority = 10, $args = 1 ) {
	$GLOBALS['hooked'][] = $hook;
}
/** Stub. */
function add_action( $hook, $callback, $priority = 10, $args = 1 ) {
	$GLOBALS['hooked'][] = $hook;
}
/** Stub. */
function wp_cache_add_global_groups( $groups ) {
}

require dirname( __DIR__ ) . '/sunrise.php';

$checks = array(
	array( Sidecar_Sunrise::host( 'Shop.Example:8316' ), 'shop.example' ),
	array( Sidecar_Sunrise::host( 'shop.example.' ), 'shop.example' ),
	array( Sidecar_Sunrise::host( 'shop.example.:443' ), 'shop.example' ),
	array( Sidecar_Sunrise::host( 'xn--bcher-kva.example' ), 'xn--bcher-kva.example' ),
	array( Sidecar_Sunrise::host( '[::1]:8080' ), '' ),
	array( Sidecar_Sunrise::host( '' ), '' ),
	array( Sidecar_Sunrise::below( '/alice/sample-page/?x=1', '/alice/' ), '/sample-page/?x=1' ),
	array( Sidecar_Sunrise::below( '/alice/', '/alice/' ), '/' ),
	array( Sidecar_Sunrise::below( '/alice', '/alice/' ), '/' ),
	array( Sidecar_Sunrise::below( '/alice?p=1', '/alice/' ), '/?p=1' ),
	array( Sidecar_Sunrise::below( '/ALICE/x', '/alice/' ), '/x' ),
	array( Sidecar_Sunrise::below( '/alicebakery/x', '/alice/' ), '/alicebakery/x' ),
	array( Sidecar_Sunrise::below( '/x/y', '/' ), '/x/y' ),
	array( $hooked, array( 'pre_get_site_by_path', 'ms_loaded' ) ),
);

$failed = 0;
foreach ( $checks as $i => list( $got, $want ) ) {
	if ( $got !== $want ) {
		++$failed;
		echo "FAIL #$i: " . json_encode( $got ) . ' (want ' . json_encode( $want ) . ")\n";
	}
}
echo ( count( $checks ) - $failed ) . " passed, $failed failed\n";
exit( 0 === $failed ? 0 : 1 );
