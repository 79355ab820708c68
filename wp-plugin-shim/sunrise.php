<?php
/**
 * Sidecar domain mapping — the sunrise.php drop-in.
 *
 * Install: copy this file to wp-content/sunrise.php and add to wp-config.php, above "That's
 * all, stop editing!":
 *
 *     define( 'SUNRISE', true );
 *
 * WordPress loads it early in every request of the network (ms-settings.php), before it looks
 * up the site. It then:
 *
 * - maps a request whose host is a custom domain to its site: `pre_get_site_by_path` asks the
 *   sidecar's table `{base_prefix}sidecar_domains` with ONE query on its unique index, joined
 *   with the site (`wp_blogs`), the network's domain settings (mapping must be on) and the
 *   site's primary domain; only enabled domains whose status is `verified` or `https-ok` are
 *   routed. The answer (also "not mapped") is kept in the object cache, group
 *   `sidecar-domains`, for 5 minutes; the sidecar makes the shim drop entries when a mapping
 *   changes (POST /wp-json/sidecar/v1/domains/forget);
 * - makes the primary domain the site's canonical URL: on the primary domain `home` and
 *   `siteurl` are the primary's URL, so links, log-in and wp-admin stay on it;
 * - sends visitors of the other mapped domains, and front-end visitors of the site's
 *   original network address, to the primary with a 301 (same path and query) — one hop.
 *   While the primary is not routable (not verified yet, or turned off) nothing is
 *   redirected: the other verified domains and the network address serve the site as is;
 * - leaves wp-admin, wp-login.php, the REST API, cron, XML-RPC, previews, the Customizer and
 *   POSTs on the network address alone, so admins and the sidecar keep working there and
 *   nothing can loop (the primary itself is never redirected). Redirects go to https once
 *   the primary's HTTPS check passed.
 *
 * Ports: domains are matched by host name, whatever port the request came on. The URLs built
 * for them carry the port of the network's own address when it has one (a network at
 * 127.0.0.1:8316 serves shop.example at http://shop.example:8316/); on ports 80/443 no port
 * appears.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

if ( ! class_exists( 'Sidecar_Sunrise' ) ) {

	/**
	 * Routes custom domains to their sites and keeps every site on its canonical address.
	 */
	final class Sidecar_Sunrise {

		/** Object cache group (network-wide). */
		const GROUP = 'sidecar-domains';

		/** Seconds a lookup is cached (the sidecar also clears entries when things change). */
		const TTL = 300;

		/** Statuses that are routed. */
		const ROUTABLE = "'verified','https-ok'";

		/**
		 * The lookup row when this request's host is a mapped domain.
		 *
		 * @var array|null
		 */
		private static $mapping = null;

		/**
		 * Base URL (scheme://host[:port], no slash) that home/siteurl become, or ''.
		 *
		 * @var string
		 */
		private static $base = '';

		/**
		 * The blog whose URLs are filtered.
		 *
		 * @var int
		 */
		private static $blog_id = 0;

		/**
		 * Hooks the lookup and the canonical-address handling.
		 *
		 * @return void
		 */
		public static function boot(): void {
			wp_cache_add_global_groups( array( self::GROUP ) );
			add_filter( 'pre_get_site_by_path', array( self::class, 'find_site' ), 10, 2 );
			add_action( 'ms_loaded', array( self::class, 'loaded' ), 1 );
		}

		/**
		 * `pre_get_site_by_path`: the site a custom domain is mapped to, or what was given.
		 *
		 * @param WP_Site|false|null $site   A site found by an earlier filter, or null.
		 * @param string             $domain The requested host (with a port when not 80/443).
		 * @return WP_Site|false|null
		 */
		public static function find_site( $site, $domain ) {
			if ( null !== $site ) {
				return $site;
			}
			$host = self::host( (string) $domain );
			if ( '' === $host || self::is_network_host( $host ) ) {
				return $site;
			}
			$row = self::lookup( 'host:' . md5( $host ), array( self::class, 'query_host' ), $host );
			if ( null === $row ) {
				return $site;
			}
			self::$mapping = $row;
			$found         = new WP_Site( (object) self::site_fields( $row ) );
			$found->domain = strtolower( (string) $domain );
			$found->path   = '/';
			return $found;
		}

		/**
		 * `ms_loaded`: redirect to the canonical address where needed, filter the URLs.
		 *
		 * @return void
		 */
		public static function loaded(): void {
			wp_cache_add_global_groups( array( self::GROUP ) );
			if ( null !== self::$mapping ) {
				self::on_mapped_domain( self::$mapping );
				return;
			}
			$blog_id = get_current_blog_id();
			$row     = self::lookup( 'blog:' . $blog_id, array( self::class, 'query_blog' ), $blog_id );
			if ( null !== $row && self::is_front_request() ) {
				$base = self::base_url( $row['primary_domain'], $row['primary_status'] );
				self::redirect( $base . self::below( self::request_uri(), self::site_path() ) );
			}
		}

		/**
		 * Drops cached lookups: of the given host names and of the given sites' primaries.
		 *
		 * @param string[] $hosts    Host names.
		 * @param int[]    $blog_ids Site ids.
		 * @return int How many entries were there.
		 */
		public static function forget( array $hosts, array $blog_ids ): int {
			$dropped = 0;
			foreach ( $hosts as $host ) {
				$dropped += (int) wp_cache_delete( 'host:' . md5( self::host( (string) $host ) ), self::GROUP );
			}
			foreach ( $blog_ids as $blog_id ) {
				$dropped += (int) wp_cache_delete( 'blog:' . (int) $blog_id, self::GROUP );
			}
			return $dropped;
		}

		/**
		 * The lowercase host name of a Host header: no port, no trailing dot ('' for IPv6).
		 *
		 * @param string $domain Host header value.
		 * @return string
		 */
		public static function host( string $domain ): string {
			$host = strtolower( trim( $domain ) );
			if ( '' === $host || '[' === $host[0] ) {
				return '';
			}
			return rtrim( (string) preg_replace( '/:\d*$/', '', $host ), '.' );
		}

		/**
		 * Whether `$host` is the network's own address (never mapped, no query needed).
		 *
		 * @param string $host Host name.
		 * @return bool
		 */
		private static function is_network_host( string $host ): bool {
			return defined( 'DOMAIN_CURRENT_SITE' ) && self::host( (string) DOMAIN_CURRENT_SITE ) === $host;
		}

		/**
		 * A cached lookup: the row, or null (a miss is cached too).
		 *
		 * @param string   $key   Cache key.
		 * @param callable $query Runs the query for `$arg`.
		 * @param mixed    $arg   The host or blog id.
		 * @return array|null
		 */
		private static function lookup( string $key, callable $query, $arg ) {
			$found  = false;
			$cached = wp_cache_get( $key, self::GROUP, false, $found );
			if ( $found ) {
				return is_array( $cached ) ? $cached : null;
			}
			$row = call_user_func( $query, $arg );
			wp_cache_set( $key, null === $row ? 0 : $row, self::GROUP, self::TTL );
			return $row;
		}

		/**
		 * The site a routable domain is mapped to, with the site's routable primary domain.
		 *
		 * @param string $host Host name.
		 * @return array|null
		 */
		public static function query_host( string $host ) {
			global $wpdb;
			$domains  = $wpdb->base_prefix . 'sidecar_domains';
			$settings = $wpdb->base_prefix . 'sidecar_domain_settings';
			$routable = self::ROUTABLE;
			$sql      = "SELECT b.blog_id, b.site_id, b.domain, b.path, b.registered, b.last_updated,
					b.public, b.archived, b.mature, b.spam, b.deleted, b.lang_id,
					d.is_primary, p.domain AS primary_domain, p.status AS primary_status
				FROM {$domains} d
				JOIN {$wpdb->blogs} b ON b.blog_id = d.blog_id
				JOIN {$settings} s ON s.network_id = b.site_id AND s.enabled = 1
				LEFT JOIN {$domains} p ON p.primary_blog = d.blog_id AND p.enabled = 1
					AND p.status IN ({$routable})
				WHERE d.domain = %s AND d.enabled = 1 AND d.status IN ({$routable})
				LIMIT 1";
			return self::quiet_row( $wpdb->prepare( $sql, $host ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		}

		/**
		 * The routable primary domain of a site, when mapping is on for its network.
		 *
		 * @param int $blog_id Site id.
		 * @return array|null
		 */
		public static function query_blog( int $blog_id ) {
			global $wpdb;
			$domains  = $wpdb->base_prefix . 'sidecar_domains';
			$settings = $wpdb->base_prefix . 'sidecar_domain_settings';
			$routable = self::ROUTABLE;
			$sql      = "SELECT p.domain AS primary_domain, p.status AS primary_status
				FROM {$domains} p
				JOIN {$settings} s ON s.network_id = p.network_id AND s.enabled = 1
				WHERE p.primary_blog = %d AND p.enabled = 1 AND p.status IN ({$routable})
				LIMIT 1";
			return self::quiet_row( $wpdb->prepare( $sql, $blog_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		}

		/**
		 * One row, or null; errors (such as the table not existing yet) are not printed.
		 *
		 * @param string $sql Prepared SQL.
		 * @return array|null
		 */
		private static function quiet_row( string $sql ) {
			global $wpdb;
			$suppress = $wpdb->suppress_errors( true );
			$row      = $wpdb->get_row( $sql, ARRAY_A ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
			$wpdb->suppress_errors( $suppress );
			return is_array( $row ) ? $row : null;
		}

		/**
		 * The wp_blogs columns of a lookup row.
		 *
		 * @param array $row Lookup row.
		 * @return array
		 */
		private static function site_fields( array $row ): array {
			$keys = array( 'blog_id', 'site_id', 'domain', 'path', 'registered', 'last_updated', 'public', 'archived', 'mature', 'spam', 'deleted', 'lang_id' );
			return array_intersect_key( $row, array_flip( $keys ) );
		}

		/**
		 * A request on a mapped domain: the primary serves (its URLs become the site's), the
		 * others send visitors to the canonical address.
		 *
		 * @param array $row Lookup row.
		 * @return void
		 */
		private static function on_mapped_domain( array $row ): void {
			$here    = self::host( (string) ( $_SERVER['HTTP_HOST'] ?? '' ) );
			$primary = (string) ( $row['primary_domain'] ?? '' );
			if ( '' === $primary ) {
				// The chosen primary is not verified yet (or turned off): this domain keeps
				// serving the site as it is, so a working domain never breaks meanwhile.
				self::use_base( self::base_url( $here, is_ssl() ? 'https-ok' : '' ) );
				return;
			}
			if ( $here !== $primary ) {
				self::redirect( self::base_url( $primary, $row['primary_status'] ) . self::request_uri() );
			}
			// The primary serves in the scheme it was asked in: forcing https here could loop
			// behind a proxy that does not tell PHP the request was https.
			self::use_base( self::base_url( $here, is_ssl() ? 'https-ok' : '' ) );
		}

		/**
		 * Make `home` and `siteurl` of the current site `$base`.
		 *
		 * @param string $base scheme://host[:port].
		 * @return void
		 */
		private static function use_base( string $base ): void {
			self::$base    = $base;
			self::$blog_id = get_current_blog_id();
			add_filter( 'option_home', array( self::class, 'filter_url' ), 1 );
			add_filter( 'option_siteurl', array( self::class, 'filter_url' ), 1 );
		}

		/**
		 * `option_home` / `option_siteurl` of the current site (not of switched-to sites).
		 *
		 * @param mixed $value The stored URL.
		 * @return mixed
		 */
		public static function filter_url( $value ) {
			if ( '' === self::$base || ms_is_switched() || get_current_blog_id() !== self::$blog_id ) {
				return $value;
			}
			return self::$base;
		}

		/**
		 * scheme://host[:port] of a mapped domain: https once its HTTPS check passed (or when
		 * this request is https), with the port of the network's own address if it has one.
		 *
		 * @param string $host   Host name.
		 * @param string $status The domain's status.
		 * @return string
		 */
		private static function base_url( string $host, $status ): string {
			$scheme = ( 'https-ok' === $status || is_ssl() ) ? 'https' : 'http';
			return $scheme . '://' . $host . self::network_port();
		}

		/**
		 * ':PORT' of the network's address, or '' (none, 80 or 443).
		 *
		 * @return string
		 */
		private static function network_port(): string {
			$network = get_network();
			$domain  = $network ? (string) $network->domain : ( defined( 'DOMAIN_CURRENT_SITE' ) ? (string) DOMAIN_CURRENT_SITE : '' );
			if ( preg_match( '/:(\d+)$/', $domain, $m ) && ! in_array( $m[1], array( '80', '443' ), true ) ) {
				return ':' . $m[1];
			}
			return '';
		}

		/**
		 * Whether this request renders the front end (so it may be sent to the primary).
		 *
		 * @return bool
		 */
		private static function is_front_request(): bool {
			if ( is_admin() || wp_doing_ajax() || wp_doing_cron() || wp_installing()
				|| defined( 'XMLRPC_REQUEST' ) || defined( 'REST_REQUEST' ) || defined( 'WP_CLI' ) ) {
				return false;
			}
			if ( 'index.php' !== basename( (string) ( $_SERVER['SCRIPT_NAME'] ?? '' ) ) ) {
				return false;
			}
			foreach ( array( 'rest_route', 'preview', 'preview_id', 'preview_nonce', 'customize_changeset_uuid', 'customize_theme', 'customize_messenger_channel', 'wp_customize', 'doing_wp_cron' ) as $key ) {
				if ( isset( $_GET[ $key ] ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
					return false;
				}
			}
			$rest = ltrim( self::below( self::request_uri(), self::site_path() ), '/' );
			return 0 !== strpos( $rest, 'wp-json' );
		}

		/**
		 * Sends a redirect and ends the request — for GET and HEAD only, never for ACME
		 * challenges (`/.well-known/`).
		 *
		 * @param string $url Absolute URL.
		 * @return void
		 */
		private static function redirect( string $url ): void {
			$method = strtoupper( (string) ( $_SERVER['REQUEST_METHOD'] ?? 'GET' ) );
			if ( ! in_array( $method, array( 'GET', 'HEAD' ), true ) || 0 === strpos( self::request_uri(), '/.well-known/' ) ) {
				return;
			}
			header( 'Location: ' . $url, true, 301 );
			header( 'X-Redirect-By: Sidecar domain mapping' );
			exit;
		}

		/**
		 * The request's path and query, without control characters.
		 *
		 * @return string
		 */
		private static function request_uri(): string {
			$uri = (string) preg_replace( '/[\x00-\x1F\x7F]/', '', (string) ( $_SERVER['REQUEST_URI'] ?? '/' ) );
			return '/' . ltrim( $uri, '/' );
		}

		/**
		 * The current site's path on the network address ('/alice/').
		 *
		 * @return string
		 */
		private static function site_path(): string {
			$site = get_site();
			return $site ? (string) $site->path : '/';
		}

		/**
		 * `$uri` relative to `$prefix` ('/alice/x?y' below '/alice/' is '/x?y').
		 *
		 * @param string $uri    Path and query.
		 * @param string $prefix A path ending in '/'.
		 * @return string
		 */
		public static function below( string $uri, string $prefix ): string {
			$bare = rtrim( $prefix, '/' );
			if ( '' === $bare ) {
				return $uri;
			}
			if ( 0 === stripos( $uri, $bare . '/' ) ) {
				return substr( $uri, strlen( $bare ) );
			}
			if ( 0 === strcasecmp( strtok( $uri, '?' ), $bare ) ) {
				return '/' . substr( $uri, strlen( $bare ) );
			}
			return $uri;
		}
	}

	Sidecar_Sunrise::boot();
}
