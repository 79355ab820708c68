<?php
/**
 * `sidecar shim install|uninstall` helper: loads WordPress from the command line as a request
 * for the network's main site and (de)activates a plugin network-wide through WordPress's own
 * functions. Prints one JSON object; exit status 1 with a message on stderr on failure.
 *
 *     php wp_plugin_tool.php WP_PATH HOST[:PORT] PATH ACTION PLUGIN_FILE
 *
 * ACTION: status | activate | deactivate | uninstall (deactivate, then run its uninstall.php).
 */

if ( PHP_SAPI !== 'cli' || $argc !== 6 ) {
	fwrite( STDERR, "usage: php wp_plugin_tool.php WP_PATH HOST PATH status|activate|deactivate|uninstall PLUGIN_FILE\n" );
	exit( 2 );
}

list( , $sidecar_wp_path, $sidecar_host, $sidecar_path, $sidecar_action, $sidecar_plugin ) = $argv;

$sidecar_parts              = explode( ':', $sidecar_host );
$_SERVER['HTTP_HOST']       = $sidecar_host;
$_SERVER['SERVER_NAME']     = $sidecar_parts[0];
$_SERVER['SERVER_PORT']     = $sidecar_parts[1] ?? '80';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
$_SERVER['REQUEST_URI']     = $sidecar_path;
$_SERVER['SCRIPT_NAME']     = $sidecar_path . 'index.php';
$_SERVER['PHP_SELF']        = $sidecar_path . 'index.php';
$_SERVER['SCRIPT_FILENAME'] = $sidecar_wp_path . '/index.php';

require $sidecar_wp_path . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

/**
 * Prints a message to stderr and ends the process with status 1.
 *
 * @param string $message What went wrong.
 */
function sidecar_tool_fail( $message ) {
	fwrite( STDERR, $message . "\n" );
	exit( 1 );
}

if ( ! is_multisite() ) {
	sidecar_tool_fail( 'this WordPress is not a multisite network (MULTISITE is not set in wp-config.php)' );
}

$sidecar_exists = file_exists( WP_PLUGIN_DIR . '/' . $sidecar_plugin );
$sidecar_did    = 'nothing';
if ( 'activate' === $sidecar_action ) {
	if ( ! $sidecar_exists ) {
		sidecar_tool_fail( "the plugin file $sidecar_plugin is not in " . WP_PLUGIN_DIR );
	}
	if ( ! is_plugin_active_for_network( $sidecar_plugin ) ) {
		$sidecar_result = activate_plugin( $sidecar_plugin, '', true );
		if ( is_wp_error( $sidecar_result ) ) {
			sidecar_tool_fail( 'WordPress refused to activate the plugin: ' . $sidecar_result->get_error_message() );
		}
		$sidecar_did = 'activated';
	}
} elseif ( 'deactivate' === $sidecar_action || 'uninstall' === $sidecar_action ) {
	if ( is_plugin_active_for_network( $sidecar_plugin ) ) {
		deactivate_plugins( $sidecar_plugin, false, true );
		$sidecar_did = 'deactivated';
	}
	if ( 'uninstall' === $sidecar_action && $sidecar_exists ) {
		uninstall_plugin( $sidecar_plugin );
		$sidecar_did = 'uninstalled';
	}
} elseif ( 'status' !== $sidecar_action ) {
	sidecar_tool_fail( "unknown action $sidecar_action" );
}

$sidecar_version = '';
if ( file_exists( WP_PLUGIN_DIR . '/' . $sidecar_plugin ) ) {
	$sidecar_data    = get_plugin_data( WP_PLUGIN_DIR . '/' . $sidecar_plugin, false, false );
	$sidecar_version = $sidecar_data['Version'];
}
echo json_encode(
	array(
		'did'            => $sidecar_did,
		'installed'      => file_exists( WP_PLUGIN_DIR . '/' . $sidecar_plugin ),
		'network_active' => is_plugin_active_for_network( $sidecar_plugin ),
		'version'        => $sidecar_version,
		'wp_version'     => $GLOBALS['wp_version'],
	)
) . "\n";
