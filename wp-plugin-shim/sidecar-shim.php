<?php
/**
 * Plugin Name:       Sidecar Shim
 * Description:       Embeds the sidecar's Account and Network Admin pages in wp-admin, and its public sign-up page on the main site, through a signed server-side proxy; gives the sidecar a few signed REST routes.
 * Version:           0.4.0
 * Requires at least: 6.1
 * Requires PHP:      8.0
 * Network:           true
 * Text Domain:       sidecar-shim
 * Domain Path:       /languages
 *
 * Configuration (wp-config.php): SIDECAR_URL (base URL of the sidecar) and SIDECAR_SECRET
 * (the shared secret, at least 32 characters). The contract with the sidecar is
 * docs/protocol.md.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'SIDECAR_SHIM_VERSION', '0.4.0' );

require_once __DIR__ . '/includes/class-sidecar-assertion.php';
require_once __DIR__ . '/includes/class-sidecar-config.php';
require_once __DIR__ . '/includes/class-sidecar-proxy.php';
require_once __DIR__ . '/includes/class-sidecar-rest.php';
require_once __DIR__ . '/includes/class-sidecar-domain-cache.php';
require_once __DIR__ . '/includes/class-sidecar-limits.php';
require_once __DIR__ . '/includes/class-sidecar-post-limits.php';
require_once __DIR__ . '/includes/class-sidecar-user-limits.php';
require_once __DIR__ . '/includes/class-sidecar-visits.php';
require_once __DIR__ . '/includes/class-sidecar-site-status.php';
require_once __DIR__ . '/includes/class-sidecar-security.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'sidecar-shim', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );
	}
);

Sidecar_Proxy::register();
Sidecar_Rest::register();
Sidecar_Domain_Cache::register();
Sidecar_Limits::register();
Sidecar_Site_Status::register();
Sidecar_Security::register();
