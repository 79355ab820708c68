<?php
/**
 * Router for PHP's built-in server serving a subdirectory WordPress multisite (devnet only):
 *
 *     PHP_CLI_SERVER_WORKERS=4 php -S 127.0.0.1:8091 -t var/NAME/wordpress devnet/php/router.php
 *
 * It does what WordPress's multisite .htaccess does for Apache:
 *   /site/wp-admin            -> 301 to /site/wp-admin/
 *   an existing file          -> served as it is (PHP files are run)
 *   /site/wp-(admin|content|includes)/...  and  /site/anything.php
 *                             -> the same path without the /site prefix
 *   anything else             -> index.php (WordPress routes it)
 *
 * PHP files are required here at global scope (WordPress relies on its globals) with
 * SCRIPT_NAME, PHP_SELF and SCRIPT_FILENAME set to the rewritten script, as Apache would.
 * Static files under a /site prefix are sent by this script, because the built-in server only
 * serves files at their own path.
 */

$devnet_root  = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$devnet_path  = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
$devnet_query = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );

/**
 * Returns the MIME type for a static file, by extension.
 */
function devnet_mime_type( $file ) {
	$types = array(
		'css'   => 'text/css; charset=UTF-8',
		'js'    => 'application/javascript; charset=UTF-8',
		'json'  => 'application/json',
		'map'   => 'application/json',
		'svg'   => 'image/svg+xml',
		'png'   => 'image/png',
		'gif'   => 'image/gif',
		'jpg'   => 'image/jpeg',
		'jpeg'  => 'image/jpeg',
		'webp'  => 'image/webp',
		'avif'  => 'image/avif',
		'ico'   => 'image/x-icon',
		'woff'  => 'font/woff',
		'woff2' => 'font/woff2',
		'ttf'   => 'font/ttf',
		'eot'   => 'application/vnd.ms-fontobject',
		'txt'   => 'text/plain; charset=UTF-8',
		'html'  => 'text/html; charset=UTF-8',
		'htm'   => 'text/html; charset=UTF-8',
		'xml'   => 'application/xml',
		'pdf'   => 'application/pdf',
		'mp3'   => 'audio/mpeg',
		'mp4'   => 'video/mp4',
		'zip'   => 'application/zip',
	);
	$ext = strtolower( pathinfo( $file, PATHINFO_EXTENSION ) );
	return isset( $types[ $ext ] ) ? $types[ $ext ] : 'application/octet-stream';
}

/**
 * Sends a static file (headers, and the body unless this is a HEAD request).
 */
function devnet_send_file( $file ) {
	$mtime = filemtime( $file );
	if ( isset( $_SERVER['HTTP_IF_MODIFIED_SINCE'] ) && strtotime( $_SERVER['HTTP_IF_MODIFIED_SINCE'] ) >= $mtime ) {
		http_response_code( 304 );
		return;
	}
	header( 'Content-Type: ' . devnet_mime_type( $file ) );
	header( 'Content-Length: ' . filesize( $file ) );
	header( 'Last-Modified: ' . gmdate( 'D, d M Y H:i:s', $mtime ) . ' GMT' );
	header( 'Cache-Control: max-age=3600' );
	if ( 'HEAD' !== $_SERVER['REQUEST_METHOD'] ) {
		readfile( $file );
	}
}

/**
 * Maps a URL path to array( kind, file, script path ): kind is 'php', 'static', 'builtin'
 * (let the built-in server send it), 'redirect' (file holds the Location) or 'deny'.
 */
function devnet_route( $root, $path, $query ) {
	if ( false !== strpos( $path, "\0" ) || preg_match( '#(^|/)\.\.(/|$)#', $path ) ) {
		return array( 'deny', '', '' );
	}
	if ( preg_match( '#^/([_0-9a-zA-Z-]+/)?wp-admin$#', $path ) ) {
		return array( 'redirect', $path . '/' . ( '' !== $query ? '?' . $query : '' ), '' );
	}
	$target = devnet_unprefixed( $root, $path );
	if ( '/' !== substr( $path, -1 ) && is_dir( $root . $target ) ) {
		return array( 'redirect', $path . '/' . ( '' !== $query ? '?' . $query : '' ), '' );
	}
	$found = devnet_existing( $root, $target );
	if ( ! $found ) {
		return array( 'php', $root . '/index.php', '/index.php' );
	}
	return ( 'static' === $found[0] && $target === $path ) ? array( 'builtin', $found[1], $path ) : $found;
}

/**
 * Returns $path without its /site prefix where WordPress's .htaccess would strip it
 * (/site/wp-admin/..., /site/wp-content/..., /site/wp-includes/..., /site/file.php), and
 * $path itself when it exists as it is or does not match.
 */
function devnet_unprefixed( $root, $path ) {
	if ( file_exists( $root . $path ) ) {
		return $path;
	}
	if ( preg_match( '#^/[_0-9a-zA-Z-]+(/wp-(?:admin|content|includes)(?:/.*)?)$#', $path, $m )
		|| preg_match( '#^/[_0-9a-zA-Z-]+(/.*\.php)$#', $path, $m ) ) {
		return $m[1];
	}
	return $path;
}

/**
 * Returns array( 'php'|'static', file, script path ) for a path that exists under $root
 * (a folder counts when it has an index.php), else null.
 */
function devnet_existing( $root, $path ) {
	$file = $root . $path;
	if ( is_dir( $file ) && is_file( rtrim( $file, '/' ) . '/index.php' ) ) {
		$script = rtrim( $path, '/' ) . '/index.php';
		return array( 'php', $root . $script, $script );
	}
	if ( ! is_file( $file ) ) {
		return null;
	}
	return array( '.php' === strtolower( substr( $file, -4 ) ) ? 'php' : 'static', $file, $path );
}

list( $devnet_kind, $devnet_file, $devnet_script ) = devnet_route( $devnet_root, $devnet_path, $devnet_query );

if ( 'deny' === $devnet_kind ) {
	http_response_code( 400 );
	return true;
}
if ( 'redirect' === $devnet_kind ) {
	header( 'Location: ' . $devnet_file, true, 301 );
	return true;
}
if ( 'builtin' === $devnet_kind ) {
	return false;
}
if ( 'static' === $devnet_kind ) {
	devnet_send_file( $devnet_file );
	return true;
}

$_SERVER['SCRIPT_FILENAME'] = $devnet_file;
$_SERVER['SCRIPT_NAME']     = $devnet_script;
$_SERVER['PHP_SELF']        = $devnet_script;
unset( $_SERVER['PATH_INFO'], $_SERVER['PATH_TRANSLATED'] );
chdir( dirname( $devnet_file ) );
unset( $devnet_root, $devnet_path, $devnet_query, $devnet_kind, $devnet_script );
require $devnet_file;
