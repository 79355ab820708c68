<?php
/**
 * REST routes the sidecar calls (docs/protocol.md, "Shim REST routes"): namespace sidecar/v1.
 *
 * Every request must carry a valid `X-Sidecar-Assertion` with aud `shim`, bound to the
 * method and the route as WordPress's REST server sees it; a one-time id is refused the
 * second time (kept in a network-wide transient until the assertion expires).
 *
 * The body of /cache/clear is validated in the callback rather than with `args`: WordPress
 * validates `args` before the permission callback, which would answer 400 (and reveal
 * whether a blog exists) to callers without a valid assertion.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Routes `GET /sidecar/v1/ping` and `POST /sidecar/v1/cache/clear`.
 */
final class Sidecar_Rest {

	const ROUTE_NAMESPACE = 'sidecar/v1';

	/** Prefix of the replay-guard site transients (followed by the jti). */
	const JTI_TRANSIENT = 'sidecar_jti_';

	/** Most user ids one /cache/clear call may name. */
	const MAX_USER_IDS = 1000;

	/**
	 * Claims of the verified assertion of each request (by spl_object_id of the request),
	 * for the callbacks.
	 *
	 * @var array<int, array>
	 */
	private static $claims = array();

	/**
	 * Hooks route registration.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/ping',
			array(
				'methods'             => 'GET',
				'callback'            => array( self::class, 'ping' ),
				'permission_callback' => array( self::class, 'authorize' ),
			)
		);
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/cache/clear',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'clear_cache' ),
				'permission_callback' => array( self::class, 'authorize' ),
			)
		);
	}

	/**
	 * Permission callback: verifies the assertion and refuses replays.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return true|WP_Error WP_Error with status 401 when refused.
	 */
	public static function authorize( WP_REST_Request $request ) {
		$secret = Sidecar_Config::secret();
		if ( '' === $secret ) {
			return self::refuse( 'sidecar_not_configured', __( 'SIDECAR_SECRET is not configured on this network.', 'sidecar-shim' ) );
		}
		$token = (string) $request->get_header( 'x_sidecar_assertion' );
		if ( '' === $token ) {
			return self::refuse( 'sidecar_missing_assertion', __( 'The X-Sidecar-Assertion header is missing.', 'sidecar-shim' ) );
		}
		$now = time();
		try {
			$claims = Sidecar_Assertion::verify( $secret, $token, 'shim', $request->get_method(), $request->get_route(), $now );
		} catch ( Sidecar_Assertion_Exception $e ) {
			return self::refuse( $e->get_error_code(), $e->getMessage() );
		}
		$key = self::JTI_TRANSIENT . $claims['jti'];
		if ( false !== get_site_transient( $key ) ) {
			return self::refuse( 'sidecar_replay', __( 'This assertion has already been used.', 'sidecar-shim' ) );
		}
		set_site_transient( $key, 1, max( 1, $claims['exp'] - $now ) );
		self::$claims[ spl_object_id( $request ) ] = $claims;
		return true;
	}

	/**
	 * `GET /sidecar/v1/ping`.
	 *
	 * @return WP_REST_Response `{"ok":true,"shim_version":…,"wp_version":…}`.
	 */
	public static function ping(): WP_REST_Response {
		return new WP_REST_Response(
			array(
				'ok'           => true,
				'shim_version' => SIDECAR_SHIM_VERSION,
				'wp_version'   => get_bloginfo( 'version' ),
			),
			200
		);
	}

	/**
	 * `POST /sidecar/v1/cache/clear` with JSON `{"blog_id":int?, "user_ids":[int]?,
	 * "options":bool?}`: clean_blog_cache() of the blog, its `alloptions`/`notoptions` (when
	 * `options`, which defaults to true when a blog is named), clean_user_cache() of each user.
	 * A named blog must be the assertion's `blog` claim.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 400 on invalid arguments.
	 */
	public static function clear_cache( WP_REST_Request $request ) {
		$claims = self::$claims[ spl_object_id( $request ) ] ?? null;
		if ( null === $claims ) {
			return self::refuse( 'sidecar_missing_assertion', __( 'The request was not authorised.', 'sidecar-shim' ) );
		}
		$args = self::clear_args( $request );
		if ( is_wp_error( $args ) ) {
			return $args;
		}
		if ( (int) $args['blog_id'] !== $claims['blog'] ) {
			return self::refuse( 'sidecar_wrong_blog', __( 'The assertion was issued for another blog.', 'sidecar-shim' ) );
		}

		if ( $args['blog_id'] ) {
			clean_blog_cache( $args['blog_id'] );
			if ( $args['options'] ) {
				switch_to_blog( $args['blog_id'] );
				wp_cache_delete( 'alloptions', 'options' );
				wp_cache_delete( 'notoptions', 'options' );
				restore_current_blog();
			}
		}
		foreach ( $args['user_ids'] as $user_id ) {
			clean_user_cache( $user_id );
		}
		return new WP_REST_Response(
			array(
				'ok'      => true,
				'cleared' => $args,
			),
			200
		);
	}

	/**
	 * Validates the JSON body of /cache/clear.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return array|WP_Error `blog_id` (int|null), `options` (bool), `user_ids` (int[]); or a
	 *                        400 error.
	 */
	private static function clear_args( WP_REST_Request $request ) {
		$body = $request->get_json_params();
		if ( null === $body ) {
			if ( '' !== trim( (string) $request->get_body() ) ) {
				return self::invalid( 'sidecar_bad_json', __( 'The body must be a JSON object sent as application/json.', 'sidecar-shim' ) );
			}
			$body = array();
		}
		if ( ! is_array( $body ) || ( $body && array_values( $body ) === $body ) ) {
			return self::invalid( 'sidecar_bad_json', __( 'The body must be a JSON object.', 'sidecar-shim' ) );
		}

		$blog_id = $body['blog_id'] ?? null;
		if ( null !== $blog_id && ( ! is_int( $blog_id ) || $blog_id < 1 || ! is_multisite() || ! get_site( $blog_id ) ) ) {
			return self::invalid( 'sidecar_invalid_blog_id', __( 'blog_id must be the id of an existing site.', 'sidecar-shim' ) );
		}

		$user_ids = $body['user_ids'] ?? array();
		if ( ! is_array( $user_ids ) || array_values( $user_ids ) !== $user_ids || count( $user_ids ) > self::MAX_USER_IDS ) {
			return self::invalid( 'sidecar_invalid_user_ids', __( 'user_ids must be a list of positive integers.', 'sidecar-shim' ) );
		}
		foreach ( $user_ids as $user_id ) {
			if ( ! is_int( $user_id ) || $user_id < 1 ) {
				return self::invalid( 'sidecar_invalid_user_ids', __( 'user_ids must be a list of positive integers.', 'sidecar-shim' ) );
			}
		}

		$options = $body['options'] ?? ( null !== $blog_id );
		if ( ! is_bool( $options ) || ( $options && null === $blog_id ) ) {
			return self::invalid( 'sidecar_invalid_options', __( 'options must be a boolean, and needs blog_id.', 'sidecar-shim' ) );
		}

		return array(
			'blog_id'  => $blog_id,
			'options'  => $options,
			'user_ids' => array_values( array_unique( $user_ids ) ),
		);
	}

	/**
	 * A 401 error.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @return WP_Error
	 */
	private static function refuse( string $code, string $message ): WP_Error {
		return new WP_Error( $code, $message, array( 'status' => 401 ) );
	}

	/**
	 * A 400 error.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @return WP_Error
	 */
	private static function invalid( string $code, string $message ): WP_Error {
		return new WP_Error( $code, $message, array( 'status' => 400 ) );
	}
}
