<?php
/**
 * Plain-php tests of Sidecar_Assertion (no WordPress needed):
 *   php wp-plugin-shim/tests/assertion-test.php
 * Prints one line per check and a closing "N passed, N failed"; exits 1 on any failure.
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-assertion.php';

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const NOW    = 1700000000;

$passed = 0;
$failed = 0;

/**
 * Records one check.
 *
 * @param string $name Check name.
 * @param bool   $ok   Outcome.
 * @param string $info Extra information shown on failure.
 */
function check( string $name, bool $ok, string $info = '' ): void {
	global $passed, $failed;
	if ( $ok ) {
		++$passed;
		echo "ok   $name\n";
	} else {
		++$failed;
		echo "FAIL $name" . ( '' !== $info ? " ($info)" : '' ) . "\n";
	}
}

/** Claims of a valid shim-audience assertion, overridable. */
function claims( array $over = array() ): array {
	return array_merge(
		array(
			'aud'  => 'shim',
			'sub'  => 0,
			'blog' => 3,
			'net'  => 1,
			'iat'  => NOW,
			'exp'  => NOW + 60,
			'jti'  => str_repeat( 'ab', 16 ),
			'mth'  => 'POST',
			'pth'  => '/sidecar/v1/cache/clear',
		),
		$over
	);
}

/** The refusal code of verify(), or 'ok'. */
function outcome( string $token, string $aud = 'shim', string $method = 'POST', string $path = '/sidecar/v1/cache/clear', int $now = NOW, string $secret = SECRET ): string {
	try {
		Sidecar_Assertion::verify( $secret, $token, $aud, $method, $path, $now );
		return 'ok';
	} catch ( Sidecar_Assertion_Exception $e ) {
		return $e->get_error_code();
	}
}

/** A token signed by hand over any payload bytes (to reach checks after the signature). */
function raw_token( string $json, string $secret = SECRET ): string {
	$input = 'v1.' . Sidecar_Assertion::b64url_encode( $json );
	return $input . '.' . Sidecar_Assertion::b64url_encode( hash_hmac( 'sha256', $input, $secret, true ) );
}

function expect( string $name, string $want, string $got ): void {
	check( "$name -> $want", $want === $got, "got $got" );
}

// Good tokens.
$good = Sidecar_Assertion::sign( SECRET, claims() );
expect( 'good token', 'ok', outcome( $good ) );
$verified = Sidecar_Assertion::verify( SECRET, $good, 'shim', 'POST', '/sidecar/v1/cache/clear', NOW );
check( 'verify returns the claims', claims() === $verified );
expect( 'good token, 59 s later', 'ok', outcome( $good, 'shim', 'POST', '/sidecar/v1/cache/clear', NOW + 59 ) );
expect( 'iat 30 s in the future (leeway)', 'ok', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'iat' => NOW + 30, 'exp' => NOW + 90 ) ) ) ) );
expect( 'lifetime exactly 120 s', 'ok', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'exp' => NOW + 120 ) ) ) ) );
$full = claims(
	array(
		'aud'  => 'account',
		'mth'  => 'GET',
		'pth'  => '/account/',
		'ses'  => hash( 'sha256', 'x' ),
		'base' => 'http://net/site1/wp-admin/admin.php?page=sidecar-account',
		'rid'  => 'abc-123',
		'loc'  => 'nl_NL',
	)
);
expect( 'account token with every claim', 'ok', outcome( Sidecar_Assertion::sign( SECRET, $full ), 'account', 'GET', '/account/' ) );

// Format.
expect( 'empty', 'sidecar_malformed', outcome( '' ) );
expect( 'v2 prefix', 'sidecar_malformed', outcome( 'v2' . substr( $good, 2 ) ) );
expect( 'two parts', 'sidecar_malformed', outcome( substr( $good, 0, strrpos( $good, '.' ) ) ) );
expect( 'padding in signature', 'sidecar_malformed', outcome( $good . '=' ) );
expect( 'trailing newline', 'sidecar_malformed', outcome( $good . "\n" ) );
expect( 'too long', 'sidecar_malformed', outcome( 'v1.' . str_repeat( 'A', 9000 ) . '.' . str_repeat( 'A', 43 ) ) );

// Signature.
$sig_pos = strrpos( $good, '.' ) + 1;
$flipped = $good;
$flipped[ $sig_pos ] = 'A' === $flipped[ $sig_pos ] ? 'B' : 'A';
expect( 'forged signature', 'sidecar_bad_signature', outcome( $flipped ) );
expect( 'signed with another secret', 'sidecar_bad_signature', outcome( Sidecar_Assertion::sign( str_repeat( 'z', 40 ), claims() ) ) );
$parts    = explode( '.', $good );
$tampered = 'v1.' . Sidecar_Assertion::b64url_encode( json_encode( claims( array( 'blog' => 4 ) ), Sidecar_Assertion::JSON_FLAGS ) ) . '.' . $parts[2];
expect( 'payload changed, old signature', 'sidecar_bad_signature', outcome( $tampered ) );
expect( 'forged signature and expired: signature first', 'sidecar_bad_signature', outcome( $flipped, 'shim', 'POST', '/sidecar/v1/cache/clear', NOW + 500 ) );

// Payload checked after the signature.
expect( 'payload not JSON', 'sidecar_malformed', outcome( raw_token( 'not json' ) ) );
expect( 'payload a JSON list', 'sidecar_malformed', outcome( raw_token( '[1,2]' ) ) );
$no_jti = claims();
unset( $no_jti['jti'] );
expect( 'missing jti', 'sidecar_malformed', outcome( raw_token( json_encode( $no_jti ) ) ) );
expect( 'jti not hex', 'sidecar_malformed', outcome( raw_token( json_encode( claims( array( 'jti' => str_repeat( 'AB', 16 ) ) ) ) ) ) );
expect( 'iat a float', 'sidecar_malformed', outcome( raw_token( str_replace( '"iat":' . NOW, '"iat":' . NOW . '.5', json_encode( claims() ) ) ) ) );
expect( 'sub a string', 'sidecar_malformed', outcome( raw_token( json_encode( claims( array( 'sub' => '0' ) ) ) ) ) );
expect( 'blog a bool', 'sidecar_malformed', outcome( raw_token( json_encode( claims( array( 'blog' => true ) ) ) ) ) );

// Audience, time, lifetime, request binding.
expect( 'wrong audience', 'sidecar_wrong_audience', outcome( $good, 'account' ) );
expect( 'wrong audience and expired: audience first', 'sidecar_wrong_audience', outcome( $good, 'network', 'POST', '/sidecar/v1/cache/clear', NOW + 500 ) );
expect( 'iat 31 s in the future', 'sidecar_not_yet_valid', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'iat' => NOW + 31, 'exp' => NOW + 91 ) ) ) ) );
expect( 'expired (now = exp)', 'sidecar_expired', outcome( $good, 'shim', 'POST', '/sidecar/v1/cache/clear', NOW + 60 ) );
expect( 'expired long ago', 'sidecar_expired', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'iat' => NOW - 1000, 'exp' => NOW - 940 ) ) ) ) );
expect( 'lifetime 121 s', 'sidecar_lifetime_too_long', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'exp' => NOW + 121 ) ) ) ) );
expect( 'lifetime one day', 'sidecar_lifetime_too_long', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'exp' => NOW + 86400 ) ) ) ) );
expect( 'exp before iat', 'sidecar_expired', outcome( Sidecar_Assertion::sign( SECRET, claims( array( 'iat' => NOW + 20, 'exp' => NOW + 10 ) ) ), 'shim', 'POST', '/sidecar/v1/cache/clear', NOW + 15 ) );
expect( 'wrong method', 'sidecar_wrong_method', outcome( $good, 'shim', 'GET' ) );
expect( 'wrong path', 'sidecar_wrong_path', outcome( $good, 'shim', 'POST', '/sidecar/v1/ping' ) );
expect( 'path with trailing slash', 'sidecar_wrong_path', outcome( $good, 'shim', 'POST', '/sidecar/v1/cache/clear/' ) );
expect( 'method is case-sensitive', 'sidecar_wrong_method', outcome( $good, 'shim', 'post' ) );

// Signing.
$payload = explode( '.', Sidecar_Assertion::sign( SECRET, array_reverse( $full, true ) ) )[1];
$json    = base64_decode( strtr( $payload, '-_', '+/' ) );
check( 'claims emitted in protocol order whatever the input order', str_starts_with( $json, '{"aud":"account","sub":0,"blog":3,"net":1,"iat":' ) && str_ends_with( $json, '"rid":"abc-123","loc":"nl_NL"}' ), $json );
check( 'slashes not escaped', str_contains( $json, '"base":"http://net/site1/wp-admin/' ), $json );
$uni = base64_decode( strtr( explode( '.', Sidecar_Assertion::sign( SECRET, claims( array( 'pth' => "/caf\u{e9}\u{2028}" ) ) ) )[1], '-_', '+/' ) );
check( 'unicode and line separators raw', str_contains( $uni, "\"pth\":\"/caf\u{e9}\u{2028}\"" ), $uni );
check( 'no padding anywhere', ! str_contains( $good, '=' ) );
check( 'jti is 32 lowercase hex', (bool) preg_match( '/^[0-9a-f]{32}$/D', Sidecar_Assertion::new_jti() ) );
check( 'two jtis differ', Sidecar_Assertion::new_jti() !== Sidecar_Assertion::new_jti() );

$throws = static function ( callable $fn ): bool {
	try {
		$fn();
	} catch ( InvalidArgumentException $e ) {
		return true;
	}
	return false;
};
check( 'sign refuses a 31-char secret', $throws( fn() => Sidecar_Assertion::sign( str_repeat( 's', 31 ), claims() ) ) );
check( 'verify refuses a 31-char secret', $throws( fn() => Sidecar_Assertion::verify( str_repeat( 's', 31 ), $good, 'shim', 'POST', '/', NOW ) ) );
check( 'sign refuses a string sub', $throws( fn() => Sidecar_Assertion::sign( SECRET, claims( array( 'sub' => '1' ) ) ) ) );
check( 'sign refuses an unknown claim', $throws( fn() => Sidecar_Assertion::sign( SECRET, claims( array( 'xyz' => 'a' ) ) ) ) );
$missing = claims();
unset( $missing['pth'] );
check( 'sign refuses a missing claim', $throws( fn() => Sidecar_Assertion::sign( SECRET, $missing ) ) );

echo "$passed passed, $failed failed\n";
exit( 0 === $failed ? 0 : 1 );
