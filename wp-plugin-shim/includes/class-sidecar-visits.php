<?php
/**
 * Visits (docs/limits.md, "Visits table"): counted on the server, one row per site, day and
 * visitor, and the "monthly visit limit reached" page.
 *
 * A page view counts when WordPress is about to render a front-end page (`template_redirect`,
 * late, so that redirects do not count) for a GET that is not a 404, feed, robots.txt,
 * favicon, trackback, embed or preview, not a prefetch or prerender (`Sec-Purpose`, `Purpose`,
 * `X-Purpose`, `X-Moz`), not from a known bot or non-browser client, and not from a logged-in
 * member of the site. It costs one query: `INSERT IGNORE` into `{base_prefix}sidecar_visits`,
 * whose primary key (blog_id, day, visitor) makes repeated views of the same visitor on the
 * same day a no-op and concurrent views lossless; nothing is read first.
 *
 * The visitor is the first 32 hex digits of HMAC-SHA256(SIDECAR_SECRET, "<day>|<address>"),
 * day in UTC (Y-m-d), address = REMOTE_ADDR (IPv6: its /64 network). The user agent is not
 * part of it: it is chosen by the client, so one client could otherwise count as any number
 * of visitors and use up someone else's allowance. Behind a reverse proxy, REMOTE_ADDR must
 * be the visitor's address (nginx `real_ip`, Apache `mod_remoteip`), or every visitor of a
 * day is one. Pages served by a full-page cache never reach WordPress and are not counted.
 *
 * Until the sidecar's migration has created the table the insert fails quietly (errors
 * suppressed for that one query). Without SIDECAR_SECRET nothing is counted.
 *
 * When the enforcement option says `visits_blocked`, the front end answers 503 with
 * `Retry-After` (until the first day of next month, UTC) and a short page, except to
 * logged-in members of the site and super admins; wp-admin, wp-login.php, the REST API and
 * robots.txt are not affected.
 *
 * is_bot(), is_prefetch(), address_key(), visitor_id() and retry_after() are pure, for
 * tests/visits-test.php.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Counts visits and shows the limit page.
 */
final class Sidecar_Visits {

	/** Table name after `$wpdb->base_prefix`. */
	const TABLE = 'sidecar_visits';

	/**
	 * Tokens of crawlers, link previewers, monitors, headless browsers and HTTP libraries
	 * (case-insensitive). Any URL or e-mail in the user agent also marks a bot: browsers
	 * send none.
	 */
	const BOT_PATTERN = '~bot|crawl|spider|slurp|archiv|scrap|fetch|preview|validator|checker|monitor|scan|'
		. 'lighthouse|pagespeed|gtmetrix|pingdom|uptime|statuscake|site24x7|newrelic|datadog|'
		. 'headless|phantomjs|selenium|puppeteer|playwright|electron|'
		. 'facebookexternalhit|facebookcatalog|meta-externalagent|embedly|whatsapp|skype|quora|pinterest|'
		. 'google|bing|yahoo|yandex|baidu|sogou|exabot|ia_archiver|bytespider|gptbot|chatgpt|ccbot|claude|anthropic|'
		. 'perplexity|cohere|diffbot|semrush|ahrefs|mj12|dotbot|petal|seznam|qwant|ecosia|'
		. 'curl|wget|python|java/|libwww|perl|ruby|php/|go-http|okhttp|axios|node-fetch|undici|httpclient|'
		. 'http_request|winhttp|postman|insomnia|httpie|aiohttp|httpx|guzzle|'
		. 'https?://|www\.|@~i';

	/**
	 * Hooks the counter and the limit page.
	 *
	 * @return void
	 */
	public static function register(): void {
		add_action( 'template_redirect', array( self::class, 'maybe_block' ), 0 );
		add_action( 'template_redirect', array( self::class, 'maybe_count' ), 100000 );
	}

	/**
	 * `template_redirect` (first): the limit page when the month's allowance is used up.
	 *
	 * @return void
	 */
	public static function maybe_block(): void {
		$enforcement = Sidecar_Limits::enforcement();
		if ( null === $enforcement || ! $enforcement['visits_blocked'] || is_robots() || self::is_member() ) {
			return;
		}
		$now = time();
		header( 'Retry-After: ' . self::retry_after( $now ) );
		$back = gmmktime( 0, 0, 0, (int) gmdate( 'n', $now ) + 1, 1, (int) gmdate( 'Y', $now ) );
		$html = '<h1>' . esc_html__( 'This site has reached its monthly visit limit', 'sidecar-shim' ) . '</h1>'
			. '<p>' . esc_html(
				sprintf(
					/* translators: %s: a date, e.g. "1 December 2025". */
					__( 'It will be back on %s. Thank you for your patience.', 'sidecar-shim' ),
					wp_date( get_option( 'date_format' ), $back, new DateTimeZone( 'UTC' ) )
				)
			) . '</p>'
			. '<p>' . sprintf(
				/* translators: %s: URL of the log-in page. */
				wp_kses( __( 'Is this your site? <a href="%s">Log in</a> to see it and to upgrade your plan.', 'sidecar-shim' ), array( 'a' => array( 'href' => array() ) ) ),
				esc_url( wp_login_url() )
			) . '</p>';
		wp_die( $html, esc_html__( 'Visit limit reached', 'sidecar-shim' ), array( 'response' => 503 ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts above.
	}

	/**
	 * `template_redirect` (last): counts this page view if it is one.
	 *
	 * @return void
	 */
	public static function maybe_count(): void {
		if ( ! isset( $_SERVER['REQUEST_METHOD'] ) || 'GET' !== $_SERVER['REQUEST_METHOD']
			|| is_404() || is_feed() || is_robots() || is_favicon() || is_trackback() || is_embed()
			|| is_preview() || is_customize_preview()
			|| wp_doing_ajax() || wp_doing_cron() || ( defined( 'REST_REQUEST' ) && REST_REQUEST ) || ( defined( 'XMLRPC_REQUEST' ) && XMLRPC_REQUEST ) ) {
			return;
		}
		$secret = Sidecar_Config::secret();
		$ua     = isset( $_SERVER['HTTP_USER_AGENT'] ) ? (string) wp_unslash( $_SERVER['HTTP_USER_AGENT'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- only matched.
		$ip     = self::address_key( isset( $_SERVER['REMOTE_ADDR'] ) ? (string) $_SERVER['REMOTE_ADDR'] : '' ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- parsed by inet_pton.
		if ( '' === $secret || '' === $ip || self::is_prefetch( $_SERVER ) || self::is_bot( $ua ) || self::is_member() ) {
			return;
		}
		$enforcement = Sidecar_Limits::enforcement();
		if ( null !== $enforcement && $enforcement['visits_blocked'] ) {
			return;
		}
		$day = gmdate( 'Y-m-d' );
		self::record( get_current_blog_id(), $day, self::visitor_id( $secret, $day, $ip ) );
	}

	/**
	 * Records one visitor of a site on a day: one `INSERT IGNORE`. Fails quietly when the
	 * table does not exist yet.
	 *
	 * @param int    $blog_id Site id.
	 * @param string $day     Y-m-d (UTC).
	 * @param string $visitor visitor_id().
	 * @return bool Whether the statement ran (a repeat visitor is still true).
	 */
	public static function record( int $blog_id, string $day, string $visitor ): bool {
		global $wpdb;
		$suppress = $wpdb->suppress_errors( true );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- the sidecar's own counter table; one atomic statement.
		$done = $wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO {$wpdb->base_prefix}" . self::TABLE . ' (blog_id, day, visitor) VALUES (%d, %s, %s)', $blog_id, $day, $visitor ) );
		$wpdb->suppress_errors( $suppress );
		return false !== $done;
	}

	/**
	 * Whether a user agent is a bot, a non-browser client, or missing. Browsers' user agents
	 * start with "Mozilla/" (old Opera: "Opera/") and carry none of BOT_PATTERN's tokens.
	 *
	 * @param string $ua User-Agent header.
	 * @return bool
	 */
	public static function is_bot( string $ua ): bool {
		$ua = trim( $ua );
		if ( ! preg_match( '~^(?:Mozilla|Opera)/~', $ua ) ) {
			return true;
		}
		// "Cubot" is a phone maker, not a bot.
		return 1 === preg_match( self::BOT_PATTERN, str_ireplace( 'cubot', '', $ua ) );
	}

	/**
	 * Whether the request is a prefetch or prerender (the browser may never show the page).
	 *
	 * @param array $server $_SERVER.
	 * @return bool
	 */
	public static function is_prefetch( array $server ): bool {
		foreach ( array( 'HTTP_SEC_PURPOSE', 'HTTP_PURPOSE', 'HTTP_X_PURPOSE', 'HTTP_X_MOZ' ) as $key ) {
			if ( isset( $server[ $key ] ) && preg_match( '~prefetch|prerender|preview~i', (string) $server[ $key ] ) ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The part of an address that identifies a visitor: an IPv4 address as it is (also when
	 * IPv4-mapped in IPv6), an IPv6 address as its /64 network (one household or device gets a
	 * whole /64); '' when it is not an IP address.
	 *
	 * @param string $address REMOTE_ADDR.
	 * @return string
	 */
	public static function address_key( string $address ): string {
		$packed = '' === $address ? false : @inet_pton( $address ); // phpcs:ignore WordPress.PHP.NoSilencedErrors -- a malformed address only means "not counted".
		if ( false === $packed ) {
			return '';
		}
		if ( 16 === strlen( $packed ) ) {
			if ( str_starts_with( $packed, str_repeat( "\0", 10 ) . "\xff\xff" ) ) {
				return (string) inet_ntop( substr( $packed, 12 ) );
			}
			return inet_ntop( substr( $packed, 0, 8 ) . str_repeat( "\0", 8 ) ) . '/64';
		}
		return (string) inet_ntop( $packed );
	}

	/**
	 * The stored visitor id: first 32 hex digits of HMAC-SHA256(secret, "<day>|<address key>").
	 *
	 * @param string $secret      SIDECAR_SECRET.
	 * @param string $day         Y-m-d (UTC).
	 * @param string $address_key address_key().
	 * @return string
	 */
	public static function visitor_id( string $secret, string $day, string $address_key ): string {
		return substr( hash_hmac( 'sha256', $day . '|' . $address_key, $secret ), 0, 32 );
	}

	/**
	 * Seconds until the first day of next month, 00:00 UTC (at least 1).
	 *
	 * @param int $now Unix time.
	 * @return int
	 */
	public static function retry_after( int $now ): int {
		$next = gmmktime( 0, 0, 0, (int) gmdate( 'n', $now ) + 1, 1, (int) gmdate( 'Y', $now ) );
		return max( 1, $next - $now );
	}

	/**
	 * Whether the visitor is logged in and a member of this site or a super admin.
	 *
	 * @return bool
	 */
	private static function is_member(): bool {
		return is_user_logged_in() && ( is_super_admin() || is_user_member_of_blog() );
	}
}
