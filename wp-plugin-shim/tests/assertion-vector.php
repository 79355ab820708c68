<?php
/**
 * Cross-language vector: prints {"secret","claims","token"} as JSON. The sidecar's signer must
 * produce exactly `token` from `secret` and `claims` (claims in this order; compact JSON as
 * Python's json.dumps(claims, separators=(",", ":"), ensure_ascii=False), UTF-8; see
 * includes/class-sidecar-assertion.php).
 *   php wp-plugin-shim/tests/assertion-vector.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-assertion.php';

$secret = 'vector-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
$claims = array(
	'aud'  => 'account',
	'sub'  => 42,
	'blog' => 7,
	'net'  => 1,
	'iat'  => 1700000000,
	'exp'  => 1700000060,
	'jti'  => '00112233445566778899aabbccddeeff',
	'mth'  => 'POST',
	'pth'  => '/account/billing',
	'ses'  => hash( 'sha256', 'session-token' ),
	// A non-ASCII character and slashes, to pin JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES.
	'base' => 'http://net.example/café/wp-admin/admin.php?page=sidecar-account',
	'rid'  => 'req-0001',
	'loc'  => 'fr_FR',
);

echo json_encode(
	array(
		'secret' => $secret,
		'claims' => $claims,
		'token'  => Sidecar_Assertion::sign( $secret, $claims ),
	),
	JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
) . "\n";
