<?php
/**
 * Signing and verification of sidecar assertions (docs/protocol.md, "The assertion").
 *
 * Pure functions of (secret, claims or token, expectations, now): no WordPress call is made
 * here, so the class can be exercised by plain `php` (see tests/assertion-test.php).
 *
 * Token: `v1.<payload>.<signature>`, payload = base64url (no padding) of the compact JSON of
 * the claims, signature = base64url (no padding) of HMAC-SHA256 over the ASCII `v1.<payload>`.
 *
 * Claims JSON encoding (the sidecar must produce the same bytes when it signs, and the
 * cross-language vector in tests/assertion-vector.php pins it): keys in the order of the
 * protocol table (aud, sub, blog, net, iat, exp, jti, mth, pth, ses, base, rid, loc), no
 * whitespace, `json_encode` with JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE |
 * JSON_UNESCAPED_LINE_TERMINATORS. That is exactly Python's
 * `json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8")` (the last
 * flag keeps U+2028/U+2029 raw, as Python does). A verifier never re-encodes: it checks the
 * HMAC over the payload exactly as received, so the encoding matters only to produce
 * identical tokens from identical claims.
 *
 * @package SidecarShim
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * A refused assertion. `get_error_code()` is the machine-readable reason (e.g.
 * `sidecar_bad_signature`); the message is for logs, never for end users.
 */
class Sidecar_Assertion_Exception extends Exception {

	/**
	 * Machine-readable reason.
	 *
	 * @var string
	 */
	private $error_code;

	/**
	 * Builds the exception.
	 *
	 * @param string $error_code Machine-readable reason, e.g. `sidecar_expired`.
	 * @param string $message    Human-readable explanation (for logs).
	 */
	public function __construct( string $error_code, string $message ) {
		parent::__construct( $message );
		$this->error_code = $error_code;
	}

	/**
	 * The machine-readable reason.
	 *
	 * @return string
	 */
	public function get_error_code(): string {
		return $this->error_code;
	}
}

/**
 * Signs and verifies `v1` assertions.
 */
final class Sidecar_Assertion {

	const VERSION = 'v1';

	/** Default lifetime of an assertion the shim issues (exp = iat + 60). */
	const TTL = 60;

	/** Longest lifetime a receiver accepts (exp - iat). */
	const MAX_LIFETIME = 120;

	/** Clock leeway for `iat` in the future. */
	const LEEWAY = 30;

	/** Longest token accepted (defensive bound before any decoding). */
	const MAX_TOKEN_LENGTH = 8192;

	/** Shortest secret accepted. */
	const MIN_SECRET_LENGTH = 32;

	/** Claims in protocol order => expected type. */
	const CLAIMS = array(
		'aud'  => 'string',
		'sub'  => 'int',
		'blog' => 'int',
		'net'  => 'int',
		'iat'  => 'int',
		'exp'  => 'int',
		'jti'  => 'string',
		'mth'  => 'string',
		'pth'  => 'string',
		'ses'  => 'string',
		'base' => 'string',
		'rid'  => 'string',
		'loc'  => 'string',
	);

	/** Claims every token must carry (the others may be absent, e.g. on sidecar -> shim calls). */
	const REQUIRED = array( 'aud', 'sub', 'blog', 'net', 'iat', 'exp', 'jti', 'mth', 'pth' );

	/** JSON flags of the claims encoding (see the file comment). */
	const JSON_FLAGS = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_LINE_TERMINATORS;

	/**
	 * A fresh one-time id: 16 random bytes as 32 lowercase hex characters.
	 *
	 * @return string
	 */
	public static function new_jti(): string {
		return bin2hex( random_bytes( 16 ) );
	}

	/**
	 * Signs claims into a token.
	 *
	 * @param string $secret Shared secret (at least 32 characters).
	 * @param array  $claims Claims; keys are emitted in protocol order whatever their order here.
	 * @return string `v1.<payload>.<signature>`.
	 * @throws InvalidArgumentException When the secret is too short or a claim is unknown,
	 *                                  missing or of the wrong type.
	 */
	public static function sign( string $secret, array $claims ): string {
		self::check_secret( $secret );
		$ordered = array();
		foreach ( self::CLAIMS as $key => $type ) {
			if ( array_key_exists( $key, $claims ) ) {
				if ( ! self::has_type( $claims[ $key ], $type ) ) {
					throw new InvalidArgumentException( "Claim '$key' must be of type $type." );
				}
				$ordered[ $key ] = $claims[ $key ];
			} elseif ( in_array( $key, self::REQUIRED, true ) ) {
				throw new InvalidArgumentException( "Claim '$key' is required." );
			}
		}
		$unknown = array_diff( array_keys( $claims ), array_keys( self::CLAIMS ) );
		if ( $unknown ) {
			throw new InvalidArgumentException( 'Unknown claims: ' . implode( ', ', $unknown ) );
		}
		$json = json_encode( $ordered, self::JSON_FLAGS );
		if ( false === $json ) {
			throw new InvalidArgumentException( 'Claims cannot be encoded as JSON: ' . json_last_error_msg() );
		}
		$signing_input = self::VERSION . '.' . self::b64url_encode( $json );
		return $signing_input . '.' . self::mac( $secret, $signing_input );
	}

	/**
	 * Verifies a token, in the protocol's order: format, signature, audience, iat not in the
	 * future (with leeway), exp not passed, lifetime, method and path. The one-time id (jti)
	 * is the caller's job, last, since it needs storage.
	 *
	 * @param string $secret Shared secret.
	 * @param string $token  The received `X-Sidecar-Assertion` value.
	 * @param string $aud    Expected audience (`account`, `network`, `shim`).
	 * @param string $method Actual HTTP method of the request (`GET`, `POST`).
	 * @param string $path   Actual path of the request, as the receiver routes it.
	 * @param int    $now    Current Unix time.
	 * @return array The verified claims.
	 * @throws Sidecar_Assertion_Exception On the first failed check; codes `sidecar_malformed`,
	 *         `sidecar_bad_signature`, `sidecar_wrong_audience`, `sidecar_not_yet_valid`,
	 *         `sidecar_expired`, `sidecar_lifetime_too_long`, `sidecar_wrong_method`,
	 *         `sidecar_wrong_path`.
	 * @throws InvalidArgumentException When the secret itself is too short.
	 */
	public static function verify( string $secret, string $token, string $aud, string $method, string $path, int $now ): array {
		self::check_secret( $secret );
		if ( strlen( $token ) > self::MAX_TOKEN_LENGTH
			|| ! preg_match( '/^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/D', $token, $parts ) ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_malformed', 'The assertion is not of the form v1.<payload>.<signature>.' );
		}
		$expected = self::mac( $secret, self::VERSION . '.' . $parts[1] );
		if ( ! hash_equals( $expected, $parts[2] ) ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_bad_signature', 'The assertion signature does not match.' );
		}
		$claims = self::decode_claims( $parts[1] );

		if ( $claims['aud'] !== $aud ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_wrong_audience', "The assertion is for audience '{$claims['aud']}', not '$aud'." );
		}
		if ( $claims['iat'] > $now + self::LEEWAY ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_not_yet_valid', 'The assertion was issued in the future.' );
		}
		if ( $now >= $claims['exp'] ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_expired', 'The assertion has expired.' );
		}
		$lifetime = $claims['exp'] - $claims['iat'];
		if ( $lifetime > self::MAX_LIFETIME || $lifetime <= 0 ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_lifetime_too_long', 'The assertion lifetime must be between 1 and ' . self::MAX_LIFETIME . ' seconds.' );
		}
		if ( $claims['mth'] !== $method ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_wrong_method', 'The assertion does not authorise this HTTP method.' );
		}
		if ( $claims['pth'] !== $path ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_wrong_path', 'The assertion does not authorise this path.' );
		}
		return $claims;
	}

	/**
	 * Base64url without padding.
	 *
	 * @param string $bytes Raw bytes.
	 * @return string
	 */
	public static function b64url_encode( string $bytes ): string {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
	}

	/**
	 * Decodes and type-checks the payload of an already authenticated token.
	 *
	 * @param string $payload Base64url payload.
	 * @return array Claims.
	 * @throws Sidecar_Assertion_Exception With `sidecar_malformed`.
	 */
	private static function decode_claims( string $payload ): array {
		$json   = base64_decode( strtr( $payload, '-_', '+/' ), true );
		$claims = is_string( $json ) ? json_decode( $json, true, 4 ) : null;
		if ( ! is_array( $claims ) || ( $claims && array_values( $claims ) === $claims ) ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_malformed', 'The assertion payload is not a JSON object.' );
		}
		foreach ( self::CLAIMS as $key => $type ) {
			$present = array_key_exists( $key, $claims );
			if ( ( ! $present && in_array( $key, self::REQUIRED, true ) )
				|| ( $present && ! self::has_type( $claims[ $key ], $type ) ) ) {
				throw new Sidecar_Assertion_Exception( 'sidecar_malformed', "The assertion claim '$key' is missing or not of type $type." );
			}
		}
		if ( ! preg_match( '/^[0-9a-f]{32}$/D', $claims['jti'] ) ) {
			throw new Sidecar_Assertion_Exception( 'sidecar_malformed', 'The assertion jti is not 32 lowercase hex characters.' );
		}
		return $claims;
	}

	/**
	 * HMAC-SHA256 of the signing input, base64url without padding.
	 *
	 * @param string $secret        Shared secret.
	 * @param string $signing_input `v1.<payload>`.
	 * @return string
	 */
	private static function mac( string $secret, string $signing_input ): string {
		return self::b64url_encode( hash_hmac( 'sha256', $signing_input, $secret, true ) );
	}

	/**
	 * Whether a value has a claim type (booleans are not ints; floats are not ints).
	 *
	 * @param mixed  $value Value.
	 * @param string $type  `int` or `string`.
	 * @return bool
	 */
	private static function has_type( $value, string $type ): bool {
		return 'int' === $type ? is_int( $value ) : is_string( $value );
	}

	/**
	 * Refuses a short secret.
	 *
	 * @param string $secret Shared secret.
	 * @return void
	 * @throws InvalidArgumentException When shorter than MIN_SECRET_LENGTH.
	 */
	private static function check_secret( string $secret ): void {
		if ( strlen( $secret ) < self::MIN_SECRET_LENGTH ) {
			throw new InvalidArgumentException( 'The shared secret must be at least ' . self::MIN_SECRET_LENGTH . ' characters long.' );
		}
	}
}
