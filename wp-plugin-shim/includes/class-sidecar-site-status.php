<?php
/**
 * `POST /sidecar/v1/sites/status` (docs/limits.md, "Shim routes used"): the sidecar suspends
 * the site of an Expired membership by archiving it through WordPress, and unarchives it when
 * the membership is Active again. An archived site answers with WordPress's own "This site has
 * been archived or suspended." page (ms_site_check()).
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The archive/unarchive route, authorised like every shim route.
 */
final class Sidecar_Site_Status {

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
			'/sites/status',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'set_status' ),
				'permission_callback' => array( Sidecar_Rest::class, 'authorize' ),
			)
		);
	}

	/**
	 * `POST /sidecar/v1/sites/status` with JSON `{"blog_id":int, "archived":bool}`: the `blog`
	 * claim must be `blog_id`; update_blog_status( $id, 'archived', '1'|'0' ) (which cleans the
	 * site's caches and fires archive_blog/unarchive_blog), then clean_blog_cache().
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 200 `{"ok":true,"blog_id":N,"archived":bool}`; 400 on
	 *                                   bad input or the main site; 401 `sidecar_wrong_blog`;
	 *                                   404 `sidecar_no_site`.
	 */
	public static function set_status( WP_REST_Request $request ) {
		$claims = Sidecar_Rest::claims_of( $request );
		if ( null === $claims ) {
			return self::error( 'sidecar_missing_assertion', __( 'The request was not authorised.', 'sidecar-shim' ), 401 );
		}
		$body = $request->get_json_params();
		if ( ! is_array( $body ) || ( $body && array_values( $body ) === $body ) ) {
			return self::error( 'sidecar_bad_json', __( 'The body must be a JSON object sent as application/json.', 'sidecar-shim' ), 400 );
		}
		$blog_id = $body['blog_id'] ?? null;
		if ( ! is_int( $blog_id ) || $blog_id < 1 ) {
			return self::error( 'sidecar_invalid_blog_id', __( 'blog_id must be the id of an existing site.', 'sidecar-shim' ), 400 );
		}
		$archived = $body['archived'] ?? null;
		if ( ! is_bool( $archived ) ) {
			return self::error( 'sidecar_invalid_archived', __( 'archived must be a boolean.', 'sidecar-shim' ), 400 );
		}
		if ( $claims['blog'] !== $blog_id ) {
			return self::error( 'sidecar_wrong_blog', __( 'The assertion was issued for another blog.', 'sidecar-shim' ), 401 );
		}
		$site = is_multisite() ? get_site( $blog_id ) : null;
		if ( ! $site || (int) $site->network_id !== get_current_network_id() ) {
			return self::error( 'sidecar_no_site', __( 'There is no such site in this network.', 'sidecar-shim' ), 404 );
		}
		if ( is_main_site( $blog_id ) ) {
			return self::error( 'sidecar_main_site', __( 'The network\'s main site cannot be suspended.', 'sidecar-shim' ), 400 );
		}
		if ( false === update_blog_status( $blog_id, 'archived', $archived ? '1' : '0' ) ) {
			return self::error( 'sidecar_status_failed', __( 'WordPress could not change the site\'s status.', 'sidecar-shim' ), 500 );
		}
		clean_blog_cache( $blog_id );
		return new WP_REST_Response(
			array(
				'ok'       => true,
				'blog_id'  => $blog_id,
				'archived' => '1' === (string) get_site( $blog_id )->archived,
			),
			200
		);
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
