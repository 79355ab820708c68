<?php
/**
 * Configuration from wp-config.php constants: SIDECAR_URL and SIDECAR_SECRET.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads and checks the shim's two constants.
 */
final class Sidecar_Config {

	/**
	 * Base URL of the sidecar without a trailing slash, or '' when missing or invalid.
	 *
	 * @return string
	 */
	public static function url(): string {
		if ( ! defined( 'SIDECAR_URL' ) || ! is_string( SIDECAR_URL ) ) {
			return '';
		}
		$url   = rtrim( trim( SIDECAR_URL ), '/' );
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] )
			|| ! in_array( strtolower( $parts['scheme'] ?? '' ), array( 'http', 'https' ), true )
			|| isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
			return '';
		}
		return $url;
	}

	/**
	 * The shared secret, or '' when missing or shorter than 32 characters.
	 *
	 * @return string
	 */
	public static function secret(): string {
		if ( ! defined( 'SIDECAR_SECRET' ) || ! is_string( SIDECAR_SECRET )
			|| strlen( SIDECAR_SECRET ) < Sidecar_Assertion::MIN_SECRET_LENGTH ) {
			return '';
		}
		return SIDECAR_SECRET;
	}

	/**
	 * Whether both constants are usable.
	 *
	 * @return bool
	 */
	public static function is_ready(): bool {
		return '' !== self::url() && '' !== self::secret();
	}

	/**
	 * What is wrong with the configuration: per problem a translated sentence (`text`) and the
	 * wp-config.php line that fixes it (`line`).
	 *
	 * @return array[]
	 */
	public static function problems(): array {
		$problems = array();
		if ( '' === self::url() ) {
			$problems[] = array(
				/* translators: %s: constant name. */
				'text' => sprintf( __( '%s is missing or is not an http(s) URL. Add the sidecar\'s base URL to wp-config.php, for example:', 'sidecar-shim' ), 'SIDECAR_URL' ),
				'line' => "define( 'SIDECAR_URL', 'http://127.0.0.1:8000' );",
			);
		}
		if ( '' === self::secret() ) {
			$problems[] = array(
				'text' => sprintf(
					/* translators: 1: constant name, 2: minimum length. */
					__( '%1$s is missing or shorter than %2$d characters. Add the secret shared with the sidecar (its shim.secret setting) to wp-config.php:', 'sidecar-shim' ),
					'SIDECAR_SECRET',
					Sidecar_Assertion::MIN_SECRET_LENGTH
				),
				'line' => "define( 'SIDECAR_SECRET', '…' );",
			);
		}
		return $problems;
	}
}
