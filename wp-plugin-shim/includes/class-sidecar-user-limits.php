<?php
/**
 * User limits: `limits.users` (users with any role on the site) and `limits.users_role[role]`.
 *
 * - add_user_to_blog() — every way a user joins a site ends there: "Add Existing User" with or
 *   without confirmation (accepting an invitation calls it), "Add New User" once the sign-up is
 *   activated, Network Admin → Sites → Users, REST user creation, code — is refused through
 *   core's `can_add_user_to_blog` filter (WordPress ≥ 4.9), whose WP_Error callers show.
 * - wp-admin's Add New User screen checks first (`load-user-new.php`), so neither an invitation
 *   nor a network user without a site is created when the site is full.
 * - REST `POST /wp/v2/users` and `/wp/v2/users/<id>` with `roles` are checked after the
 *   route's permission check and before the controller runs (`rest_dispatch_request`): core
 *   would otherwise create the network user before adding it to the site, and gives roles
 *   without asking a filter.
 * - Role changes in wp-admin: the bulk "Change role to…" (`load-users.php`) and the user's
 *   profile form (`user_profile_update_errors`).
 *
 * Counting is one query on usermeta, only when a change would add a member or a limited role.
 * A role given by code through WP_User::set_role()/add_role() has no filter to refuse it.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Enforces `users` and `users_role` of the enforcement option.
 */
final class Sidecar_User_Limits {

	/** Query argument of the users screens after a refusal: `users` or `role-<role>`. */
	const QUERY_ARG = 'sidecar_limit';

	/**
	 * Hooks the checks.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_filter( 'can_add_user_to_blog', array( self::class, 'can_add' ), 1000, 4 );
		add_filter( 'rest_dispatch_request', array( self::class, 'check_rest' ), 1000, 4 );
		add_action( 'load-user-new.php', array( self::class, 'check_user_new' ) );
		add_action( 'load-users.php', array( self::class, 'check_bulk_role' ) );
		add_action( 'user_profile_update_errors', array( self::class, 'check_profile' ), 1000, 3 );
	}

	/**
	 * `can_add_user_to_blog` (runs switched to `$blog_id`).
	 *
	 * @param true|WP_Error $allowed An earlier filter's answer.
	 * @param int           $user_id User id.
	 * @param string        $role    Role given ('' for none).
	 * @param int           $blog_id Site id.
	 * @return true|WP_Error
	 */
	public static function can_add( $allowed, $user_id, $role, $blog_id ) {
		if ( true !== $allowed ) {
			return $allowed;
		}
		$refusal = self::refusal( (int) $blog_id, array( (int) $user_id => '' === (string) $role ? array() : array( (string) $role ) ) );
		return null === $refusal ? $allowed : self::error( $refusal );
	}

	/**
	 * `rest_dispatch_request` (after the permission check): user creation and role changes
	 * through the REST API.
	 *
	 * @param mixed           $response An earlier filter's answer, or null to dispatch.
	 * @param WP_REST_Request $request  The request.
	 * @param string          $route    The matched route.
	 * @param array           $handler  The matched route handler.
	 * @return mixed
	 */
	public static function check_rest( $response, $request, $route, $handler ) {
		unset( $route );
		if ( null !== $response || ! is_array( $handler ) || ! isset( $handler['callback'] ) || ! is_array( $handler['callback'] )
			|| ! ( $handler['callback'][0] instanceof WP_REST_Users_Controller )
			|| ! in_array( $handler['callback'][1], array( 'create_item', 'update_item' ), true ) ) {
			return $response;
		}
		$roles = $request['roles'];
		if ( empty( $roles ) || ! is_array( $roles ) ) {
			return $response;
		}
		$roles   = array_values( array_map( 'strval', $roles ) );
		$user_id = 'update_item' === $handler['callback'][1] ? (int) $request['id'] : 0;
		if ( $user_id ) {
			// Core adds the requested roles to those the user has.
			$roles = array_values( array_unique( array_merge( self::roles_of( $user_id, get_current_blog_id() ) ?? array(), $roles ) ) );
		}
		$refusal = self::refusal( get_current_blog_id(), array( $user_id => $roles ) );
		return null === $refusal ? $response : self::error( $refusal );
	}

	/**
	 * `load-user-new.php`: refuses "Add Existing User" (including invitations) and "Add New
	 * User" before WordPress creates or sends anything, back to the form with the message.
	 *
	 * @return void
	 */
	public static function check_user_new(): void {
		// phpcs:disable WordPress.Security.NonceVerification -- this only refuses; core verifies the nonce of what it does.
		if ( ! isset( $_SERVER['REQUEST_METHOD'], $_REQUEST['action'] ) || 'POST' !== $_SERVER['REQUEST_METHOD']
			|| ! in_array( $_REQUEST['action'], array( 'adduser', 'createuser' ), true ) ) {
			self::notice_on_screen();
			return;
		}
		$role    = isset( $_REQUEST['role'] ) ? sanitize_key( wp_unslash( $_REQUEST['role'] ) ) : '';
		$user_id = 0;
		if ( 'adduser' === $_REQUEST['action'] ) {
			$who  = isset( $_REQUEST['email'] ) ? trim( wp_unslash( $_REQUEST['email'] ) ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- only looked up.
			$user = str_contains( $who, '@' ) ? get_user_by( 'email', $who ) : get_user_by( 'login', $who );
			if ( ! $user ) {
				return; // Core answers "does not exist".
			}
			$user_id = $user->ID;
		}
		// phpcs:enable
		$refusal = self::refusal( get_current_blog_id(), array( $user_id => '' === $role ? array() : array( $role ) ) );
		if ( null !== $refusal ) {
			wp_safe_redirect( add_query_arg( self::QUERY_ARG, self::code( $refusal ), admin_url( 'user-new.php' ) ) );
			exit;
		}
	}

	/**
	 * `load-users.php`: the bulk "Change role to…" of the Users screen.
	 *
	 * @return void
	 */
	public static function check_bulk_role(): void {
		// phpcs:disable WordPress.Security.NonceVerification -- this only refuses; core verifies the nonce of what it does.
		if ( ! isset( $_REQUEST['changeit'], $_REQUEST['new_role'], $_REQUEST['users'] ) || ! is_array( $_REQUEST['users'] ) ) {
			self::notice_on_screen();
			return;
		}
		$role = sanitize_key( wp_unslash( $_REQUEST['new_role'] ) );
		if ( '' === $role || 'none' === $role ) {
			return;
		}
		$changes = array();
		foreach ( array_map( 'intval', wp_unslash( $_REQUEST['users'] ) ) as $user_id ) {
			$changes[ $user_id ] = array( $role );
		}
		// phpcs:enable
		$refusal = self::refusal( get_current_blog_id(), $changes );
		if ( null !== $refusal ) {
			wp_safe_redirect( add_query_arg( self::QUERY_ARG, self::code( $refusal ), admin_url( 'users.php' ) ) );
			exit;
		}
	}

	/**
	 * `user_profile_update_errors`: the role select of a user's profile (and a new user on a
	 * single-site install).
	 *
	 * @param WP_Error $errors Errors to add to.
	 * @param bool     $update Whether an existing user is edited.
	 * @param stdClass $user   The user data about to be saved.
	 * @return void
	 */
	public static function check_profile( $errors, $update, $user ): void {
		if ( ! $errors instanceof WP_Error || ! is_object( $user ) || empty( $user->role ) ) {
			return;
		}
		$user_id = $update && ! empty( $user->ID ) ? (int) $user->ID : 0;
		$refusal = self::refusal( get_current_blog_id(), array( $user_id => array( (string) $user->role ) ) );
		if ( null !== $refusal ) {
			$errors->add( 'sidecar_limit_reached', esc_html( Sidecar_Limits::user_message( $refusal ) ) );
		}
	}

	/**
	 * Which limit a change would break on a site, if any.
	 *
	 * @param int   $blog_id Site id (the current site, or the one switched to).
	 * @param array $changes User id (0: a new user) => the roles they will have.
	 * @return array|null Sidecar_Limits::user_refusal() output.
	 */
	private static function refusal( int $blog_id, array $changes ): ?array {
		$switched = get_current_blog_id() !== $blog_id;
		if ( $switched ) {
			switch_to_blog( $blog_id );
		}
		try {
			$enforcement = Sidecar_Limits::enforcement();
			if ( null === $enforcement || ( null === $enforcement['users'] && ! $enforcement['users_role'] ) ) {
				return null;
			}
			$new_members = 0;
			$gains       = array();
			foreach ( $changes as $user_id => $roles ) {
				$current = $user_id ? ( self::roles_of( (int) $user_id, $blog_id ) ?? array() ) : array();
				$roles   = array_values( array_filter( $roles ) );
				if ( ! $roles ) {
					continue;
				}
				if ( ! $current ) {
					++$new_members;
				}
				foreach ( array_diff( $roles, $current ) as $role ) {
					$gains[ $role ] = ( $gains[ $role ] ?? 0 ) + 1;
				}
			}
			$limited_gains = array_intersect_key( $gains, $enforcement['users_role'] );
			if ( ! $limited_gains && ( ! $new_members || null === $enforcement['users'] ) ) {
				return null;
			}
			list( $total, $role_counts ) = self::counts( $blog_id, array_keys( $limited_gains ) );
			return Sidecar_Limits::user_refusal( $enforcement, $total, $role_counts, $new_members, $limited_gains );
		} finally {
			if ( $switched ) {
				restore_current_blog();
			}
		}
	}

	/**
	 * Roles a user has on a site, or null when they are not a member.
	 *
	 * @param int $user_id User id.
	 * @param int $blog_id Site id.
	 * @return string[]|null
	 */
	private static function roles_of( int $user_id, int $blog_id ): ?array {
		global $wpdb;
		$caps = get_user_meta( $user_id, $wpdb->get_blog_prefix( $blog_id ) . 'capabilities', true );
		if ( ! is_array( $caps ) ) {
			return null;
		}
		$roles = array();
		foreach ( $caps as $name => $on ) {
			if ( $on && is_string( $name ) && wp_roles()->is_role( $name ) ) {
				$roles[] = $name;
			}
		}
		return $roles;
	}

	/**
	 * Users with a role on a site, and per role, in one query.
	 *
	 * @param int      $blog_id Site id.
	 * @param string[] $roles   Roles to count.
	 * @return array array( total, array( role => count ) ).
	 */
	private static function counts( int $blog_id, array $roles ): array {
		global $wpdb;
		$select = 'COUNT(*) AS total';
		$args   = array();
		foreach ( array_values( $roles ) as $i => $role ) {
			$select .= ", SUM(meta_value LIKE %s) AS r$i";
			$args[]  = '%' . $wpdb->esc_like( '"' . $role . '"' ) . '%';
		}
		$args[] = $wpdb->get_blog_prefix( $blog_id ) . 'capabilities';
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL -- one count at write time; $select holds placeholders only.
		$row         = $wpdb->get_row( $wpdb->prepare( "SELECT $select FROM {$wpdb->usermeta} WHERE meta_key = %s AND meta_value NOT IN ('', 'a:0:{}')", $args ), ARRAY_A );
		$role_counts = array();
		foreach ( array_values( $roles ) as $i => $role ) {
			$role_counts[ $role ] = (int) ( $row[ "r$i" ] ?? 0 );
		}
		return array( (int) ( $row['total'] ?? 0 ), $role_counts );
	}

	/**
	 * Adds the notices of the Users screens: the refusal after a redirect from a check above,
	 * or (Add New User) that the site is full.
	 *
	 * @return void
	 */
	private static function notice_on_screen(): void {
		// phpcs:ignore WordPress.Security.NonceVerification -- display only.
		$code    = isset( $_GET[ self::QUERY_ARG ] ) ? sanitize_key( wp_unslash( $_GET[ self::QUERY_ARG ] ) ) : '';
		$refusal = '' !== $code ? self::from_code( $code ) : null;
		$kind    = 'error';
		if ( null === $refusal && 'user-new.php' === ( $GLOBALS['pagenow'] ?? '' ) ) {
			$refusal = self::refusal( get_current_blog_id(), array( 0 => array( 'subscriber' ) ) );
			$kind    = 'warning';
			if ( null !== $refusal && 'users' !== $refusal['key'] ) {
				$refusal = null; // Only "the site is full" is worth saying before anyone is picked.
			}
		}
		if ( null === $refusal ) {
			return;
		}
		$message = Sidecar_Limits::user_message( $refusal );
		add_action(
			'admin_notices',
			static function () use ( $message, $kind ) {
				printf( '<div class="notice notice-%1$s sidecar-limit-notice"><p>%2$s</p></div>', esc_attr( $kind ), esc_html( $message ) );
			}
		);
	}

	/**
	 * The refusal named by a query argument, with the current limit.
	 *
	 * @param string $code `users` or `role-<role>`.
	 * @return array|null
	 */
	private static function from_code( string $code ): ?array {
		$enforcement = Sidecar_Limits::enforcement();
		if ( null === $enforcement ) {
			return null;
		}
		if ( 'users' === $code && null !== $enforcement['users'] ) {
			return array(
				'key'  => 'users',
				'role' => '',
				'max'  => $enforcement['users'],
			);
		}
		$role = str_starts_with( $code, 'role-' ) ? substr( $code, 5 ) : '';
		if ( '' !== $role && isset( $enforcement['users_role'][ $role ] ) ) {
			return array(
				'key'  => 'users_role',
				'role' => $role,
				'max'  => $enforcement['users_role'][ $role ],
			);
		}
		return null;
	}

	/**
	 * The query-argument form of a refusal.
	 *
	 * @param array $refusal Sidecar_Limits::user_refusal() output.
	 * @return string
	 */
	private static function code( array $refusal ): string {
		return 'users' === $refusal['key'] ? 'users' : 'role-' . $refusal['role'];
	}

	/**
	 * The refusal as a 403 error.
	 *
	 * @param array $refusal Sidecar_Limits::user_refusal() output.
	 * @return WP_Error
	 */
	private static function error( array $refusal ): WP_Error {
		return new WP_Error(
			'sidecar_limit_reached',
			Sidecar_Limits::user_message( $refusal ),
			array(
				'status' => 403,
				'limit'  => 'users' === $refusal['key'] ? 'users' : 'users_role.' . $refusal['role'],
				'max'    => $refusal['max'],
			)
		);
	}
}
