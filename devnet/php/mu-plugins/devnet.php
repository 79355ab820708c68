<?php
/**
 * Plugin Name: devnet (local development network only)
 * Description: Installed by `python -m devnet up`. Keeps host:port on new sites' domains, writes
 *              mail to a log instead of sending it, and blocks outgoing HTTP except to this
 *              machine. Never install it on a real network.
 */

/**
 * Remembers the domain a site is saved with, before core's sanitising runs (priority 10).
 */
function devnet_remember_domain( $data ) {
	$GLOBALS['devnet_raw_domain'] = isset( $data['domain'] ) ? $data['domain'] : null;
	return $data;
}
add_filter( 'wp_normalize_site_data', 'devnet_remember_domain', 5 );

/**
 * Puts the port back: core's sanitize_user() turns 127.0.0.1:8091 into 127.0.0.18091.
 */
function devnet_restore_port( $data ) {
	$raw = isset( $GLOBALS['devnet_raw_domain'] ) ? strtolower( trim( $GLOBALS['devnet_raw_domain'] ) ) : '';
	if ( isset( $data['domain'] ) && preg_match( '/^([a-z0-9.-]+):(\d{1,5})$/', $raw, $m )
		&& $data['domain'] === $m[1] . $m[2] ) {
		$data['domain'] = $raw;
	}
	return $data;
}
add_filter( 'wp_normalize_site_data', 'devnet_restore_port', 20 );

/**
 * Appends each mail as one JSON line to DEVNET_MAIL_LOG (if defined) and reports it sent.
 */
function devnet_capture_mail( $return, $atts ) {
	if ( defined( 'DEVNET_MAIL_LOG' ) && DEVNET_MAIL_LOG ) {
		$line = array(
			'time'    => gmdate( 'c' ),
			'to'      => $atts['to'],
			'subject' => $atts['subject'],
			'message' => $atts['message'],
		);
		file_put_contents( DEVNET_MAIL_LOG, wp_json_encode( $line ) . "\n", FILE_APPEND | LOCK_EX );
	}
	return true;
}
add_filter( 'pre_wp_mail', 'devnet_capture_mail', 10, 2 );

/**
 * Refuses HTTP requests to anything but this machine.
 */
function devnet_block_http( $response, $args, $url ) {
	if ( false !== $response ) {
		return $response;
	}
	$host = strtolower( (string) wp_parse_url( $url, PHP_URL_HOST ) );
	if ( in_array( $host, array( '127.0.0.1', 'localhost', '[::1]', '::1' ), true ) ) {
		return false;
	}
	return new WP_Error( 'devnet_http_blocked', "devnet: outgoing HTTP to '$host' is blocked on this development network" );
}
add_filter( 'pre_http_request', 'devnet_block_http', 10, 3 );
