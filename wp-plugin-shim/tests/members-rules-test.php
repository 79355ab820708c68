<?php
/**
 * Plain-php test of the role rule of POST /sidecar/v1/sites/members that needs no WordPress:
 * Sidecar_Rest::is_role_name().
 *   php wp-plugin-shim/tests/members-rules-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-rest.php';

require_once __DIR__ . '/harness.php';

$roles = array(
	'administrator'         => true,
	'editor'                => true,
	'shop_manager'          => true,
	'wpseo-editor'          => true,
	'a'                     => true,
	str_repeat( 'a', 64 )   => true,
	str_repeat( 'a', 65 )   => false,
	''                      => false,
	'Editor'                => false,
	'edi tor'               => false,
	"editor\n"              => false,
	'editor;drop'           => false,
	'r\u{f4}le'             => false,
);
foreach ( $roles as $role => $ok ) {
	check( json_encode( (string) $role ), $ok === Sidecar_Rest::is_role_name( (string) $role ) );
}

finish();
