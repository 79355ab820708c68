<?php
/**
 * Plain-php tests of Sidecar_Proxy::timeout_for() (no WordPress needed): exports (sub-paths
 * ending in `/export`) get the long download timeout, every other page the short one.
 *   php wp-plugin-shim/tests/proxy-timeout-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once __DIR__ . '/harness.php';
require_once dirname( __DIR__ ) . '/includes/class-sidecar-proxy.php';

$long  = Sidecar_Proxy::DOWNLOAD_TIMEOUT;
$short = Sidecar_Proxy::TIMEOUT;

check( 'export with a query string', $long === Sidecar_Proxy::timeout_for( '/customers/export?format=xlsx&q=a' ) );
check( 'export without a query string', $long === Sidecar_Proxy::timeout_for( '/customers/export' ) );
check( 'the grid', $short === Sidecar_Proxy::timeout_for( '/customers?q=export' ) );
check( 'export only in the query', $short === Sidecar_Proxy::timeout_for( '/customers?next=/export' ) );
check( 'a path that merely contains export', $short === Sidecar_Proxy::timeout_for( '/exports/list' ) );
check( 'the root', $short === Sidecar_Proxy::timeout_for( '/' ) );
check( 'downloads wait longer than pages', $long > $short );

finish();
