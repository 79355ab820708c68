<?php
/**
 * Post, page and custom post type limits on every path that creates or publishes.
 *
 * Every path ends in wp_insert_post(): the classic editor (post.php → edit_post() →
 * wp_update_post()), the block editor (REST → wp_insert_post()/wp_update_post()), XML-RPC
 * (wp.newPost, wp.editPost, metaWeblog.*, blogger.*, mt.publishPost) and code. Its only
 * short-circuit is the `wp_insert_post_empty_content` filter, which runs before anything is
 * written, so that is where the limit is checked: one COUNT on the posts table, under a MySQL
 * named lock per site held until the row is written, so concurrent publishers cannot both
 * take the last place. Refusals then take the shape each path can show:
 *
 * - REST: `rest_pre_insert_{post_type}` refuses first with 403 `sidecar_limit_reached` and the
 *   message (the block editor shows it in its "Publishing failed" notice);
 * - XML-RPC: wp_die() → core's XML-RPC die handler answers a fault 403 with the message, on
 *   every method alike;
 * - classic editor: the post is saved as a draft instead (nothing the author typed is lost),
 *   and the edit screen shows the message instead of "Post published";
 * - Quick Edit: wp_die() with the message, which the list screen shows inline;
 * - code: wp_insert_post() returns 0, or with `$wp_error` a WP_Error `empty_content` whose
 *   message is ours (core words that error with a fixed string, swapped for this one call).
 *
 * Core's wp_publish_post() writes the status directly, but core only uses it for scheduled
 * posts, which already count.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Enforces `limits[<post type>]` of the enforcement option.
 */
final class Sidecar_Post_Limits {

	/** Seconds to wait for the per-site lock before checking without it. */
	const LOCK_WAIT = 10;

	/** Query argument of the edit screen after a classic-editor refusal. */
	const QUERY_ARG = 'sidecar_limit';

	/**
	 * Name of the named lock this request holds, or ''.
	 *
	 * @var string
	 */
	private static $held = '';

	/**
	 * Message to put in place of core's "empty content" error for the current refusal.
	 *
	 * @var string|null
	 */
	private static $message = null;

	/**
	 * Post ids saved as drafts instead of published by the classic editor, => post type.
	 *
	 * @var array<int, string>
	 */
	private static $downgraded = array();

	/**
	 * Hooks the checks.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_filter( 'wp_insert_post_empty_content', array( self::class, 'check_insert' ), 1000, 2 );
		add_filter( 'wp_insert_post_data', array( self::class, 'apply_downgrade' ), 1000, 2 );
		// The row is written before these fire: release the lock as early as possible.
		add_action( 'transition_post_status', array( self::class, 'release_lock' ), -1000 );
		add_action( 'wp_insert_post', array( self::class, 'release_lock' ), -1000 );
		add_action( 'rest_api_init', array( self::class, 'register_rest_filters' ) );
		add_filter( 'redirect_post_location', array( self::class, 'redirect_location' ), 1000, 2 );
		add_action( 'load-post-new.php', array( self::class, 'load_editor' ) );
		add_action( 'load-post.php', array( self::class, 'load_editor' ) );
	}

	/**
	 * `wp_insert_post_empty_content`: refuses a write that would add a post past its type's
	 * limit (see the file comment for what each path then sees).
	 *
	 * @param bool  $maybe_empty Whether the post is already considered empty.
	 * @param array $postarr     Sanitized post data (merged with the existing post on updates).
	 * @return bool True to stop the insert.
	 */
	public static function check_insert( $maybe_empty, $postarr ) {
		self::forget_message();
		if ( $maybe_empty || ! is_array( $postarr ) ) {
			return $maybe_empty;
		}
		$type   = empty( $postarr['post_type'] ) ? 'post' : (string) $postarr['post_type'];
		$status = empty( $postarr['post_status'] ) ? 'draft' : (string) $postarr['post_status'];
		$id     = empty( $postarr['ID'] ) ? 0 : (int) $postarr['ID'];
		$max    = self::refusal( $type, $id, $status, true );
		if ( null === $max ) {
			return false;
		}
		$message = Sidecar_Limits::post_message( $type, $max );

		if ( $id && self::is_classic_save( $id ) ) {
			self::$downgraded[ $id ] = $type;
			return false;
		}
		if ( defined( 'XMLRPC_REQUEST' ) && XMLRPC_REQUEST ) {
			// The XML-RPC die handler answers a fault; IXR_Error escapes the message itself.
			wp_die( $message, '', array( 'response' => 403 ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		}
		if ( wp_doing_ajax() && isset( $_POST['action'] ) && 'inline-save' === $_POST['action'] ) { // phpcs:ignore WordPress.Security.NonceVerification -- core checked the nonce before saving.
			wp_die( esc_html( $message ) );
		}
		self::$message = $message;
		add_filter( 'gettext_default', array( self::class, 'refusal_text' ), 10, 2 );
		return true;
	}

	/**
	 * `wp_insert_post_data`: a classic-editor save refused above is written as a draft; its
	 * date stays floating ("publish immediately") unless the author set one.
	 *
	 * @param array $data    Post data about to be written.
	 * @param array $postarr The data wp_insert_post() was given.
	 * @return array
	 */
	public static function apply_downgrade( $data, $postarr ) {
		$id = is_array( $postarr ) && ! empty( $postarr['ID'] ) ? (int) $postarr['ID'] : 0;
		if ( $id && isset( self::$downgraded[ $id ] ) && is_array( $data ) ) {
			$data['post_status'] = 'draft';
			if ( empty( $postarr['edit_date'] ) ) {
				$data['post_date_gmt'] = '0000-00-00 00:00:00';
			}
		}
		return $data;
	}

	/**
	 * `gettext_default`: core's "empty content" error, for the one refusal just made.
	 *
	 * @param string $translation Translated text.
	 * @param string $text        Original text.
	 * @return string
	 */
	public static function refusal_text( $translation, $text ) {
		if ( 'Content, title, and excerpt are empty.' !== $text || null === self::$message ) {
			return $translation;
		}
		$message = self::$message;
		self::forget_message();
		return $message;
	}

	/**
	 * Releases the per-site lock once the post row is written (or at any later hook).
	 *
	 * @return void
	 */
	public static function release_lock(): void {
		global $wpdb;
		if ( '' === self::$held ) {
			return;
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- releases our named lock.
		$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', self::$held ) );
		self::$held = '';
	}

	/**
	 * Adds `rest_pre_insert_{post_type}` for each limited post type.
	 *
	 * @return void
	 */
	public static function register_rest_filters(): void {
		$enforcement = Sidecar_Limits::enforcement();
		foreach ( array_keys( $enforcement['types'] ?? array() ) as $type ) {
			add_filter( "rest_pre_insert_{$type}", array( self::class, 'check_rest' ), 1000, 2 );
		}
	}

	/**
	 * `rest_pre_insert_{post_type}`: 403 `sidecar_limit_reached` for a create or update that
	 * would add a post past the limit.
	 *
	 * @param stdClass|WP_Error $prepared The post about to be written.
	 * @param WP_REST_Request   $request  The request.
	 * @return stdClass|WP_Error
	 */
	public static function check_rest( $prepared, $request ) {
		unset( $request );
		if ( ! is_object( $prepared ) || is_wp_error( $prepared ) || empty( $prepared->post_type ) ) {
			return $prepared;
		}
		$type = (string) $prepared->post_type;
		$id   = empty( $prepared->ID ) ? 0 : (int) $prepared->ID;
		$old  = $id ? get_post( $id ) : null;
		if ( ! empty( $prepared->post_status ) ) {
			$status = (string) $prepared->post_status;
		} else {
			$status = $old ? $old->post_status : 'draft';
		}
		// Locked like the check in wp_insert_post() that follows in this request, so that a
		// concurrent publisher is refused here, with the REST error, rather than there.
		$max = self::refusal( $type, $id, $status, true );
		if ( null === $max ) {
			return $prepared;
		}
		return new WP_Error(
			'sidecar_limit_reached',
			Sidecar_Limits::post_message( $type, $max ),
			array(
				'status' => 403,
				'limit'  => $type,
				'max'    => $max,
			)
		);
	}

	/**
	 * `redirect_post_location`: after a classic-editor save that was kept as a draft, the edit
	 * screen says why instead of "Post published".
	 *
	 * @param string $location Redirect URL.
	 * @param int    $post_id  Post id.
	 * @return string
	 */
	public static function redirect_location( $location, $post_id ) {
		if ( isset( self::$downgraded[ (int) $post_id ] ) ) {
			$location = add_query_arg( self::QUERY_ARG, 'refused', remove_query_arg( 'message', $location ) );
		}
		return $location;
	}

	/**
	 * `load-post-new.php` and `load-post.php`: shows the limit when it is reached, and the
	 * refusal after a classic save (an admin notice; a notice in the block editor too).
	 *
	 * @return void
	 */
	public static function load_editor(): void {
		global $typenow;
		if ( isset( $_SERVER['REQUEST_METHOD'] ) && 'GET' !== $_SERVER['REQUEST_METHOD'] ) {
			return; // A save: it redirects.
		}
		$type = $typenow ? (string) $typenow : 'post';
		$max  = Sidecar_Limits::post_type_limit( $type );
		if ( null === $max ) {
			return;
		}
		// phpcs:disable WordPress.Security.NonceVerification -- display only.
		$refused = isset( $_GET[ self::QUERY_ARG ] ) && 'refused' === $_GET[ self::QUERY_ARG ];
		$post_id = isset( $_GET['post'] ) ? (int) $_GET['post'] : 0;
		// phpcs:enable
		$post = $post_id ? get_post( $post_id ) : null;
		if ( $post && in_array( $post->post_status, Sidecar_Limits::COUNTED_STATUSES, true ) ) {
			return; // Already counted: editing it is always allowed.
		}
		if ( ! $refused && self::count( $type ) < $max ) {
			return;
		}
		$message = Sidecar_Limits::post_message( $type, $max );
		if ( $refused ) {
			$message = __( 'Not published: your changes were saved as a draft.', 'sidecar-shim' ) . ' ' . $message;
		}
		$kind = $refused ? 'error' : 'warning';
		add_action(
			'admin_notices',
			static function () use ( $message, $kind ) {
				printf( '<div class="notice notice-%1$s sidecar-limit-notice"><p>%2$s</p></div>', esc_attr( $kind ), esc_html( $message ) );
			}
		);
		add_action(
			'enqueue_block_editor_assets',
			static function () use ( $message, $kind ) {
				wp_add_inline_script(
					'wp-edit-post',
					sprintf(
						'wp.domReady(function(){wp.data.dispatch("core/notices").createNotice(%1$s,%2$s,{id:"sidecar-limit",isDismissible:true});});',
						wp_json_encode( $kind ),
						wp_json_encode( $message )
					)
				);
			}
		);
	}

	/**
	 * The limit a write would break, or null when it is allowed.
	 *
	 * @param string $type   Post type.
	 * @param int    $id     Existing post id, 0 for a new post.
	 * @param string $status Status being written.
	 * @param bool   $lock   Whether to take the per-site lock (kept when allowed, until the
	 *                       row is written).
	 * @return int|null The limit.
	 */
	private static function refusal( string $type, int $id, string $status, bool $lock ): ?int {
		if ( 'attachment' === $type || ! in_array( $status, Sidecar_Limits::COUNTED_STATUSES, true ) ) {
			return null;
		}
		$max = Sidecar_Limits::post_type_limit( $type );
		if ( null === $max ) {
			return null;
		}
		$old = $id ? get_post( $id ) : null;
		if ( ! Sidecar_Limits::adds_to_count( $old ? $old->post_status : null, $old && $old->post_type === $type, $status ) ) {
			return null;
		}
		if ( $lock ) {
			self::lock();
		}
		if ( self::count( $type ) < $max ) {
			return null;
		}
		self::release_lock();
		return $max;
	}

	/**
	 * Posts of a type that count (published, private, scheduled) on the current site.
	 *
	 * @param string $type Post type.
	 * @return int
	 */
	private static function count( string $type ): int {
		global $wpdb;
		$statuses = "'" . implode( "','", Sidecar_Limits::COUNTED_STATUSES ) . "'";
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- one exact count at write time; the statuses are constants.
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_type = %s AND post_status IN ($statuses)", $type ) );
	}

	/**
	 * Takes the current site's named lock (waits up to LOCK_WAIT seconds; checks without it
	 * when it cannot be had).
	 *
	 * @return void
	 */
	private static function lock(): void {
		global $wpdb;
		if ( '' !== self::$held ) {
			return;
		}
		$name = 'sidecar_posts_' . md5( DB_NAME . '|' . $wpdb->base_prefix . '|' . get_current_blog_id() );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- a named lock, no WordPress API for it.
		if ( '1' === (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, %d)', $name, self::LOCK_WAIT ) ) ) {
			self::$held = $name;
		}
	}

	/**
	 * Whether this write is the classic editor saving post `$id` (post.php, action `editpost`
	 * or `post`, also the block editor's meta-box form).
	 *
	 * @param int $id Post id.
	 * @return bool
	 */
	private static function is_classic_save( int $id ): bool {
		// phpcs:disable WordPress.Security.NonceVerification -- core verified the nonce before saving.
		return is_admin() && isset( $GLOBALS['pagenow'] ) && 'post.php' === $GLOBALS['pagenow']
			&& isset( $_POST['post_ID'], $_POST['action'] ) && (int) $_POST['post_ID'] === $id
			&& in_array( $_POST['action'], array( 'editpost', 'post' ), true );
		// phpcs:enable
	}

	/**
	 * Drops a pending replacement message and its gettext filter.
	 *
	 * @return void
	 */
	private static function forget_message(): void {
		if ( null !== self::$message ) {
			self::$message = null;
			remove_filter( 'gettext_default', array( self::class, 'refusal_text' ), 10 );
		}
	}
}
