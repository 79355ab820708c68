<?php
/**
 * Account security (docs/protocol.md, "Account security"): the signed routes the sidecar's
 * Change Password and Danger Zone call, account locks on log-in, and the log-in cookie of a
 * customer who just changed their password.
 *
 * - `POST /sidecar/v1/users/password`: wp_set_password(), then the user's other sessions end;
 * - `POST /sidecar/v1/sites/delete`: wpmu_delete_blog( $id, true ), and the emptied uploads
 *   folder;
 * - `POST /sidecar/v1/users/delete`: wpmu_delete_user() (posts on sites the user stays a
 *   member of go to each site's owner first);
 * - `authenticate` (after core): a locked account (a row in `{base_prefix}sidecar_account_locks`
 *   whose `locked_until`, UTC, is in the future) is refused with a clear message. Read with
 *   $wpdb so that locks hold even when the sidecar is unreachable;
 * - `wp_login_failed`: reported to the sidecar (`POST /auth/login-failed`, audience `auth`),
 *   which counts failures and decides on locks with its `[security]` settings;
 * - `sidecar_proxy_answer`: an answer with `X-Sidecar-Reauth: 1` (after a password change)
 *   re-issues the current user's log-in cookie for the same session, as core's profile page
 *   does, since a new password hash invalidates the old cookie;
 * - a short notice on the main site after Delete Site / Delete Account (`?sidecar_notice=`).
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Passwords, locks and deletions through WordPress.
 */
final class Sidecar_Security {

	/** Sidecar path that receives failed log-ins. */
	const FAILURE_PATH = '/auth/login-failed';

	/** Seconds to wait for the sidecar when reporting a failed log-in. */
	const REPORT_TIMEOUT = 3;

	/** Error code of a refused log-in to a locked account. */
	const LOCKED_CODE = 'sidecar_account_locked';

	/**
	 * Hooks routes, filters and actions.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'register_routes' ) );
		add_filter( 'authenticate', array( self::class, 'refuse_locked' ), 40, 2 );
		add_action( 'wp_login_failed', array( self::class, 'report_failure' ), 10, 2 );
		add_action( 'sidecar_proxy_answer', array( self::class, 'maybe_reauth' ), 10, 2 );
		add_action( 'wp_body_open', array( self::class, 'front_notice' ) );
	}

	/**
	 * Registers the three routes (authorised like every shim route).
	 *
	 * @return void
	 */
	public static function register_routes(): void {
		$routes = array(
			'/users/password' => 'set_password',
			'/users/delete'   => 'delete_user',
			'/sites/delete'   => 'delete_site',
		);
		foreach ( $routes as $route => $callback ) {
			register_rest_route(
				Sidecar_Rest::ROUTE_NAMESPACE,
				$route,
				array(
					'methods'             => 'POST',
					'callback'            => array( self::class, $callback ),
					'permission_callback' => array( Sidecar_Rest::class, 'authorize' ),
				)
			);
		}
	}

	/**
	 * `POST /sidecar/v1/users/password` with JSON `{"user_id":int, "password":str,
	 * "keep_session":str}`: wp_set_password() — the hash the running WordPress writes — then
	 * every session of the user ends except the one whose verifier (sha256 of the session
	 * token, the `ses` claim of the proxied request) is `keep_session` ("" ends them all).
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 200 `{"ok":true,"sessions_kept":0|1}`; 400 on bad input.
	 */
	public static function set_password( WP_REST_Request $request ) {
		$body = self::network_body( $request, 0 );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$user_id = self::existing_user_id( $body );
		if ( is_wp_error( $user_id ) ) {
			return $user_id;
		}
		$password = $body['password'] ?? null;
		if ( ! is_string( $password ) || ! Sidecar_Rest::is_password( $password ) ) {
			return self::error( 'sidecar_invalid_password', __( 'password must be 1 to 4096 bytes, without control characters, backslashes or leading or trailing spaces.', 'sidecar-shim' ), 400 );
		}
		$keep = $body['keep_session'] ?? '';
		if ( ! is_string( $keep ) || ( '' !== $keep && ! preg_match( '/^[0-9a-f]{64}$/D', $keep ) ) ) {
			return self::error( 'sidecar_invalid_keep_session', __( 'keep_session must be "" or 64 lowercase hex characters.', 'sidecar-shim' ), 400 );
		}
		wp_set_password( $password, $user_id );
		return new WP_REST_Response(
			array(
				'ok'            => true,
				'sessions_kept' => self::keep_only_session( $user_id, $keep ),
			),
			200
		);
	}

	/**
	 * Ends every session of a user but the one with verifier `$keep`.
	 *
	 * @param int    $user_id User id.
	 * @param string $keep    Verifier of the session to keep, or ''.
	 * @return int How many sessions remain (0 or 1).
	 */
	private static function keep_only_session( int $user_id, string $keep ): int {
		$manager = WP_Session_Tokens::get_instance( $user_id );
		if ( '' === $keep || ! $manager instanceof WP_User_Meta_Session_Tokens ) {
			// Another session store keys sessions its own way: end them all (a clean re-login).
			$manager->destroy_all();
			return 0;
		}
		$sessions = get_user_meta( $user_id, 'session_tokens', true );
		$kept     = is_array( $sessions ) && isset( $sessions[ $keep ] ) ? array( $keep => $sessions[ $keep ] ) : array();
		if ( $kept ) {
			update_user_meta( $user_id, 'session_tokens', $kept );
		} else {
			delete_user_meta( $user_id, 'session_tokens' );
		}
		return count( $kept );
	}

	/**
	 * `POST /sidecar/v1/sites/delete` with JSON `{"blog_id":int}` (the assertion's `blog` claim
	 * must be that id): wpmu_delete_blog( $id, true ) — tables, uploads folder, user
	 * memberships — and the site's row in the registration log.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 200 `{"ok":true,"blog_id":N}`; 404 `sidecar_no_site`;
	 *                                   400 `sidecar_main_site`.
	 */
	public static function delete_site( WP_REST_Request $request ) {
		$body = self::network_body( $request, null );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$site_id = $body['blog_id'] ?? null;
		if ( ! is_int( $site_id ) || $site_id < 1 ) {
			return self::error( 'sidecar_invalid_blog_id', __( 'blog_id must be the id of an existing site.', 'sidecar-shim' ), 400 );
		}
		if ( Sidecar_Rest::claims_of( $request )['blog'] !== $site_id ) {
			return self::error( 'sidecar_wrong_blog', __( 'The assertion was issued for another blog.', 'sidecar-shim' ), 401 );
		}
		$site = get_site( $site_id );
		if ( ! $site || (int) $site->network_id !== get_current_network_id() ) {
			return self::error( 'sidecar_no_site', __( 'There is no such site in this network.', 'sidecar-shim' ), 404 );
		}
		if ( is_main_site( $site_id ) ) {
			return self::error( 'sidecar_main_site', __( 'The network\'s main site cannot be deleted.', 'sidecar-shim' ), 400 );
		}
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		switch_to_blog( $site_id );
		$uploads = (string) wp_get_upload_dir()['basedir'];
		restore_current_blog();
		wpmu_delete_blog( $site_id, true );
		// WordPress empties the site's uploads folder but leaves the folder itself.
		/** This filter is documented in wp-includes/ms-site.php */
		$uploads = rtrim( (string) apply_filters( 'wpmu_delete_blog_upload_dir', $uploads, $site_id ), '/\\' );
		if ( '' !== $uploads && is_dir( $uploads ) ) {
			@rmdir( $uploads ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged, WordPress.WP.AlternativeFunctions.file_system_operations_rmdir -- only succeeds when empty.
		}
		global $wpdb;
		$wpdb->delete( $wpdb->registration_log, array( 'blog_id' => $site_id ), array( '%d' ) );
		if ( get_site( $site_id ) ) {
			return self::error( 'sidecar_site_failed', __( 'WordPress could not delete the site.', 'sidecar-shim' ), 500 );
		}
		return new WP_REST_Response(
			array(
				'ok'      => true,
				'blog_id' => $site_id,
			),
			200
		);
	}

	/**
	 * `POST /sidecar/v1/users/delete` with JSON `{"user_id":int}`: wpmu_delete_user(). On each
	 * site the user is still a member of, their posts first go to the site's owner (the user
	 * whose email is the site's `admin_email`), so that other customers keep their content.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 200 `{"ok":true,"user_id":N}`; 404 `sidecar_no_user`;
	 *                                   400 `sidecar_super_admin`.
	 */
	public static function delete_user( WP_REST_Request $request ) {
		$body = self::network_body( $request, 0 );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$user_id = self::existing_user_id( $body );
		if ( is_wp_error( $user_id ) ) {
			return 'sidecar_invalid_user_id' === $user_id->get_error_code() && is_int( $body['user_id'] ?? null )
				? self::error( 'sidecar_no_user', __( 'There is no such user.', 'sidecar-shim' ), 404 )
				: $user_id;
		}
		if ( is_super_admin( $user_id ) ) {
			return self::error( 'sidecar_super_admin', __( 'A network administrator cannot be deleted this way.', 'sidecar-shim' ), 400 );
		}
		require_once ABSPATH . 'wp-admin/includes/admin.php';
		foreach ( array_keys( get_blogs_of_user( $user_id, true ) ) as $site_id ) {
			$owner = self::site_owner_id( (int) $site_id, $user_id );
			if ( $owner ) {
				remove_user_from_blog( $user_id, (int) $site_id, $owner );
			}
		}
		if ( ! wpmu_delete_user( $user_id ) ) {
			return self::error( 'sidecar_user_failed', __( 'WordPress could not delete the user.', 'sidecar-shim' ), 500 );
		}
		return new WP_REST_Response(
			array(
				'ok'      => true,
				'user_id' => $user_id,
			),
			200
		);
	}

	/**
	 * The owner of a site other than `$user_id`: a member whose email is its `admin_email`.
	 *
	 * @param int $site_id Blog id.
	 * @param int $user_id The user being deleted.
	 * @return int The owner's id, or 0.
	 */
	private static function site_owner_id( int $site_id, int $user_id ): int {
		$owner = get_user_by( 'email', (string) get_blog_option( $site_id, 'admin_email' ) );
		if ( ! $owner || $owner->ID === $user_id || ! is_user_member_of_blog( $owner->ID, $site_id ) ) {
			return 0;
		}
		return (int) $owner->ID;
	}

	/**
	 * `authenticate` filter, after core's checks: refuses a locked account, whatever the
	 * password, with a message that says for how long.
	 *
	 * @param WP_User|WP_Error|null $user     Result so far.
	 * @param string                $username What was typed as login or email.
	 * @return WP_User|WP_Error|null
	 */
	public static function refuse_locked( $user, $username ) {
		$user_id = $user instanceof WP_User ? $user->ID : self::user_id_for( (string) $username );
		if ( ! $user_id ) {
			return $user;
		}
		$seconds = self::seconds_locked( $user_id );
		if ( $seconds <= 0 ) {
			return $user;
		}
		$minutes = max( 1, (int) ceil( $seconds / 60 ) );
		return new WP_Error(
			self::LOCKED_CODE,
			sprintf(
				/* translators: %d: minutes until the account can log in again. */
				_n(
					'<strong>Error:</strong> This account is locked after too many failed log-ins. Try again in %d minute, or ask the network administrator to unlock it.',
					'<strong>Error:</strong> This account is locked after too many failed log-ins. Try again in %d minutes, or ask the network administrator to unlock it.',
					$minutes,
					'sidecar-shim'
				),
				$minutes
			)
		);
	}

	/**
	 * Seconds until a user's lock ends (0 when not locked, or when the table is missing).
	 *
	 * @param int $user_id User id.
	 * @return int
	 */
	public static function seconds_locked( int $user_id ): int {
		global $wpdb;
		$table    = $wpdb->base_prefix . 'sidecar_account_locks';
		$suppress = $wpdb->suppress_errors( true );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the sidecar's own table; its name is built from the base prefix.
		$seconds = $wpdb->get_var( $wpdb->prepare( "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), locked_until) FROM `$table` WHERE user_id = %d", $user_id ) );
		$wpdb->suppress_errors( $suppress );
		return max( 0, (int) $seconds );
	}

	/**
	 * `wp_login_failed`: tells the sidecar that an existing user gave a wrong password. A
	 * refusal because of the lock itself is not reported.
	 *
	 * @param string        $username What was typed as login or email.
	 * @param WP_Error|null $error    Why the log-in failed (WordPress ≥ 5.4).
	 * @return void
	 */
	public static function report_failure( $username, $error = null ): void {
		if ( $error instanceof WP_Error && in_array( self::LOCKED_CODE, $error->get_error_codes(), true ) ) {
			return;
		}
		$user_id = self::user_id_for( (string) $username );
		if ( ! $user_id || ! Sidecar_Config::is_ready() ) {
			return;
		}
		$rid = bin2hex( random_bytes( 16 ) );
		$now = time();
		try {
			$token = Sidecar_Assertion::sign(
				Sidecar_Config::secret(),
				array(
					'aud'  => 'auth',
					'sub'  => $user_id,
					'blog' => 0,
					'net'  => get_current_network_id(),
					'iat'  => $now,
					'exp'  => $now + Sidecar_Assertion::TTL,
					'jti'  => Sidecar_Assertion::new_jti(),
					'mth'  => 'POST',
					'pth'  => self::FAILURE_PATH,
					'rid'  => $rid,
				)
			);
		} catch ( Exception $e ) {
			return;
		}
		$response = wp_remote_post(
			Sidecar_Config::url() . self::FAILURE_PATH,
			array(
				'timeout'     => self::REPORT_TIMEOUT,
				'redirection' => 0,
				'headers'     => array(
					'X-Sidecar-Assertion' => $token,
					'X-Request-Id'        => $rid,
				),
			)
		);
		if ( is_wp_error( $response ) || 200 !== (int) wp_remote_retrieve_response_code( $response ) ) {
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- operators need to know failures go uncounted.
			error_log( sprintf( 'sidecar-shim: rid=%s failed log-in not reported (%s)', $rid, is_wp_error( $response ) ? $response->get_error_message() : wp_remote_retrieve_response_code( $response ) ) );
		}
	}

	/**
	 * The id of the user a log-in name (login or email) belongs to, or 0.
	 *
	 * @param string $username What was typed.
	 * @return int
	 */
	private static function user_id_for( string $username ): int {
		$username = trim( $username );
		if ( '' === $username ) {
			return 0;
		}
		$user = get_user_by( 'login', $username );
		if ( ! $user && is_email( $username ) ) {
			$user = get_user_by( 'email', $username );
		}
		return $user ? (int) $user->ID : 0;
	}

	/**
	 * `sidecar_proxy_answer`: after a password change on the Account page (the sidecar answers
	 * with `X-Sidecar-Reauth: 1`), re-issues the current user's log-in cookie for the same
	 * session token — the new password hash made the old cookie invalid, and the sidecar kept
	 * exactly this session. "Remember me" is kept as it was, as core's profile page does.
	 *
	 * @param array $response Answer of wp_remote_request().
	 * @param array $page     Proxied page.
	 * @return void
	 */
	public static function maybe_reauth( $response, array $page ): void {
		$flag = wp_remote_retrieve_header( $response, 'x-sidecar-reauth' );
		$flag = is_array( $flag ) ? (string) end( $flag ) : (string) $flag;
		if ( 'account' !== $page['aud'] || '1' !== trim( $flag ) || ! is_user_logged_in() ) {
			return;
		}
		$user_id  = get_current_user_id();
		$token    = wp_get_session_token();
		$cookie   = wp_parse_auth_cookie( '', 'logged_in' );
		$default  = (int) apply_filters( 'auth_cookie_expiration', 2 * DAY_IN_SECONDS, $user_id, false );
		$remember = false !== $cookie && ( (int) $cookie['expiration'] - time() ) > $default;
		clean_user_cache( $user_id ); // The cookie is keyed on the new hash, read afresh.
		wp_set_auth_cookie( $user_id, $remember, is_ssl(), $token );
	}

	/**
	 * Prints a short notice on the main site after Delete Site or Delete Account.
	 *
	 * @return void
	 */
	public static function front_notice(): void {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only selects a fixed message.
		if ( ! is_main_site() || ! isset( $_GET['sidecar_notice'] ) ) {
			return;
		}
		$messages = array(
			'site-deleted'    => __( 'Your site was deleted. Your account and your membership remain.', 'sidecar-shim' ),
			'account-deleted' => __( 'Your account, your sites and your personal data were deleted.', 'sidecar-shim' ),
		);
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended
		$key = sanitize_key( wp_unslash( $_GET['sidecar_notice'] ) );
		if ( isset( $messages[ $key ] ) ) {
			echo '<div class="sidecar-front-notice" role="status" style="box-sizing:border-box;max-width:40rem;margin:1rem auto;padding:.75rem 1rem;border-left:4px solid #00a32a;background:#f0f6fc;color:#1d2327;font:15px/1.5 sans-serif">' . esc_html( $messages[ $key ] ) . '</div>';
		}
	}

	/**
	 * The JSON object body of an authorised call made on the main site, with the `blog` claim
	 * checked when `$blog` is not null.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param int|null        $blog    Required `blog` claim, or null to let the route check it.
	 * @return array|WP_Error
	 */
	private static function network_body( WP_REST_Request $request, ?int $blog ) {
		$claims = Sidecar_Rest::claims_of( $request );
		if ( null === $claims ) {
			return self::error( 'sidecar_missing_assertion', __( 'The request was not authorised.', 'sidecar-shim' ), 401 );
		}
		if ( null !== $blog && $blog !== $claims['blog'] ) {
			return self::error( 'sidecar_wrong_blog', __( 'The assertion must have blog 0 for this route.', 'sidecar-shim' ), 401 );
		}
		if ( ! is_multisite() || ! is_main_site() ) {
			return self::error( 'sidecar_not_main_site', __( 'This route answers on the network\'s main site only.', 'sidecar-shim' ), 400 );
		}
		$body = $request->get_json_params();
		if ( ! is_array( $body ) || ( $body && array_values( $body ) === $body ) ) {
			return self::error( 'sidecar_bad_json', __( 'The body must be a JSON object sent as application/json.', 'sidecar-shim' ), 400 );
		}
		return $body;
	}

	/**
	 * The `user_id` of a body when it names an existing user.
	 *
	 * @param array $body Decoded JSON body.
	 * @return int|WP_Error
	 */
	private static function existing_user_id( array $body ) {
		$user_id = $body['user_id'] ?? null;
		if ( ! is_int( $user_id ) || $user_id < 1 || ! get_userdata( $user_id ) ) {
			return self::error( 'sidecar_invalid_user_id', __( 'user_id must be the id of an existing user.', 'sidecar-shim' ), 400 );
		}
		return $user_id;
	}

	/**
	 * A WP_Error with an HTTP status.
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
