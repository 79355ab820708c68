<?php
/**
 * Plain-php tests of the pure parts of visit counting (no WordPress): Sidecar_Visits::is_bot(),
 * ::is_prefetch(), ::address_key(), ::visitor_id() and ::retry_after().
 *   php wp-plugin-shim/tests/visits-test.php
 *
 * @package SidecarShim
 */

define( 'ABSPATH', __DIR__ . '/' );
require_once dirname( __DIR__ ) . '/includes/class-sidecar-visits.php';

require_once __DIR__ . '/harness.php';

$browsers = array(
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
	'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
	'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.61',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.50 Mobile/15E148 Safari/604.1',
	'Opera/9.80 (Windows NT 6.1; U; en) Presto/2.10.229 Version/11.62',
);
foreach ( $browsers as $ua ) {
	check( "browser: $ua", ! Sidecar_Visits::is_bot( $ua ) );
}
$bots = array(
	'',
	'   ',
	'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
	'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
	'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
	'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
	'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)',
	'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
	'Twitterbot/1.0',
	'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
	'WhatsApp/2.23.20.0',
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse',
	'curl/8.4.0',
	'Wget/1.21.4',
	'python-requests/2.31.0',
	'Go-http-client/1.1',
	'okhttp/4.12.0',
	'UptimeRobot/2.0 (http://www.uptimerobot.com/)',
	'Mozilla/5.0 (compatible; Pingdom.com_bot_version_1.4)',
	'Mozilla/5.0 (Windows NT 10.0) Mediapartners-Google',
	'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
	'Mozilla/5.0 (X11) contact: ops@example.com',
);
foreach ( $bots as $ua ) {
	check( "bot: '$ua'", Sidecar_Visits::is_bot( $ua ) );
}

// Prefetch and prerender headers.
check( 'no purpose', ! Sidecar_Visits::is_prefetch( array( 'HTTP_USER_AGENT' => 'x' ) ) );
check( 'Sec-Purpose prefetch', Sidecar_Visits::is_prefetch( array( 'HTTP_SEC_PURPOSE' => 'prefetch' ) ) );
check( 'Sec-Purpose prerender', Sidecar_Visits::is_prefetch( array( 'HTTP_SEC_PURPOSE' => 'prefetch;prerender' ) ) );
check( 'Purpose prefetch', Sidecar_Visits::is_prefetch( array( 'HTTP_PURPOSE' => 'Prefetch' ) ) );
check( 'X-Purpose preview', Sidecar_Visits::is_prefetch( array( 'HTTP_X_PURPOSE' => 'preview' ) ) );
check( 'X-Moz prefetch', Sidecar_Visits::is_prefetch( array( 'HTTP_X_MOZ' => 'prefetch' ) ) );
check( 'other purpose', ! Sidecar_Visits::is_prefetch( array( 'HTTP_SEC_PURPOSE' => 'something-else' ) ) );

// Addresses.
$addresses = array(
	'203.0.113.7'                  => '203.0.113.7',
	'127.0.0.1'                    => '127.0.0.1',
	'::ffff:203.0.113.7'           => '203.0.113.7',
	'2001:db8:1:2:3:4:5:6'         => '2001:db8:1:2::/64',
	'2001:db8:1:2:ffff:ffff:ffff:1' => '2001:db8:1:2::/64',
	'2001:db8:1:3::1'              => '2001:db8:1:3::/64',
	'::1'                          => '::/64',
	''                             => '',
	'unknown'                      => '',
	'1.2.3'                        => '',
	'203.0.113.7, 10.0.0.1'        => '',
);
foreach ( $addresses as $address => $key ) {
	check( "address '$address'", $key === Sidecar_Visits::address_key( (string) $address ) );
}

// Visitor ids: 32 lowercase hex, keyed by secret, day and address only.
$secret = str_repeat( 's', 40 );
$id     = Sidecar_Visits::visitor_id( $secret, '2025-11-29', '203.0.113.7' );
check( 'visitor id shape', 1 === preg_match( '/^[0-9a-f]{32}$/D', $id ) );
check( 'visitor id value', substr( hash_hmac( 'sha256', '2025-11-29|203.0.113.7', $secret ), 0, 32 ) === $id );
check( 'same visitor same day', Sidecar_Visits::visitor_id( $secret, '2025-11-29', '203.0.113.7' ) === $id );
check( 'next day differs', Sidecar_Visits::visitor_id( $secret, '2025-11-30', '203.0.113.7' ) !== $id );
check( 'other address differs', Sidecar_Visits::visitor_id( $secret, '2025-11-29', '203.0.113.8' ) !== $id );
check( 'other secret differs', Sidecar_Visits::visitor_id( str_repeat( 't', 40 ), '2025-11-29', '203.0.113.7' ) !== $id );

// Retry-After: until the first day of next month, 00:00 UTC.
check( 'retry mid-month', gmmktime( 0, 0, 0, 12, 1, 2025 ) - gmmktime( 12, 0, 0, 11, 29, 2025 ) === Sidecar_Visits::retry_after( gmmktime( 12, 0, 0, 11, 29, 2025 ) ) );
check( 'retry december', gmmktime( 0, 0, 0, 1, 1, 2026 ) - gmmktime( 23, 59, 59, 12, 31, 2025 ) === Sidecar_Visits::retry_after( gmmktime( 23, 59, 59, 12, 31, 2025 ) ) );
check( 'retry month start', 31 * 86400 === Sidecar_Visits::retry_after( gmmktime( 0, 0, 0, 1, 1, 2026 ) ) );

finish();
