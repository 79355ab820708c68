<?php
/**
 * devnet bootstrap: installs WordPress, turns it into a subdirectory multisite network, and
 * fills it with users, sites, posts, an application password and the network-activated shim.
 *
 * Run by devnet/install.py, one PHP process per phase:
 *
 *     php bootstrap.php PHASE INPUT.json OUTPUT.json
 *
 *   install   wp_install() as a single site (wp-config without multisite constants)
 *   network   install_network() + populate_network() for a subdirectory network
 *   populate  (multisite constants now in wp-config) super admin, customers, sites, posts,
 *             application password
 *   shim      network-activate sidecar-shim/sidecar-shim.php
 *
 * WordPress reads the multisite constants only while loading, hence the separate processes.
 * Every phase is idempotent: it looks at what exists and creates only what is missing, and
 * writes what it found or did as JSON to OUTPUT. Failures go to stderr with exit status 1.
 */

if ( PHP_SAPI !== 'cli' || $argc !== 4 ) {
	fwrite( STDERR, "usage: php bootstrap.php install|network|populate|shim INPUT.json OUTPUT.json\n" );
	exit( 2 );
}

$devnet_phase = $argv[1];
$devnet_out   = $argv[3];
$devnet       = json_decode( file_get_contents( $argv[2] ), true );
if ( ! is_array( $devnet ) || ! in_array( $devnet_phase, array( 'install', 'network', 'populate', 'shim' ), true ) ) {
	fwrite( STDERR, "devnet bootstrap: bad phase or input\n" );
	exit( 2 );
}

/**
 * Prints a failure message to stderr and ends the process with status 1.
 */
function devnet_fail( $message ) {
	fwrite( STDERR, "devnet bootstrap: $message\n" );
	exit( 1 );
}

/**
 * Makes this CLI process look like a web request for the network's main site.
 */
function devnet_fake_request( array $in, $script ) {
	$host                       = explode( ':', $in['domain'] );
	$_SERVER['HTTP_HOST']       = $in['domain'];
	$_SERVER['SERVER_NAME']     = $host[0];
	$_SERVER['SERVER_PORT']     = isset( $host[1] ) ? $host[1] : '80';
	$_SERVER['REQUEST_METHOD']  = 'GET';
	$_SERVER['REMOTE_ADDR']     = '127.0.0.1';
	$_SERVER['REQUEST_URI']     = '/' . $script;
	$_SERVER['SCRIPT_NAME']     = '/' . $script;
	$_SERVER['PHP_SELF']        = '/' . $script;
	$_SERVER['SCRIPT_FILENAME'] = $in['wp_path'] . '/' . $script;
	unset( $_SERVER['HTTPS'] );
}

devnet_fake_request( $devnet, 'install' === $devnet_phase ? 'wp-admin/install.php' : 'index.php' );

// WordPress calls itself over HTTP while installing, and there is no server yet: refuse
// every HTTP request in these processes, and pretend mail went out (the devnet mu-plugin,
// when loaded, logs it first). Hooks set before WordPress loads are picked up by WP_Hook.
$GLOBALS['wp_filter']['pre_http_request'][1]['devnet_bootstrap'] = array(
	'function'      => function () {
		return new WP_Error( 'devnet_bootstrap', 'devnet: no HTTP requests while bootstrapping' );
	},
	'accepted_args' => 1,
);
$GLOBALS['wp_filter']['pre_wp_mail'][99]['devnet_bootstrap'] = array(
	'function'      => function ( $sent ) {
		return null === $sent ? true : $sent;
	},
	'accepted_args' => 1,
);
if ( 'install' === $devnet_phase ) {
	define( 'WP_INSTALLING', true );
}
require $devnet['wp_path'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

/**
 * Phase install: wp_install() unless the blog is installed. Returns what it did.
 */
function devnet_install( array $in ) {
	if ( is_blog_installed() ) {
		return array( 'install' => 'reused' );
	}
	$admin  = $in['admin'];
	$result = wp_install( $in['network_title'], $admin['login'], $admin['email'], true, '', $admin['password'] );
	if ( empty( $result['user_id'] ) || is_wp_error( $result['user_id'] ) ) {
		devnet_fail( 'wp_install() did not create the admin user' );
	}
	update_option( 'siteurl', untrailingslashit( $in['url'] ) );
	update_option( 'home', untrailingslashit( $in['url'] ) );
	return array( 'install' => 'created' );
}

/**
 * Phase network: creates the network tables and network 1 unless it exists.
 */
function devnet_network( array $in ) {
	global $wpdb;
	foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed_table ) {
		$wpdb->$table = $prefixed_table;
	}
	install_network();
	if ( $wpdb->get_var( "SELECT id FROM $wpdb->site WHERE id = 1" ) ) {
		return array( 'network' => 'reused' );
	}
	$admin = get_user_by( 'login', $in['admin']['login'] );
	if ( ! $admin ) {
		devnet_fail( 'admin user missing before the network conversion' );
	}
	wp_set_current_user( $admin->ID );
	$result = populate_network( 1, $in['domain'], $in['admin']['email'], $in['network_title'], '/', false );
	if ( is_wp_error( $result ) ) {
		devnet_fail( 'populate_network(): ' . $result->get_error_message() );
	}
	return array( 'network' => 'created' );
}

/**
 * Makes sure a user exists with this password; returns array( user id, what was done ).
 */
function devnet_user( $login, $email, $password ) {
	$user = get_user_by( 'login', $login );
	if ( ! $user ) {
		$user_id = wpmu_create_user( $login, $password, $email );
		if ( ! $user_id ) {
			devnet_fail( "could not create user $login <$email>" );
		}
		return array( (int) $user_id, 'created' );
	}
	if ( ! wp_check_password( $password, $user->user_pass, $user->ID ) ) {
		wp_set_password( $password, $user->ID );
		return array( (int) $user->ID, 'password reset' );
	}
	return array( (int) $user->ID, 'reused' );
}

/**
 * Makes sure the admin exists, is a super admin and knows its password.
 */
function devnet_admin( array $admin ) {
	list( $user_id, $did ) = devnet_user( $admin['login'], $admin['email'], $admin['password'] );
	if ( ! is_super_admin( $user_id ) ) {
		grant_super_admin( $user_id );
		$did .= ', made super admin';
	}
	return array( 'user_id' => $user_id, 'did' => $did );
}

/**
 * Returns the blog id of the site at exactly $domain + $path, or 0.
 */
function devnet_find_site( $domain, $path ) {
	$ids = get_sites(
		array(
			'domain' => $domain,
			'path'   => $path,
			'number' => 1,
			'fields' => 'ids',
		)
	);
	return $ids ? (int) $ids[0] : 0;
}

/**
 * Makes $user_id the administrator of $blog_id and a member of no other site.
 */
function devnet_only_member( $user_id, $blog_id ) {
	if ( ! is_user_member_of_blog( $user_id, $blog_id ) ) {
		add_user_to_blog( $blog_id, $user_id, 'administrator' );
	}
	switch_to_blog( $blog_id );
	$user = new WP_User( $user_id );
	if ( ! in_array( 'administrator', (array) $user->roles, true ) ) {
		$user->set_role( 'administrator' );
	}
	restore_current_blog();
	foreach ( get_blogs_of_user( $user_id, true ) as $other ) {
		if ( (int) $other->userblog_id !== $blog_id ) {
			remove_user_from_blog( $user_id, $other->userblog_id );
		}
	}
	update_user_meta( $user_id, 'primary_blog', $blog_id );
}

/**
 * Returns post content as paragraph blocks, one per blank-line-separated paragraph.
 */
function devnet_blocks( $text ) {
	$html = '';
	foreach ( preg_split( "/\n\s*\n/", trim( $text ) ) as $paragraph ) {
		$html .= "<!-- wp:paragraph -->\n<p>" . esc_html( trim( $paragraph ) ) . "</p>\n<!-- /wp:paragraph -->\n\n";
	}
	return trim( $html );
}

/**
 * Adds the posts of $posts that $blog_id does not have yet (matched by title); returns how many.
 */
function devnet_posts( $blog_id, $user_id, array $posts ) {
	switch_to_blog( $blog_id );
	$created = 0;
	foreach ( $posts as $post ) {
		$found = get_posts(
			array(
				'title'       => $post['title'],
				'post_type'   => 'post',
				'post_status' => 'any',
				'numberposts' => 1,
				'fields'      => 'ids',
			)
		);
		if ( $found ) {
			continue;
		}
		$days    = isset( $post['days_ago'] ) ? (int) $post['days_ago'] : 0;
		$post_id = wp_insert_post(
			array(
				'post_title'   => $post['title'],
				'post_content' => devnet_blocks( $post['content'] ),
				'post_status'  => 'publish',
				'post_author'  => $user_id,
				'post_date'    => gmdate( 'Y-m-d H:i:s', current_time( 'timestamp' ) - $days * DAY_IN_SECONDS ),
			),
			true
		);
		if ( is_wp_error( $post_id ) ) {
			devnet_fail( "post '{$post['title']}': " . $post_id->get_error_message() );
		}
		++$created;
	}
	restore_current_blog();
	return $created;
}

/**
 * Deletes core's "Hello world!" sample post (and its comment) from a site devnet just made.
 */
function devnet_delete_sample_post( $blog_id ) {
	switch_to_blog( $blog_id );
	$sample = get_post( 1 );
	if ( $sample && 'post' === $sample->post_type ) {
		wp_delete_post( 1, true );
	}
	restore_current_blog();
}

/**
 * Makes sure a customer, their site (owned by them alone) and its posts exist.
 */
function devnet_customer( array $in, array $customer ) {
	list( $user_id, $user_did ) = devnet_user( $customer['login'], $customer['email'], $customer['password'] );
	$path     = '/' . trim( $customer['site_path'], '/' ) . '/';
	$blog_id  = devnet_find_site( $in['domain'], $path );
	$site_did = 'reused';
	if ( ! $blog_id ) {
		$blog_id = wpmu_create_blog( $in['domain'], $path, $customer['site_title'], $user_id, array( 'public' => 1 ), 1 );
		if ( is_wp_error( $blog_id ) ) {
			devnet_fail( "site $path: " . $blog_id->get_error_message() );
		}
		$blog_id  = (int) $blog_id;
		$site_did = 'created';
		devnet_delete_sample_post( $blog_id );
	}
	if ( get_site( $blog_id )->domain !== $in['domain'] ) {
		devnet_fail( "site $path got domain " . get_site( $blog_id )->domain . ' (is the devnet mu-plugin installed?)' );
	}
	devnet_only_member( $user_id, $blog_id );
	$posts = devnet_posts( $blog_id, $user_id, $customer['posts'] );
	return array(
		'login'      => $customer['login'],
		'user_id'    => $user_id,
		'blog_id'    => $blog_id,
		'site_url'   => get_home_url( $blog_id, '/' ),
		'site_title' => wp_specialchars_decode( get_blog_option( $blog_id, 'blogname' ), ENT_QUOTES ),
		'did'        => "user $user_did, site $site_did, $posts new posts",
	);
}

/**
 * Tells whether $plain matches an application password hash (6.1: phpass, 6.8: fast hash).
 */
function devnet_app_password_matches( $plain, $hash ) {
	if ( method_exists( 'WP_Application_Passwords', 'check_password' ) ) {
		return WP_Application_Passwords::check_password( $plain, $hash );
	}
	return wp_check_password( $plain, $hash );
}

/**
 * Reuses the known application password if it still works, else makes a new one.
 */
function devnet_app_password( $user_id, array $known, $name ) {
	if ( ! empty( $known['uuid'] ) && ! empty( $known['password'] ) ) {
		$item = WP_Application_Passwords::get_user_application_password( $user_id, $known['uuid'] );
		if ( $item && devnet_app_password_matches( $known['password'], $item['password'] ) ) {
			return array( 'password' => $known['password'], 'uuid' => $known['uuid'], 'did' => 'reused' );
		}
	}
	foreach ( WP_Application_Passwords::get_user_application_passwords( $user_id ) as $item ) {
		if ( $item['name'] === $name ) {
			WP_Application_Passwords::delete_application_password( $user_id, $item['uuid'] );
		}
	}
	$created = WP_Application_Passwords::create_new_application_password( $user_id, array( 'name' => $name ) );
	if ( is_wp_error( $created ) ) {
		devnet_fail( 'application password: ' . $created->get_error_message() );
	}
	return array( 'password' => $created[0], 'uuid' => $created[1]['uuid'], 'did' => 'created' );
}

/**
 * Phase populate: super admin, customers with their sites and posts, application password.
 */
function devnet_populate( array $in ) {
	if ( ! is_multisite() ) {
		devnet_fail( 'populate needs the multisite constants in wp-config.php' );
	}
	$admin     = devnet_admin( $in['admin'] );
	$customers = array();
	foreach ( $in['customers'] as $customer ) {
		$customers[] = devnet_customer( $in, $customer );
	}
	$app = devnet_app_password( $admin['user_id'], $in['app_password'], $in['app_password_name'] );
	return array(
		'admin'        => $admin,
		'customers'    => $customers,
		'app_password' => $app,
	);
}

/**
 * Phase shim: network-activates the shim plugin if it is there and not active yet.
 */
function devnet_shim( array $in ) {
	$file = $in['shim_file'];
	if ( ! file_exists( WP_PLUGIN_DIR . '/' . $file ) ) {
		return array( 'shim' => 'missing' );
	}
	if ( is_plugin_active_for_network( $file ) ) {
		return array( 'shim' => 'reused' );
	}
	$result = activate_plugin( $file, '', true );
	if ( is_wp_error( $result ) ) {
		devnet_fail( "activating $file: " . $result->get_error_message() );
	}
	return array( 'shim' => 'activated' );
}

$devnet_result                  = call_user_func( 'devnet_' . $devnet_phase, $devnet );
$devnet_result['wp_version']    = $GLOBALS['wp_version'];
$devnet_result['php_version']   = PHP_VERSION;
file_put_contents( $devnet_out, json_encode( $devnet_result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ) );
