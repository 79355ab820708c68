<?php
/**
 * Plain-php tests of Sidecar_Proxy::sanitize_sc() (no WordPress needed):
 *   php wp-plugin-shim/tests/sanitize-sc-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-proxy.php';

$cases = array(
	// Kept.
	'/'                          => '/',
	'/invoices?p=2'              => '/invoices?p=2',
	'/domains/example.com/edit'  => '/domains/example.com/edit',
	'/search?q=a%20b&x=1'        => '/search?q=a%20b&x=1',
	'/plans/#top'                => '/plans/',
	'/a_b-c~d/@e+f,g=h'          => '/a_b-c~d/@e+f,g=h',
	// Refused -> '/'.
	''                           => '/',
	'invoices'                   => '/',
	'//evil.example/x'           => '/',
	'/a//b'                      => '/',
	'/../network/'               => '/',
	'/a/..'                      => '/',
	'/x?next=..'                 => '/',
	'/a\\b'                      => '/',
	'/http://evil.example'       => '/',
	'/javascript:alert(1)'       => '/',
	'/a b'                       => '/',
	"/a\nb"                      => '/',
	"/a\tb"                      => '/',
	"/caf\u{e9}"                 => '/',
	'/%2e%2e/network'            => '/',
	'/a%2Fb'                     => '/',
	'/x?q=' . str_repeat( 'a', 3000 ) => '/',
);

$passed = 0;
$failed = 0;
foreach ( $cases as $in => $want ) {
	$got = Sidecar_Proxy::sanitize_sc( (string) $in );
	if ( $got === $want ) {
		++$passed;
	} else {
		++$failed;
		echo 'FAIL ' . json_encode( (string) $in ) . " -> $got (want $want)\n";
	}
}
foreach ( array( null, array( '/x' ), 5 ) as $odd ) {
	if ( '/' === Sidecar_Proxy::sanitize_sc( $odd ) ) {
		++$passed;
	} else {
		++$failed;
		echo 'FAIL non-string ' . gettype( $odd ) . "\n";
	}
}
echo "$passed passed, $failed failed\n";
exit( 0 === $failed ? 0 : 1 );
