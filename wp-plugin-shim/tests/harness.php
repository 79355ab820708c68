<?php
/**
 * The tiny harness the plain-php tests share: check() records an outcome, finish() prints
 * "N passed, N failed" and exits non-zero on any failure.
 *
 * @package SidecarShim
 */

$passed = 0;
$failed = 0;

/**
 * Records one check.
 *
 * @param string $name Check name.
 * @param bool   $ok   Outcome.
 */
function check( string $name, bool $ok ): void {
	global $passed, $failed;
	if ( $ok ) {
		++$passed;
	} else {
		++$failed;
		echo "FAIL $name\n";
	}
}

/**
 * Prints the totals and ends the script (exit 1 on any failure).
 */
function finish(): void {
	global $passed, $failed;
	echo "$passed passed, $failed failed\n";
	exit( 0 === $failed ? 0 : 1 );
}
