<?php
/**
 * REST routes the sidecar calls (docs/protocol.md, "Shim REST routes"): namespace sidecar/v1.
 *
 * Every request must carry a valid `X-Sidecar-Assertion` with aud `shim`, bound to the
 * method and the route as WordPress's REST server sees it; a one-time id is refused the
 * second time (kept in a network-wide transient until the assertion expires).
 *
 * Bodies are validated in the callbacks rather than with `args`: WordPress validates `args`
 * before the permission callback, which would answer 400 (and reveal whether a blog, a login
 * or a site path exists) to callers without a valid assertion.
 *
 * /users and /sites create what the sidecar's sign-up needs: a network user who belongs to no
 * site, then a site whose only administrator is that user. Both run on the main site only,
 * with a `blog` claim of 0, and under one MySQL named lock so that two identical sign-ups
 * cannot both pass the "already taken" checks (WordPress has no unique index on logins).
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Routes `GET /sidecar/v1/ping`, `POST /sidecar/v1/cache/clear`, `POST /sidecar/v1/users`,
 * `POST /sidecar/v1/sites` and `POST /sidecar/v1/sites/members`.
 */
final class Sidecar_Rest {

	const ROUTE_NAMESPACE = 'sidecar/v1';

	/** Prefix of the replay-guard site transients (followed by the jti). */
	const JTI_TRANSIENT = 'sidecar_jti_';

	/** Most user ids one /cache/clear call may name. */
	const MAX_USER_IDS = 1000;

	/** Seconds /users and /sites wait for the sign-up lock. */
	const LOCK_WAIT = 10;

	/** Longest password accepted (WordPress 6.1's phpass refuses to hash longer ones). */
	const MAX_PASSWORD_BYTES = 4096;

	/** Longest site title accepted (characters). */
	const MAX_TITLE_LENGTH = 200;

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
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/users',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'create_user' ),
				'permission_callback' => array( self::class, 'authorize' ),
			)
		);
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/sites',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'create_site' ),
				'permission_callback' => array( self::class, 'authorize' ),
			)
		);
		register_rest_route(
			self::ROUTE_NAMESPACE,
			'/sites/members',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'add_member' ),
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
	 * The verified claims of a request that passed authorize(), for routes registered by
	 * other classes of the shim (null when the request was not authorised).
	 *
	 * @param WP_REST_Request $request The request.
	 * @return array|null
	 */
	public static function claims_of( WP_REST_Request $request ): ?array {
		return self::$claims[ spl_object_id( $request ) ] ?? null;
	}

	/**
	 * `GET /sidecar/v1/ping`.
	 *
	 * @return WP_REST_Response `{"ok":true,"shim_version":…,"wp_version":…,"sunrise":bool}` (sunrise: the drop-in is loaded).
	 */
	public static function ping(): WP_REST_Response {
		return new WP_REST_Response(
			array(
				'ok'           => true,
				'shim_version' => SIDECAR_SHIM_VERSION,
				'wp_version'   => get_bloginfo( 'version' ),
				'sunrise'      => class_exists( 'Sidecar_Sunrise', false ),
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
		$body = self::json_object( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
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
	 * `POST /sidecar/v1/users` with JSON `{"login","email","password","display_name"?}`:
	 * wpmu_create_user(), so the user is a network user and a member of no site.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 201 `{"user_id":N}`; 409 `sidecar_user_exists` (data
	 *                                   `field`: `login` or `email`); 400 on invalid input.
	 */
	public static function create_user( WP_REST_Request $request ) {
		$claims = self::network_call( $request );
		if ( is_wp_error( $claims ) ) {
			return $claims;
		}
		$args = self::user_args( $request );
		if ( is_wp_error( $args ) ) {
			return $args;
		}
		return self::locked(
			static function () use ( $args ) {
				if ( username_exists( $args['login'] ) ) {
					/* translators: %s: user login. */
					return self::conflict( 'sidecar_user_exists', sprintf( __( 'The login "%s" is already taken.', 'sidecar-shim' ), $args['login'] ), 'login' );
				}
				if ( email_exists( $args['email'] ) ) {
					return self::conflict( 'sidecar_user_exists', __( 'The email address is already used by another user.', 'sidecar-shim' ), 'email' );
				}
				$user_id = wpmu_create_user( $args['login'], $args['password'], $args['email'] );
				if ( ! $user_id ) {
					return new WP_Error( 'sidecar_user_failed', __( 'WordPress could not create the user.', 'sidecar-shim' ), array( 'status' => 500 ) );
				}
				if ( '' !== $args['display_name'] ) {
					// wp_insert_user() unslashes what it is given.
					wp_update_user(
						array(
							'ID'           => $user_id,
							'display_name' => wp_slash( $args['display_name'] ),
						)
					);
				}
				return new WP_REST_Response( array( 'user_id' => (int) $user_id ), 201 );
			}
		);
	}

	/**
	 * `POST /sidecar/v1/sites` with JSON `{"path","title","user_id","public"?}`:
	 * wpmu_create_blog() at `/<path>/` on the network's domain (subdirectory networks) or at
	 * `<path>.<network domain>` (subdomain networks), `user_id` becoming its administrator.
	 * If that made the user a member of the main site, which they were not before, they are
	 * removed from it.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 201 `{"blog_id":N,"url":"…/"}`; 409 `sidecar_site_exists`;
	 *                                   400 on invalid input.
	 */
	public static function create_site( WP_REST_Request $request ) {
		$claims = self::network_call( $request );
		if ( is_wp_error( $claims ) ) {
			return $claims;
		}
		$args = self::site_args( $request );
		if ( is_wp_error( $args ) ) {
			return $args;
		}
		$network = get_network();
		if ( is_subdomain_install() ) {
			$domain = $args['path'] . '.' . preg_replace( '|^www\.|', '', $network->domain );
			$path   = $network->path;
		} else {
			$domain = $network->domain;
			$path   = $network->path . $args['path'] . '/';
		}
		return self::locked(
			static function () use ( $args, $network, $domain, $path ) {
				if ( domain_exists( $domain, $path, $network->id ) ) {
					/* translators: %s: site path. */
					return self::conflict( 'sidecar_site_exists', sprintf( __( 'A site "%s" already exists.', 'sidecar-shim' ), $args['path'] ), 'path' );
				}
				$main_id    = get_main_site_id( $network->id );
				$was_member = is_user_member_of_blog( $args['user_id'], $main_id );
				$installing = wp_installing();
				// wpmu_create_blog() unslashes the title and leaves wp_installing() on.
				$blog_id = wpmu_create_blog( $domain, $path, wp_slash( $args['title'] ), $args['user_id'], array( 'public' => $args['public'] ? 1 : 0 ), $network->id );
				wp_installing( $installing );
				if ( is_wp_error( $blog_id ) ) {
					if ( 'blog_taken' === $blog_id->get_error_code() ) {
						/* translators: %s: site path. */
						return self::conflict( 'sidecar_site_exists', sprintf( __( 'A site "%s" already exists.', 'sidecar-shim' ), $args['path'] ), 'path' );
					}
					return new WP_Error( 'sidecar_site_failed', $blog_id->get_error_message(), array( 'status' => 500 ) );
				}
				if ( ! $was_member && is_user_member_of_blog( $args['user_id'], $main_id ) ) {
					remove_user_from_blog( $args['user_id'], $main_id );
				}
				return new WP_REST_Response(
					array(
						'blog_id' => (int) $blog_id,
						'url'     => get_home_url( $blog_id, '/' ),
					),
					201
				);
			}
		);
	}

	/**
	 * `POST /sidecar/v1/sites/members` with JSON `{"blog_id":int,"user_id":int,"role":str}`:
	 * add_user_to_blog() — an existing network user becomes a member of a site of this network
	 * with a role that site knows (onboarding templates add their managers this way). A user
	 * who is already a member gets the role set instead.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error 200 `{"ok":true,"blog_id":N,"user_id":N,"role":str}`;
	 *                                   400 on invalid input; 404 `sidecar_no_site`.
	 */
	public static function add_member( WP_REST_Request $request ) {
		$claims = self::network_call( $request );
		if ( is_wp_error( $claims ) ) {
			return $claims;
		}
		$body = self::json_object( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$blog_id = $body['blog_id'] ?? null;
		$site    = is_int( $blog_id ) && $blog_id > 0 ? get_site( $blog_id ) : null;
		if ( ! $site || (int) $site->network_id !== get_current_network_id() ) {
			return new WP_Error( 'sidecar_no_site', __( 'There is no such site in this network.', 'sidecar-shim' ), array( 'status' => 404 ) );
		}
		$user_id = $body['user_id'] ?? null;
		if ( ! is_int( $user_id ) || $user_id < 1 || ! get_userdata( $user_id ) ) {
			return self::invalid( 'sidecar_invalid_user_id', __( 'user_id must be the id of an existing user.', 'sidecar-shim' ) );
		}
		$role = $body['role'] ?? null;
		if ( ! is_string( $role ) || ! self::is_role_name( $role ) ) {
			return self::invalid( 'sidecar_invalid_role', __( 'role must be the slug of a role (lowercase letters, digits, _ and -).', 'sidecar-shim' ) );
		}
		switch_to_blog( $blog_id );
		$known = null !== get_role( $role );
		restore_current_blog();
		if ( ! $known ) {
			/* translators: %s: role slug. */
			return self::invalid( 'sidecar_unknown_role', sprintf( __( 'The site has no role "%s".', 'sidecar-shim' ), $role ) );
		}
		$added = add_user_to_blog( $blog_id, $user_id, $role );
		if ( is_wp_error( $added ) ) {
			return new WP_Error( 'sidecar_member_refused', $added->get_error_message(), array( 'status' => 400 ) );
		}
		return new WP_REST_Response(
			array(
				'ok'      => true,
				'blog_id' => $blog_id,
				'user_id' => $user_id,
				'role'    => $role,
			),
			200
		);
	}

	/**
	 * Whether a string looks like a role slug: 1 to 64 lowercase letters, digits, `_` or `-`.
	 *
	 * @param string $role Candidate slug.
	 * @return bool
	 */
	public static function is_role_name( string $role ): bool {
		return 1 === preg_match( '/^[a-z0-9_-]{1,64}$/D', $role );
	}

	/**
	 * Whether a string is a site path the shim creates: 3 to 63 lowercase letters, digits and
	 * hyphens, at least one letter (an all-digit path would shadow the main site's date
	 * archives); in a subdomain network (a DNS label) not starting or ending with a hyphen.
	 * Reserved names are checked separately.
	 *
	 * @param string $path      Candidate path, without slashes.
	 * @param bool   $subdomain Whether the network is a subdomain install.
	 * @return bool
	 */
	public static function is_site_path( string $path, bool $subdomain ): bool {
		if ( ! preg_match( '/^[a-z0-9-]{3,63}$/D', $path ) || ! preg_match( '/[a-z]/', $path ) ) {
			return false;
		}
		return ! $subdomain || ( '-' !== $path[0] && '-' !== substr( $path, -1 ) );
	}

	/**
	 * Whether a password can be used to log in to WordPress: 1 to 4096 bytes, no control
	 * characters, no leading or trailing whitespace (wp_authenticate() trims what the user
	 * types) and no backslash (WordPress's own profile form refuses it).
	 *
	 * @param string $password Candidate password.
	 * @return bool
	 */
	public static function is_password( string $password ): bool {
		return '' !== $password && strlen( $password ) <= self::MAX_PASSWORD_BYTES
			&& trim( $password ) === $password && ! str_contains( $password, '\\' )
			&& ! preg_match( '/[\x00-\x1f\x7f]/', $password );
	}

	/**
	 * Validates the JSON body of /users.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return array|WP_Error `login`, `email`, `password`, `display_name` ('' when none); or a
	 *                        400 error.
	 */
	private static function user_args( WP_REST_Request $request ) {
		$body = self::json_object( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		foreach ( array( 'login', 'email', 'password' ) as $key ) {
			if ( ! isset( $body[ $key ] ) || ! is_string( $body[ $key ] ) ) {
				/* translators: %s: JSON key. */
				return self::invalid( 'sidecar_invalid_' . $key, sprintf( __( '%s is required and must be a string.', 'sidecar-shim' ), $key ) );
			}
		}
		$login = $body['login'];
		if ( ! self::is_login( $login ) ) {
			return self::invalid( 'sidecar_invalid_login', __( 'login must be at most 60 characters among letters, digits, _ . - @, without spaces, and not a reserved name.', 'sidecar-shim' ) );
		}
		$email = $body['email'];
		if ( strlen( $email ) > 100 || is_email( $email ) !== $email || sanitize_email( $email ) !== $email ) {
			return self::invalid( 'sidecar_invalid_email', __( 'email must be a valid email address.', 'sidecar-shim' ) );
		}
		if ( ! self::is_password( $body['password'] ) ) {
			return self::invalid( 'sidecar_invalid_password', __( 'password must be 1 to 4096 bytes, without control characters, backslashes or leading or trailing spaces.', 'sidecar-shim' ) );
		}
		$display_name = $body['display_name'] ?? '';
		if ( ! is_string( $display_name ) || mb_strlen( trim( $display_name ) ) > 250 ) {
			return self::invalid( 'sidecar_invalid_display_name', __( 'display_name must be a string of at most 250 characters.', 'sidecar-shim' ) );
		}
		return array(
			'login'        => $login,
			'email'        => $email,
			'password'     => $body['password'],
			'display_name' => trim( $display_name ),
		);
	}

	/**
	 * Whether a login is one wpmu_create_user() stores unchanged and WordPress allows:
	 * validate_username(), at most 60 characters, no whitespace (wpmu_create_user() would strip
	 * it), not in the `illegal_user_logins` filter nor the network's `illegal_names`.
	 *
	 * @param string $login Candidate login.
	 * @return bool
	 */
	private static function is_login( string $login ): bool {
		if ( '' === $login || strlen( $login ) > 60 || preg_match( '/\s/', $login ) || ! validate_username( $login ) ) {
			return false;
		}
		/** This filter is documented in wp-includes/user.php */
		$illegal = (array) apply_filters( 'illegal_user_logins', array() );
		$illegal = array_merge( $illegal, (array) get_site_option( 'illegal_names', array() ) );
		return ! in_array( strtolower( $login ), array_map( 'strtolower', array_map( 'strval', $illegal ) ), true );
	}

	/**
	 * Validates the JSON body of /sites.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return array|WP_Error `path`, `title`, `user_id`, `public`; or a 400 error.
	 */
	private static function site_args( WP_REST_Request $request ) {
		$body = self::json_object( $request );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$path = $body['path'] ?? null;
		if ( ! is_string( $path ) || ! self::is_site_path( $path, is_subdomain_install() ) ) {
			return self::invalid( 'sidecar_invalid_path', __( 'path must be 3 to 63 lowercase letters, digits or hyphens, with at least one letter.', 'sidecar-shim' ) );
		}
		$reserved = array_merge(
			get_subdirectory_reserved_names(),
			(array) get_site_option( 'illegal_names', array() ),
			array( Sidecar_Proxy::PUBLIC_PATH )
		);
		if ( in_array( $path, array_map( 'strval', $reserved ), true ) ) {
			/* translators: %s: site path. */
			return self::invalid( 'sidecar_reserved_path', sprintf( __( '"%s" is a reserved name.', 'sidecar-shim' ), $path ) );
		}
		if ( ! is_subdomain_install() && get_page_by_path( $path ) ) {
			/* translators: %s: site path. */
			return self::invalid( 'sidecar_reserved_path', sprintf( __( '"%s" is the path of a page of the main site.', 'sidecar-shim' ), $path ) );
		}
		$title = $body['title'] ?? null;
		if ( ! is_string( $title ) || '' === trim( wp_strip_all_tags( $title ) ) || mb_strlen( $title ) > self::MAX_TITLE_LENGTH ) {
			return self::invalid( 'sidecar_invalid_title', __( 'title must be a non-empty string of at most 200 characters.', 'sidecar-shim' ) );
		}
		$user_id = $body['user_id'] ?? null;
		if ( ! is_int( $user_id ) || $user_id < 1 || ! get_userdata( $user_id ) ) {
			return self::invalid( 'sidecar_invalid_user_id', __( 'user_id must be the id of an existing user.', 'sidecar-shim' ) );
		}
		$public = $body['public'] ?? true;
		if ( ! is_bool( $public ) ) {
			return self::invalid( 'sidecar_invalid_public', __( 'public must be a boolean.', 'sidecar-shim' ) );
		}
		return array(
			'path'    => $path,
			'title'   => trim( $title ),
			'user_id' => $user_id,
			'public'  => $public,
		);
	}

	/**
	 * The checks shared by /users and /sites: an authorised request whose `blog` claim is 0,
	 * made on the network's main site.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return array|WP_Error The claims, or a 401/400 error.
	 */
	private static function network_call( WP_REST_Request $request ) {
		$claims = self::$claims[ spl_object_id( $request ) ] ?? null;
		if ( null === $claims ) {
			return self::refuse( 'sidecar_missing_assertion', __( 'The request was not authorised.', 'sidecar-shim' ) );
		}
		if ( 0 !== $claims['blog'] ) {
			return self::refuse( 'sidecar_wrong_blog', __( 'The assertion must have blog 0 for this route.', 'sidecar-shim' ) );
		}
		if ( ! is_multisite() || ! is_main_site() ) {
			return self::invalid( 'sidecar_not_main_site', __( 'This route answers on the network\'s main site only.', 'sidecar-shim' ) );
		}
		return $claims;
	}

	/**
	 * Runs `$work` holding the network's sign-up lock (a MySQL named lock, per database and
	 * table prefix), so that check-then-create is not raced by an identical request.
	 *
	 * @param callable $work Returns the route's answer.
	 * @return WP_REST_Response|WP_Error `$work`'s answer, or 503 `sidecar_busy`.
	 */
	private static function locked( callable $work ) {
		global $wpdb;
		$name = 'sidecar_shim_signup_' . md5( DB_NAME . '|' . $wpdb->base_prefix );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a named lock, no WordPress API for it.
		if ( '1' !== (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, %d)', $name, self::LOCK_WAIT ) ) ) {
			return new WP_Error( 'sidecar_busy', __( 'Another sign-up is being written; try again.', 'sidecar-shim' ), array( 'status' => 503 ) );
		}
		try {
			return $work();
		} finally {
			// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- releases the named lock above.
			$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $name ) );
		}
	}

	/**
	 * The JSON object body of a request (an empty body counts as `{}`).
	 *
	 * @param WP_REST_Request $request The request.
	 * @return array|WP_Error The decoded object, or a 400 error.
	 */
	private static function json_object( WP_REST_Request $request ) {
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
		return $body;
	}

	/**
	 * A 409 error naming the field that conflicts.
	 *
	 * @param string $code    Error code.
	 * @param string $message Message.
	 * @param string $field   The body key that is taken.
	 * @return WP_Error
	 */
	private static function conflict( string $code, string $message, string $field ): WP_Error {
		return new WP_Error(
			$code,
			$message,
			array(
				'status' => 409,
				'field'  => $field,
			)
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
