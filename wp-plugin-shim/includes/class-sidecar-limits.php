<?php
/**
 * Plan limits (docs/limits.md): the sidecar decides and writes each site's autoloaded option
 * `sidecar_enforcement`; the shim only enforces it on WordPress's hooks.
 *
 * This class reads the option (from the autoloaded options WordPress already has in memory:
 * no query, also when a site has no such option), answers the disk hooks, and registers the
 * post, user and visit enforcers. The functions `parse()`, `adds_to_count()` and
 * `user_refusal()` are pure, for tests/limits-test.php.
 *
 * A missing, unreadable or unknown-version option means "no limits": enforcement fails open,
 * because the sidecar writes the option again on every sweep.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads `sidecar_enforcement` and registers the enforcers.
 */
final class Sidecar_Limits {

	/** Name of the option the sidecar writes in each site's options table. */
	const OPTION = 'sidecar_enforcement';

	/** Version of the option's shape this shim understands. */
	const SHAPE_VERSION = 1;

	/** Post statuses that count against a post type's limit. */
	const COUNTED_STATUSES = array( 'publish', 'private', 'future' );

	/** Keys of `limits` that are not post types. */
	const RESERVED_KEYS = array( 'users', 'users_role', 'disk_mb', 'visits_month', 'sites', 'domains', 'templates' );

	/**
	 * Hooks everything.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_filter( 'pre_get_space_used', array( self::class, 'space_used' ) );
		add_filter( 'get_space_allowed', array( self::class, 'space_allowed' ) );
		add_filter( 'pre_site_option_upload_space_check_disabled', array( self::class, 'upload_space_check_disabled' ) );
		Sidecar_Post_Limits::register();
		Sidecar_User_Limits::register();
		Sidecar_Visits::register();
	}

	/**
	 * The current site's enforcement values, or null when it has none. Reads the autoloaded
	 * options already in memory; only when the option is there does it go through get_option()
	 * (which then answers from the same memory), so a site without it costs no query either.
	 *
	 * @return array|null See parse().
	 */
	public static function enforcement(): ?array {
		$all = wp_load_alloptions();
		if ( ! is_array( $all ) || ! isset( $all[ self::OPTION ] ) ) {
			return null;
		}
		return self::parse( get_option( self::OPTION ) );
	}

	/**
	 * The limit of one post type on the current site, or null when unlimited.
	 *
	 * @param string $post_type Post type slug.
	 * @return int|null Most posts of that type that may count (0: none).
	 */
	public static function post_type_limit( string $post_type ): ?int {
		$enforcement = self::enforcement();
		return $enforcement['types'][ $post_type ] ?? null;
	}

	/**
	 * Normalises the option's value. Limits are non-negative integers (0 means none allowed:
	 * a post type switched off); anything else under a key is ignored (unlimited).
	 *
	 * @param mixed $raw The unserialized option.
	 * @return array|null `types` (slug => int), `users` (int|null), `users_role` (role => int),
	 *                    `disk_mb` (int|null), `disk_used_bytes` (int|null), `visits_blocked`
	 *                    (bool); null when the value is not a version-1 array.
	 */
	public static function parse( $raw ): ?array {
		if ( ! is_array( $raw ) || ! isset( $raw['v'] ) || self::SHAPE_VERSION !== self::count_value( $raw['v'] ) ) {
			return null;
		}
		$limits = isset( $raw['limits'] ) && is_array( $raw['limits'] ) ? $raw['limits'] : array();
		$types  = array();
		foreach ( $limits as $key => $value ) {
			$max = self::count_value( $value );
			if ( is_string( $key ) && ! in_array( $key, self::RESERVED_KEYS, true ) && null !== $max ) {
				$types[ $key ] = $max;
			}
		}
		$roles = array();
		if ( isset( $limits['users_role'] ) && is_array( $limits['users_role'] ) ) {
			foreach ( $limits['users_role'] as $role => $value ) {
				$max = self::count_value( $value );
				if ( is_string( $role ) && '' !== $role && null !== $max ) {
					$roles[ $role ] = $max;
				}
			}
		}
		return array(
			'types'           => $types,
			'users'           => self::count_value( $limits['users'] ?? null ),
			'users_role'      => $roles,
			'disk_mb'         => self::count_value( $limits['disk_mb'] ?? null ),
			'disk_used_bytes' => self::count_value( $raw['disk_used_bytes'] ?? null ),
			'visits_blocked'  => true === ( $raw['visits_blocked'] ?? false ) || 1 === ( $raw['visits_blocked'] ?? false ),
		);
	}

	/**
	 * Whether a write moves a post into the counted statuses: its new status counts and it did
	 * not count before (a new post, or an existing one of another type or uncounted status).
	 * Updating a post that already counts is always allowed, even over the limit: content
	 * already there stays, only new additions are refused.
	 *
	 * @param string|null $old_status Status before the write, null for a new post.
	 * @param bool        $same_type  Whether the existing post had the same post type.
	 * @param string      $new_status Status being written.
	 * @return bool
	 */
	public static function adds_to_count( ?string $old_status, bool $same_type, string $new_status ): bool {
		if ( ! in_array( $new_status, self::COUNTED_STATUSES, true ) ) {
			return false;
		}
		return null === $old_status || ! $same_type || ! in_array( $old_status, self::COUNTED_STATUSES, true );
	}

	/**
	 * Which user limit a change would break, if any.
	 *
	 * @param array $enforcement  parse() output (`users`, `users_role`).
	 * @param int   $total        Users with a role on the site now.
	 * @param array $role_counts  Role => users with that role now (only limited roles needed).
	 * @param int   $new_members  Users who have no role now and get one.
	 * @param array $role_gains   Role => users who get that role and do not have it now.
	 * @return array|null `key` (`users` or `users_role`), `role` ('' for `users`), `max`.
	 */
	public static function user_refusal( array $enforcement, int $total, array $role_counts, int $new_members, array $role_gains ): ?array {
		$max = $enforcement['users'] ?? null;
		if ( $new_members > 0 && null !== $max && $total + $new_members > $max ) {
			return array(
				'key'  => 'users',
				'role' => '',
				'max'  => $max,
			);
		}
		foreach ( $role_gains as $role => $gain ) {
			$max = $enforcement['users_role'][ $role ] ?? null;
			if ( $gain > 0 && null !== $max && ( $role_counts[ $role ] ?? 0 ) + $gain > $max ) {
				return array(
					'key'  => 'users_role',
					'role' => (string) $role,
					'max'  => $max,
				);
			}
		}
		return null;
	}

	/**
	 * `pre_get_space_used`: the sidecar's measurement (MB) instead of core's directory walk.
	 *
	 * @param int|float|false $used Megabytes from an earlier filter, or false.
	 * @return int|float|false
	 */
	public static function space_used( $used ) {
		if ( false !== $used ) {
			return $used;
		}
		$enforcement = self::enforcement();
		if ( null === $enforcement || null === $enforcement['disk_used_bytes'] ) {
			return $used;
		}
		return $enforcement['disk_used_bytes'] / MB_IN_BYTES;
	}

	/**
	 * `get_space_allowed`: the plan's `disk_mb` when set, so core's quota always agrees with the
	 * limit (the sidecar also writes `blog_upload_space`, which core reads before this filter).
	 *
	 * @param int|float $allowed Megabytes allowed.
	 * @return int|float
	 */
	public static function space_allowed( $allowed ) {
		$enforcement = self::enforcement();
		if ( null === $enforcement || null === $enforcement['disk_mb'] ) {
			return $allowed;
		}
		return $enforcement['disk_mb'];
	}

	/**
	 * `pre_site_option_upload_space_check_disabled`: core's upload quota check is a network
	 * setting, off by default on networks converted from a single site; a site with a disk limit
	 * has it on, so every upload path core guards (media screens, async uploads, REST media,
	 * XML-RPC) refuses files past the quota.
	 *
	 * @param mixed $pre The value from an earlier filter, or false.
	 * @return mixed
	 */
	public static function upload_space_check_disabled( $pre ) {
		if ( false !== $pre ) {
			return $pre;
		}
		$enforcement = self::enforcement();
		return ( null !== $enforcement && null !== $enforcement['disk_mb'] ) ? 0 : false;
	}

	/**
	 * The message shown when a post type's limit refuses a write.
	 *
	 * @param string $post_type Post type slug.
	 * @param int    $max       The limit.
	 * @return string
	 */
	public static function post_message( string $post_type, int $max ): string {
		$object = function_exists( 'get_post_type_object' ) ? get_post_type_object( $post_type ) : null;
		$label  = $object ? $object->labels->name : $post_type;
		if ( 0 === $max ) {
			/* translators: %s: post type name, e.g. "Pages". */
			return sprintf( __( '%s: your plan does not include these. Save it as a draft, or upgrade your plan to publish it.', 'sidecar-shim' ), $label );
		}
		return sprintf(
			/* translators: 1: post type name, e.g. "Posts"; 2: the limit, a number. */
			__( '%1$s: your plan allows %2$s on this site, and that limit is reached (published, scheduled and private ones count; drafts do not). To publish another, move one to the trash or back to draft, or upgrade your plan.', 'sidecar-shim' ),
			$label,
			number_format_i18n( $max )
		);
	}

	/**
	 * The message shown when a user limit refuses a change.
	 *
	 * @param array $refusal user_refusal() output.
	 * @return string
	 */
	public static function user_message( array $refusal ): string {
		if ( 'users' === $refusal['key'] ) {
			return sprintf(
				/* translators: %s: the limit, a number. */
				__( 'Users: your plan allows %s users on this site, and that limit is reached. Remove a user from the site, or upgrade your plan, to add another.', 'sidecar-shim' ),
				number_format_i18n( $refusal['max'] )
			);
		}
		$roles = wp_roles()->get_names();
		$name  = isset( $roles[ $refusal['role'] ] ) ? translate_user_role( $roles[ $refusal['role'] ] ) : $refusal['role'];
		return sprintf(
			/* translators: 1: role name, e.g. "Editor"; 2: the limit, a number. */
			__( '%1$s: your plan allows %2$s users with this role on this site, and that limit is reached. Choose another role, or upgrade your plan.', 'sidecar-shim' ),
			$name,
			number_format_i18n( $refusal['max'] )
		);
	}

	/**
	 * A non-negative integer from an int, a float without fraction or a digit string; else null.
	 *
	 * @param mixed $value Candidate.
	 * @return int|null
	 */
	private static function count_value( $value ): ?int {
		if ( is_int( $value ) ) {
			return $value >= 0 ? $value : null;
		}
		if ( is_float( $value ) && $value >= 0 && floor( $value ) === $value && $value < PHP_INT_MAX ) {
			return (int) $value;
		}
		if ( is_string( $value ) && preg_match( '/^[0-9]{1,18}$/D', $value ) ) {
			return (int) $value;
		}
		return null;
	}
}
