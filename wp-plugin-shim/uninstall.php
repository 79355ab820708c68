<?php
/**
 * Uninstall: the shim stores nothing but its replay-guard transients
 * (`sidecar_jti_<jti>`, network-wide); delete those that are still there.
 *
 * @package SidecarShim
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

global $wpdb;

$sidecar_shim_patterns = array(
	$wpdb->esc_like( '_site_transient_sidecar_jti_' ) . '%',
	$wpdb->esc_like( '_site_transient_timeout_sidecar_jti_' ) . '%',
);

foreach ( $sidecar_shim_patterns as $sidecar_shim_pattern ) {
	if ( is_multisite() ) {
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- bulk delete of our own transients, no API for a prefix.
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->sitemeta} WHERE meta_key LIKE %s", $sidecar_shim_pattern ) );
	} else {
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- bulk delete of our own transients, no API for a prefix.
		$wpdb->query( $wpdb->prepare( "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s", $sidecar_shim_pattern ) );
	}
}

// With a persistent object cache the transients live there and expire within two minutes.
