<?php
/**
 * Menus and the server-side proxy to the sidecar's pages (docs/protocol.md, "Proxy pages").
 *
 * On the page's `load-{hook}` action (before wp-admin prints anything) the shim sends the
 * browser's GET or POST to the sidecar with a fresh signed assertion, then either redirects
 * (3xx), streams a file (2xx without the fragment header) and exits, or keeps the HTML
 * fragment to print in the page callback. The browser never talks to the sidecar. Exports
 * (sub-paths ending in `/export`) may take DOWNLOAD_TIMEOUT seconds and are received into a
 * temporary file, then sent with readfile(), so PHP's memory stays small whatever their size.
 *
 * The public sign-up page is the same proxy on the front end: on the main site, a request for
 * `/signup/` or `/signup/<anything>` is recognised by its path on `parse_request` (so it works
 * with and without pretty permalinks, as long as the web server hands unknown paths to
 * index.php, which every multisite needs), proxied to `/public/signup…`, and the fragment is
 * printed in a minimal full HTML page of our own (`wp_head()`, a centred container,
 * `wp_footer()`), which works with block and classic themes alike.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Account (site dashboard) and Sidecar (Network Admin) pages, and the public sign-up page.
 */
final class Sidecar_Proxy {

	const ACCOUNT_SLUG = 'sidecar-account';
	const NETWORK_SLUG = 'sidecar-network';

	/** Front-end path (below the main site's home) of the public sign-up page. */
	const PUBLIC_PATH = 'signup';

	/** Sidecar prefix of the public sign-up page. */
	const PUBLIC_PREFIX = '/public/signup';

	/** Seconds to wait for the sidecar. */
	const TIMEOUT = 15;

	/** Seconds to wait for a download: a sub-path ending in `/export` (files of many rows). */
	const DOWNLOAD_TIMEOUT = 120;

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
		add_action( 'parse_request', array( self::class, 'maybe_serve_public' ), 1 );
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
				'sc'     => self::requested_sc() ?? '/',
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
				'sc'     => self::requested_sc() ?? '/',
			)
		);
	}

	/**
	 * `parse_request` handler: serves the public sign-up page on the main site and exits;
	 * leaves every other request alone.
	 *
	 * @return void
	 */
	public static function maybe_serve_public(): void {
		if ( ! is_main_site() || ! isset( $_SERVER['REQUEST_URI'] ) ) {
			return;
		}
		// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- only compared with our path here; sanitize_sc() cleans what is used.
		$uri       = (string) wp_unslash( $_SERVER['REQUEST_URI'] );
		$home_path = (string) wp_parse_url( home_url( '/' ), PHP_URL_PATH );
		$rest      = self::public_sub_path( $uri, $home_path );
		if ( null === $rest ) {
			return;
		}
		self::proxy(
			array(
				'aud'    => 'public',
				'prefix' => self::PUBLIC_PREFIX,
				'blog'   => get_current_blog_id(),
				'base'   => home_url( '/' . self::PUBLIC_PATH . '/' ),
				'sc'     => self::requested_sc() ?? self::sanitize_sc( $rest ),
			)
		);
		self::render_public();
		exit;
	}

	/**
	 * The sidecar sub-path a front-end request asks for when it is the public sign-up page:
	 * `<home path>signup` or `<home path>signup/<rest>` gives `/<rest>` (at least `/`) followed
	 * by the request's query string, if any; any other path gives null. Not sanitised (the
	 * caller does that) and not used when the request has an `sc` parameter.
	 *
	 * @param string $request_uri The raw request URI (path and query, no scheme or host).
	 * @param string $home_path   Path of the main site's home URL, e.g. `/` or `/wp/`.
	 * @return string|null
	 */
	public static function public_sub_path( string $request_uri, string $home_path ): ?string {
		$parts  = explode( '?', explode( '#', $request_uri, 2 )[0], 2 );
		$path   = $parts[0];
		$query  = $parts[1] ?? '';
		$prefix = rtrim( $home_path, '/' ) . '/' . self::PUBLIC_PATH;
		if ( $path !== $prefix && ! str_starts_with( $path, $prefix . '/' ) ) {
			return null;
		}
		$rest = (string) substr( $path, strlen( $prefix ) );
		return ( '' === $rest ? '/' : $rest ) . ( '' !== $query ? '?' . $query : '' );
	}

	/**
	 * Prints the public page (the fragment, or a short message) as a complete HTML document
	 * inside the active theme's head and footer. Block themes have no header.php, so the
	 * document is ours: `wp_head()`, a centred container, `wp_footer()`.
	 *
	 * @return void
	 */
	private static function render_public(): void {
		$outcome = self::$outcome ?? array( 'kind' => 'unreachable' );
		// The page carries per-visitor forms (CSRF tokens): never cache it.
		nocache_headers();
		if ( 'fragment' !== $outcome['kind'] && 'bad_method' !== $outcome['kind'] ) {
			status_header( 503 );
			header( 'Retry-After: 60' );
		}
		header( 'Content-Type: text/html; charset=' . get_option( 'blog_charset' ) );

		add_filter(
			'document_title_parts',
			static function ( $parts ) {
				$parts['title'] = __( 'Sign up', 'sidecar-shim' );
				return $parts;
			}
		);
		add_action(
			'wp_enqueue_scripts',
			static function () {
				wp_register_style( 'sidecar-public', false, array(), SIDECAR_SHIM_VERSION );
				wp_add_inline_style( 'sidecar-public', '.sidecar-public-page{box-sizing:border-box;max-width:var(--wp--style--global--content-size,40rem);margin:0 auto;padding:3rem 1.25rem}' );
				wp_enqueue_style( 'sidecar-public' );
			}
		);
		// What `template_redirect` would have done (we answer before it): the toolbar for
		// logged-in users.
		if ( function_exists( '_wp_admin_bar_init' ) ) {
			_wp_admin_bar_init();
		}
		?>
<!doctype html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo( 'charset' ); ?>">
<meta name="viewport" content="width=device-width, initial-scale=1">
		<?php if ( ! current_theme_supports( 'title-tag' ) ) : ?>
<title><?php echo esc_html( __( 'Sign up', 'sidecar-shim' ) . ' – ' . get_bloginfo( 'name' ) ); ?></title>
		<?php endif; ?>
		<?php wp_head(); ?>
</head>
<body <?php body_class( 'sidecar-public' ); ?>>
		<?php wp_body_open(); ?>
<main class="sidecar-public-page">
		<?php
		if ( 'fragment' === $outcome['kind'] ) {
			// The sidecar's own HTML (forms included), fetched server-side from SIDECAR_URL.
			echo $outcome['html']; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		} else {
			echo '<h1>' . esc_html__( 'Sign up', 'sidecar-shim' ) . '</h1><p>' . esc_html( self::message( $outcome['kind'] ) ) . '</p>';
		}
		?>
</main>
		<?php wp_footer(); ?>
</body>
</html>
		<?php
	}

	/**
	 * The short message shown instead of a fragment.
	 *
	 * @param string $kind Outcome kind: `not_configured`, `bad_method` or `unreachable`.
	 * @return string
	 */
	private static function message( string $kind ): string {
		if ( 'not_configured' === $kind ) {
			return __( 'This page is not available yet: the account service has not been set up. Please contact the network administrator.', 'sidecar-shim' );
		}
		if ( 'bad_method' === $kind ) {
			return __( 'This request method is not supported here.', 'sidecar-shim' );
		}
		return __( 'The account service is unreachable right now. Please try again in a minute.', 'sidecar-shim' );
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
			if ( 'unreachable' !== $outcome['kind'] ) { // Unreachable: the admin notice says it.
				echo '<p>' . esc_html( self::message( $outcome['kind'] ) ) . '</p>';
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
		echo '<div class="notice notice-error"><p>' . esc_html( self::message( 'unreachable' ) ) . '</p></div>';
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
	 * The browser URL of a sidecar sub-path on a proxy page: `base` + `?sc=` (or `&sc=` when
	 * `base` already has a query string) + rawurlencode(sc). The sidecar builds its links the
	 * same way from the assertion's `base`.
	 *
	 * @param string $base The page's `base` (absolute URL).
	 * @param string $sc   Sub-path (already sanitised).
	 * @return string
	 */
	public static function link( string $base, string $sc ): string {
		return $base . ( str_contains( $base, '?' ) ? '&' : '?' ) . 'sc=' . rawurlencode( $sc );
	}

	/**
	 * Seconds to wait for the sidecar's answer to sub-path `sc`: DOWNLOAD_TIMEOUT for an
	 * export (path ending in `/export`), TIMEOUT for everything else.
	 *
	 * @param string $sc Sub-path (already sanitised), with its query string.
	 * @return int
	 */
	public static function timeout_for( string $sc ): int {
		$path = explode( '?', $sc, 2 )[0];
		return str_ends_with( $path, '/export' ) ? self::DOWNLOAD_TIMEOUT : self::TIMEOUT;
	}

	/**
	 * The sanitised `sc` query parameter, or null when the request has none.
	 *
	 * @return string|null
	 */
	private static function requested_sc(): ?string {
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended, WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- sanitize_sc() is the sanitiser; the sidecar checks CSRF on its POSTs.
		return isset( $_GET['sc'] ) ? self::sanitize_sc( wp_unslash( $_GET['sc'] ) ) : null;
	}

	/**
	 * Sends the current request to the sidecar and acts on the answer.
	 *
	 * Shared by the wp-admin pages and the public page.
	 *
	 * @param array $page `aud`, `prefix`, `blog`, `base` of the proxied page, and `sc`, the
	 *                    sanitised sub-path (with its query string) asked for.
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
		$parts = explode( '?', $page['sc'], 2 );
		$path  = $page['prefix'] . $parts[0];
		$query = isset( $parts[1] ) && '' !== $parts[1] ? '?' . $parts[1] : '';
		$rid   = bin2hex( random_bytes( 16 ) );

		$headers = array(
			'X-Request-Id'    => $rid,
			'Accept-Language' => str_replace( '_', '-', get_user_locale() ),
		);
		$args    = array(
			'method'      => $method,
			'timeout'     => self::timeout_for( $page['sc'] ),
			'redirection' => 0,
		);
		if ( self::DOWNLOAD_TIMEOUT === $args['timeout'] ) {
			// An export can be large: stream it to a temporary file, never into memory.
			$args['stream']   = true;
			$args['filename'] = (string) tempnam( get_temp_dir(), 'sidecar-' );
			register_shutdown_function( 'wp_delete_file', $args['filename'] );
		}
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
		/**
		 * Fires with every answer of the sidecar to a proxied request, before the shim acts on
		 * it (redirect, fragment or file).
		 *
		 * @param array $response Answer of wp_remote_request().
		 * @param array $page     Proxied page (`aud`, `prefix`, `blog`, `base`, `sc`).
		 */
		do_action( 'sidecar_proxy_answer', $response, $page );
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
				'html' => empty( $response['filename'] ) ? wp_remote_retrieve_body( $response ) : (string) file_get_contents( $response['filename'] ),
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
	 * (relative, or absolute on SIDECAR_URL) becomes `base?sc=<rest>` (`&sc=` when base has a
	 * query string, see link()); an absolute http(s) URL elsewhere is left to
	 * wp_safe_redirect() (which allows only WordPress's own hosts); anything else is refused.
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
				return self::link( $page['base'], self::sanitize_sc( $rest ) );
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
		$file = empty( $response['filename'] ) ? '' : (string) $response['filename'];
		// The length of the body as received (the transport may have decompressed it).
		header( 'Content-Length: ' . ( '' === $file ? strlen( $body ) : (int) filesize( $file ) ) );
		header( 'X-Content-Type-Options: nosniff' );
		if ( '' !== $file ) {
			while ( ob_get_level() > 0 ) {
				ob_end_clean();
			}
			readfile( $file ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_readfile -- a streamed export, sent in constant memory.
			exit;
		}
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
