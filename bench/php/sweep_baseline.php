<?php
/**
 * The PHP way of measuring usage, for bench/sweep.py: one PHP process loops over the sites
 * with switch_to_blog() + wp_count_posts() (posts and pages) + count_users() +
 * get_space_used(), as a plugin or WP-CLI command would.
 *
 * Measured the way core measures, without the sidecar: the shim answers
 * `pre_get_space_used` with the sidecar's own measurement (from the enforcement option the
 * sidecar's sweep wrote), which would leave the PHP loop's disk part undone, so that one
 * callback is removed. Core then sums the uploads folder through its `dirsize_cache`
 * transient (warm after the first run, like everything else here).
 *
 * Usage: php sweep_baseline.php WP_PATH HOST IDS_FILE
 * IDS_FILE holds one blog id per line. Prints {"sites":N,"ms":…} (the loop only, after
 * WordPress has loaded).
 */

if ( PHP_SAPI !== 'cli' || $argc < 4 ) {
	fwrite( STDERR, "usage: php sweep_baseline.php WP_PATH HOST IDS_FILE\n" );
	exit( 2 );
}

$_SERVER['HTTP_HOST']      = $argv[2];
$_SERVER['SERVER_NAME']    = explode( ':', $argv[2] )[0];
$_SERVER['REQUEST_URI']    = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
require $argv[1] . '/wp-load.php';
if ( class_exists( 'Sidecar_Limits' ) ) {
	remove_filter( 'pre_get_space_used', array( 'Sidecar_Limits', 'space_used' ) );
}

$sidecar_bench_ids = array_map( 'intval', file( $argv[3], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) );

/**
 * Measures every site once; returns how many posts were counted (so nothing is optimised out).
 *
 * @param int[] $ids Blog ids.
 * @return int
 */
function sidecar_bench_loop( array $ids ): int {
	$seen = 0;
	foreach ( $ids as $id ) {
		switch_to_blog( $id );
		$posts = wp_count_posts( 'post' );
		$pages = wp_count_posts( 'page' );
		$users = count_users();
		$space = get_space_used();
		$seen += (int) ( $posts->publish ?? 0 ) + (int) ( $pages->publish ?? 0 )
			+ (int) $users['total_users'] + (int) ( $space > 0 );
		restore_current_blog();
	}
	return $seen;
}

$sidecar_bench_start = microtime( true );
$sidecar_bench_seen  = sidecar_bench_loop( $sidecar_bench_ids );
$sidecar_bench_ms    = ( microtime( true ) - $sidecar_bench_start ) * 1000;
echo wp_json_encode(
	array(
		'sites' => count( $sidecar_bench_ids ),
		'ms'    => round( $sidecar_bench_ms, 1 ),
		'seen'  => $sidecar_bench_seen,
	)
), "\n";
