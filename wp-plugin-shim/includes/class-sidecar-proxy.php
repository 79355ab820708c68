<?php
/**
 * Menus and the server-side proxy to the sidecar's pages (docs/protocol.md, "Proxy pages").
 *
 * On the page's `load-{hook}` action (before wp-admin prints anything) the shim sends the
 * browser's GET or POST to the sidecar with a fresh signed assertion, then either redirects
 * (3xx), streams a file (2xx without the fragment header) and exits, or keeps the HTML
 * fragment to print in the page callback. The browser never talks to the sidecar.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Account (site dashboard) and Sidecar (Network Admin) pages.
 */
final class Sidecar_Proxy {

	const ACCOUNT_SLUG = 'sidecar-account';
	const NETWORK_SLUG = 'sidecar-network';

	/** Seconds to wait for the sidecar. */
	const TIMEOUT = 15;

	/** Longest `sc` accepted. */
	const MAX_SC_LENGTH = 2048;

	/**
	 * What the load handler found, for the page callback: `kind` is `fragment` (with `html`),
	 * `unreachable`, `not_configured` or `bad_method`.
	 *
	 * @var array|null
	 */
	private static $outcome = null;

	/**
	 * Hooks the menus and the configuration notice.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'add_account_menu' ) );
		add_action( 'network_admin_menu', array( self::class, 'add_network_menu' ) );
		add_action( 'admin_notices', array( self::class, 'config_notice' ) );
		add_action( 'network_admin_notices', array( self::class, 'config_notice' ) );
	}

	/**
	 * Adds **Account** to the site dashboard for the site's owner and super admins.
	 *
	 * @return void
	 */
	public static function add_account_menu(): void {
		if ( ! self::current_user_owns_site() ) {
			return;
		}
		$hook = add_menu_page(
			__( 'Account', 'sidecar-shim' ),
			__( 'Account', 'sidecar-shim' ),
			'manage_options',
			self::ACCOUNT_SLUG,
			array( self::class, 'render' ),
			'dashicons-id-alt',
			3
		);
		add_action( 'load-' . $hook, array( self::class, 'load_account' ) );
	}

	/**
	 * Adds **Sidecar** to Network Admin for super admins.
	 *
	 * @return void
	 */
	public static function add_network_menu(): void {
		$hook = add_menu_page(
			__( 'Sidecar', 'sidecar-shim' ),
			__( 'Sidecar', 'sidecar-shim' ),
			'manage_network',
			self::NETWORK_SLUG,
			array( self::class, 'render' ),
			'dashicons-networking',
			3
		);
		add_action( 'load-' . $hook, array( self::class, 'load_network' ) );
	}

	/**
	 * Whether the current user sees the site's Account page: a super admin, or a user who can
	 * manage options here and whose email is the site's `admin_email` (compared without case,
	 * as email addresses are in practice).
	 *
	 * @return bool
	 */
	public static function current_user_owns_site(): bool {
		if ( is_super_admin() ) {
			return true;
		}
		if ( ! current_user_can( 'manage_options' ) ) {
			return false;
		}
		$email       = (string) wp_get_current_user()->user_email;
		$admin_email = (string) get_option( 'admin_email' );
		return '' !== $email && 0 === strcasecmp( $email, $admin_email );
	}

	/**
	 * `load-` handler of the Account page.
	 *
	 * @return void
	 */
	public static function load_account(): void {
		if ( ! self::current_user_owns_site() ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'sidecar-shim' ), 403 );
		}
		self::proxy(
			array(
				'aud'    => 'account',
				'prefix' => '/account',
				'blog'   => get_current_blog_id(),
				'base'   => admin_url( 'admin.php?page=' . self::ACCOUNT_SLUG ),
			)
		);
	}

	/**
	 * `load-` handler of the Network Admin page.
	 *
	 * @return void
	 */
	public static function load_network(): void {
		if ( ! current_user_can( 'manage_network' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to access this page.', 'sidecar-shim' ), 403 );
		}
		self::proxy(
			array(
				'aud'    => 'network',
				'prefix' => '/network',
				'blog'   => 0,
				'base'   => network_admin_url( 'admin.php?page=' . self::NETWORK_SLUG ),
			)
		);
	}

	/**
	 * Page callback: prints the fragment, or the page title and a short message.
	 *
	 * @return void
	 */
	public static function render(): void {
		$outcome = self::$outcome ?? array( 'kind' => 'unreachable' );
		echo '<div class="wrap sidecar">';
		if ( 'fragment' === $outcome['kind'] ) {
			// The fragment is the sidecar's own HTML (forms included), fetched server-side from the
			// configured SIDECAR_URL; kses would strip its forms, so it is printed as is.
			echo $outcome['html']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		} else {
			echo '<h1>' . esc_html( get_admin_page_title() ) . '</h1>';
			if ( 'not_configured' === $outcome['kind'] ) {
				echo '<p>' . esc_html__( 'This page is not available yet: the account service has not been set up. Please contact the network administrator.', 'sidecar-shim' ) . '</p>';
			} elseif ( 'bad_method' === $outcome['kind'] ) {
				echo '<p>' . esc_html__( 'This request method is not supported here.', 'sidecar-shim' ) . '</p>';
			}
		}
		echo '</div>';
	}

	/**
	 * Tells super admins which wp-config.php constant is missing or wrong.
	 *
	 * @return void
	 */
	public static function config_notice(): void {
		if ( ! is_super_admin() || Sidecar_Config::is_ready() ) {
			return;
		}
		echo '<div class="notice notice-warning"><p><strong>' . esc_html__( 'Sidecar Shim is not configured.', 'sidecar-shim' ) . '</strong></p><ul>';
		foreach ( Sidecar_Config::problems() as $problem ) {
			echo '<li>' . esc_html( $problem['text'] ) . ' <code>' . esc_html( $problem['line'] ) . '</code></li>';
		}
		echo '</ul></div>';
	}

	/**
	 * Prints the "unreachable" notice (hooked on admin_notices by the load handler).
	 *
	 * @return void
	 */
	public static function unreachable_notice(): void {
		echo '<div class="notice notice-error"><p>' . esc_html__( 'The account service is unreachable right now. Please try again in a minute.', 'sidecar-shim' ) . '</p></div>';
	}

	/**
	 * Cleans the `sc` query parameter: it must start with `/` and contain no `..`, `//`, `\`,
	 * scheme, whitespace or control character; otherwise `/`. A `#fragment` is dropped. The
	 * path part (before `?`) is further limited to plain URL characters without `%` or `:`,
	 * so the path the shim signs (`pth`) is the same string whether the sidecar compares it
	 * raw or percent-decoded.
	 *
	 * @param mixed $raw The unslashed value of `$_GET['sc']`.
	 * @return string
	 */
	public static function sanitize_sc( $raw ): string {
		if ( ! is_string( $raw ) ) {
			return '/';
		}
		$sc = explode( '#', $raw, 2 )[0];
		if ( '' === $sc || '/' !== $sc[0] || strlen( $sc ) > self::MAX_SC_LENGTH
			|| str_contains( $sc, '..' ) || str_contains( $sc, '//' ) || str_contains( $sc, '\\' )
			|| preg_match( '/[^\x21-\x7e]/', $sc ) ) {
			return '/';
		}
		$path = explode( '?', $sc, 2 )[0];
		if ( ! preg_match( '#^/[A-Za-z0-9._~!$&\'()*+,;=@/-]*$#D', $path ) ) {
			return '/';
		}
		return $sc;
	}

	/**
	 * Sends the current request to the sidecar and acts on the answer.
	 *
	 * @param array $page `aud`, `prefix`, `blog`, `base` of the proxied page.
	 * @return void
	 */
	private static function proxy( array $page ): void {
		if ( ! Sidecar_Config::is_ready() ) {
			self::$outcome = array( 'kind' => 'not_configured' );
			return;
		}
		$method = isset( $_SERVER['REQUEST_METHOD'] ) ? strtoupper( sanitize_text_field( wp_unslash( $_SERVER['REQUEST_METHOD'] ) ) ) : 'GET';
		if ( 'GET' !== $method && 'POST' !== $method ) {
			status_header( 405 );
			self::$outcome = array( 'kind' => 'bad_method' );
			return;
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended, WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- sanitize_sc() is the sanitiser; the sidecar checks CSRF on its POSTs.
		$sc    = self::sanitize_sc( isset( $_GET['sc'] ) ? wp_unslash( $_GET['sc'] ) : '/' );
		$parts = explode( '?', $sc, 2 );
		$path  = $page['prefix'] . $parts[0];
		$query = isset( $parts[1] ) && '' !== $parts[1] ? '?' . $parts[1] : '';
		$rid   = bin2hex( random_bytes( 16 ) );

		$headers = array(
			'X-Request-Id'    => $rid,
			'Accept-Language' => str_replace( '_', '-', get_user_locale() ),
		);
		$args    = array(
			'method'      => $method,
			'timeout'     => self::TIMEOUT,
			'redirection' => 0,
		);
		if ( 'POST' === $method ) {
			$content_type            = isset( $_SERVER['CONTENT_TYPE'] ) ? sanitize_text_field( wp_unslash( $_SERVER['CONTENT_TYPE'] ) ) : '';
			$headers['Content-Type'] = '' !== $content_type ? $content_type : 'application/x-www-form-urlencoded';
			$args['body']            = (string) file_get_contents( 'php://input' );
		}

		try {
			$headers['X-Sidecar-Assertion'] = Sidecar_Assertion::sign( Sidecar_Config::secret(), self::claims( $page, $method, $path, $rid ) );
		} catch ( Exception $e ) {
			self::fail( $rid, 'cannot sign: ' . $e->getMessage() );
			return;
		}
		$args['headers'] = $headers;

		$response = wp_remote_request( Sidecar_Config::url() . $path . $query, $args );
		self::handle( $response, $page, $method, $rid );
	}

	/**
	 * The claims of one proxied request, in protocol order.
	 *
	 * @param array  $page   Proxied page.
	 * @param string $method HTTP method.
	 * @param string $path   Sidecar path (no query string).
	 * @param string $rid    Request id.
	 * @return array
	 */
	private static function claims( array $page, string $method, string $path, string $rid ): array {
		$now   = time();
		$token = wp_get_session_token();
		return array(
			'aud'  => $page['aud'],
			'sub'  => get_current_user_id(),
			'blog' => (int) $page['blog'],
			'net'  => get_current_network_id(),
			'iat'  => $now,
			'exp'  => $now + Sidecar_Assertion::TTL,
			'jti'  => Sidecar_Assertion::new_jti(),
			'mth'  => $method,
			'pth'  => $path,
			'ses'  => '' === $token ? '' : hash( 'sha256', $token ),
			'base' => $page['base'],
			'rid'  => $rid,
			'loc'  => get_user_locale(),
		);
	}

	/**
	 * Acts on the sidecar's answer: redirect, fragment, file or failure.
	 *
	 * @param array|WP_Error $response Answer of wp_remote_request().
	 * @param array          $page     Proxied page.
	 * @param string         $method   HTTP method.
	 * @param string         $rid      Request id.
	 * @return void
	 */
	private static function handle( $response, array $page, string $method, string $rid ): void {
		if ( is_wp_error( $response ) ) {
			self::fail( $rid, 'transport error: ' . $response->get_error_message() );
			return;
		}
		$code = (int) wp_remote_retrieve_response_code( $response );
		if ( $code >= 300 && $code < 400 ) {
			$target = self::redirect_target( self::header( $response, 'location' ), $page );
			if ( null === $target ) {
				self::fail( $rid, "unusable redirect ($code)" );
				return;
			}
			wp_safe_redirect( $target, 'POST' === $method ? 303 : 302, 'Sidecar Shim' );
			exit;
		}
		if ( '1' === self::header( $response, 'x-sidecar-fragment' ) ) {
			status_header( $code );
			self::$outcome = array(
				'kind' => 'fragment',
				'html' => wp_remote_retrieve_body( $response ),
			);
			return;
		}
		if ( $code >= 200 && $code < 300 ) {
			self::send_file( $response, $code );
		}
		self::fail( $rid, "answer $code without the fragment header" );
	}

	/**
	 * Where to send the browser for a sidecar redirect: a sidecar path under the page's prefix
	 * (relative, or absolute on SIDECAR_URL) becomes `base&sc=<rest>`; an absolute http(s) URL
	 * elsewhere is left to wp_safe_redirect() (which allows only WordPress's own hosts);
	 * anything else is refused.
	 *
	 * @param string $location The Location header.
	 * @param array  $page     Proxied page.
	 * @return string|null
	 */
	private static function redirect_target( string $location, array $page ): ?string {
		if ( '' === $location ) {
			return null;
		}
		$sidecar    = Sidecar_Config::url();
		$candidates = array( $sidecar . $page['prefix'] );
		if ( '/' === $location[0] && ! str_starts_with( $location, '//' ) ) {
			$candidates = array( (string) wp_parse_url( $sidecar, PHP_URL_PATH ) . $page['prefix'] );
		}
		foreach ( $candidates as $prefix ) {
			if ( ! str_starts_with( $location, $prefix ) ) {
				continue;
			}
			$rest = (string) substr( $location, strlen( $prefix ) );
			if ( '' === $rest || '?' === $rest[0] ) {
				$rest = '/' . $rest;
			}
			if ( '/' === $rest[0] ) {
				return $page['base'] . '&sc=' . rawurlencode( self::sanitize_sc( $rest ) );
			}
		}
		$origin = static function ( string $url ): string {
			$p = wp_parse_url( $url );
			return strtolower( ( $p['scheme'] ?? '' ) . '://' . ( $p['host'] ?? '' ) . ':' . ( $p['port'] ?? '' ) );
		};
		if ( preg_match( '#^https?://#i', $location ) && $origin( $location ) !== $origin( $sidecar ) ) {
			return $location;
		}
		return null;
	}

	/**
	 * Streams a non-HTML answer (PDF, CSV, ...) to the browser and exits.
	 *
	 * @param array $response Answer of wp_remote_request().
	 * @param int   $code     Its status code.
	 * @return never
	 */
	private static function send_file( array $response, int $code ) {
		$body = wp_remote_retrieve_body( $response );
		status_header( $code );
		$type = self::header( $response, 'content-type' );
		header( 'Content-Type: ' . ( '' !== $type ? $type : 'application/octet-stream' ) );
		$disposition = self::header( $response, 'content-disposition' );
		if ( '' !== $disposition ) {
			header( 'Content-Disposition: ' . $disposition );
		}
		// The length of the body as received (the transport may have decompressed it).
		header( 'Content-Length: ' . strlen( $body ) );
		header( 'X-Content-Type-Options: nosniff' );
		echo $body; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- a file passed through byte for byte.
		exit;
	}

	/**
	 * Records a failure: logged with the request id, shown to the user only as a notice.
	 *
	 * @param string $rid    Request id.
	 * @param string $reason What went wrong (for the log only).
	 * @return void
	 */
	private static function fail( string $rid, string $reason ): void {
		self::$outcome = array( 'kind' => 'unreachable' );
		add_action( 'admin_notices', array( self::class, 'unreachable_notice' ) );
		add_action( 'network_admin_notices', array( self::class, 'unreachable_notice' ) );
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- operators need the reason; users never see it.
		error_log( sprintf( 'sidecar-shim: rid=%s %s', $rid, $reason ) );
	}

	/**
	 * One response header as a clean single-line string ('' when absent; the last one when
	 * repeated).
	 *
	 * @param array  $response Answer of wp_remote_request().
	 * @param string $name     Header name, lowercase.
	 * @return string
	 */
	private static function header( array $response, string $name ): string {
		$value = wp_remote_retrieve_header( $response, $name );
		if ( is_array( $value ) ) {
			$value = (string) end( $value );
		}
		return trim( (string) preg_replace( '/[\x00-\x1f\x7f]/', '', (string) $value ) );
	}
}
