<?php
/**
 * `POST /sidecar/v1/domains/forget` (docs/domains.md): after the sidecar adds, removes,
 * verifies, turns off or re-ranks a custom domain, WordPress must stop using what sunrise.php
 * cached about it. This route drops the cached lookups of the named host names and of the
 * site's primary domain. Without the drop-in installed there is nothing to drop.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The routing-cache route, authorised like every shim route.
 */
final class Sidecar_Domain_Cache {

	/** Most host names one call may name. */
	const MAX_DOMAINS = 200;

	/**
	 * Hooks route registration.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		register_rest_route(
			Sidecar_Rest::ROUTE_NAMESPACE,
			'/domains/forget',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'forget' ),
				'permission_callback' => array( Sidecar_Rest::class, 'authorize' ),
			)
		);
	}

	/**
	 * `POST /sidecar/v1/domains/forget` with JSON `{"blog_id":int, "domains":[string]}`; the
	 * `blog` claim must be `blog_id` (the site may already be deleted).
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 200 `{"ok":true,"forgotten":N,"sunrise":bool}`; 400
	 *                                   on bad input; 401 `sidecar_wrong_blog`.
	 */
	public static function forget( WP_REST_Request $request ) {
		$claims = Sidecar_Rest::claims_of( $request );
		if ( null === $claims ) {
			return self::error( 'sidecar_missing_assertion', __( 'The request was not authorised.', 'sidecar-shim' ), 401 );
		}
		$body    = $request->get_json_params();
		$blog_id = is_array( $body ) ? ( $body['blog_id'] ?? null ) : null;
		if ( ! is_int( $blog_id ) || $blog_id < 1 ) {
			return self::error( 'sidecar_invalid_blog_id', __( 'blog_id must be a site id.', 'sidecar-shim' ), 400 );
		}
		$domains = $body['domains'] ?? array();
		if ( ! self::is_domain_list( $domains ) ) {
			return self::error( 'sidecar_invalid_domains', __( 'domains must be a list of host names.', 'sidecar-shim' ), 400 );
		}
		if ( $claims['blog'] !== $blog_id ) {
			return self::error( 'sidecar_wrong_blog', __( 'The assertion was issued for another blog.', 'sidecar-shim' ), 401 );
		}
		$sunrise   = class_exists( 'Sidecar_Sunrise' );
		$forgotten = $sunrise ? Sidecar_Sunrise::forget( $domains, array( $blog_id ) ) : 0;
		return new WP_REST_Response(
			array(
				'ok'        => true,
				'forgotten' => $forgotten,
				'sunrise'   => $sunrise,
			),
			200
		);
	}

	/**
	 * Whether `$domains` is a list of at most MAX_DOMAINS host names.
	 *
	 * @param mixed $domains Input.
	 * @return bool
	 */
	private static function is_domain_list( $domains ): bool {
		if ( ! is_array( $domains ) || array_values( $domains ) !== $domains || count( $domains ) > self::MAX_DOMAINS ) {
			return false;
		}
		foreach ( $domains as $domain ) {
			if ( ! is_string( $domain ) || ! preg_match( '/^[a-z0-9.-]{1,253}$/', $domain ) ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * An error answer.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @param int    $status  HTTP status.
	 * @return WP_Error
	 */
	private static function error( string $code, string $message, int $status ): WP_Error {
		return new WP_Error( $code, $message, array( 'status' => $status ) );
	}
}
