"""Render the dev network's ``wp-config.php`` (Debian's loader for /etc/wordpress is replaced)."""

import secrets
from urllib.parse import urlsplit

SALT_KEYS = (
    "AUTH_KEY",
    "SECURE_AUTH_KEY",
    "LOGGED_IN_KEY",
    "NONCE_KEY",
    "AUTH_SALT",
    "SECURE_AUTH_SALT",
    "LOGGED_IN_SALT",
    "NONCE_SALT",
)


def new_salts() -> dict:
    """Return fresh random values for WordPress's eight keys and salts."""
    return {key: secrets.token_urlsafe(48) for key in SALT_KEYS}


def php_str(value) -> str:
    """Return ``value`` as a single-quoted PHP string literal."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _define(name: str, value) -> str:
    """Return one ``define()`` line; bools and ints unquoted, the rest as strings."""
    if isinstance(value, bool):
        literal = "true" if value else "false"
    elif isinstance(value, int):
        literal = str(value)
    else:
        literal = php_str(value)
    return f"define( {php_str(name)}, {literal} );"


def host_port(url: str) -> str:
    """Return ``host:port`` of an http URL (the network's domain in WordPress)."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname


def constants(net: dict, multisite: bool) -> dict:
    """Return the constants of the network's wp-config, in order."""
    db = net["db"]
    values = {
        "DB_NAME": db["name"],
        "DB_USER": db["user"],
        "DB_PASSWORD": db["password"],
        "DB_HOST": f"{db['host']}:{db['port']}",
        "DB_CHARSET": "utf8mb4",
        "DB_COLLATE": "",
        **net["wp_salts"],
        "WP_ENVIRONMENT_TYPE": "local",
        "WP_DEBUG": False,
        "DISABLE_WP_CRON": True,
        "WP_HTTP_BLOCK_EXTERNAL": True,
        "WP_ACCESSIBLE_HOSTS": "127.0.0.1,localhost",
        "FS_METHOD": "direct",
        "AUTOMATIC_UPDATER_DISABLED": True,
        "WP_AUTO_UPDATE_CORE": False,
        "WP_DEFAULT_THEME": "twentytwentythree",
        "SIDECAR_SECRET": net["secret"],
        "SIDECAR_URL": net["sidecar_url"],
        "DEVNET_MAIL_LOG": net["mail_log"],
    }
    if multisite:
        values.update(
            {
                "WP_ALLOW_MULTISITE": True,
                "MULTISITE": True,
                "SUBDOMAIN_INSTALL": False,
                "DOMAIN_CURRENT_SITE": host_port(net["url"]),
                "PATH_CURRENT_SITE": "/",
                "SITE_ID_CURRENT_SITE": 1,
                "BLOG_ID_CURRENT_SITE": 1,
                "SUNRISE": True,  # wp-content/sunrise.php: the shim's domain mapping
            }
        )
    return values


def render(net: dict, multisite: bool) -> str:
    """Return the wp-config.php text for network state ``net``.

    Before the network exists (``multisite`` False) the multisite constants are left out:
    WordPress is installed as a single site first, then converted.
    """
    lines = [
        "<?php",
        "// Written by `python -m devnet up` for a local development network; rewritten on",
        "// every run - change devnet/wpconfig.py instead of editing this file.",
        "",
    ]
    lines += [_define(name, value) for name, value in constants(net, multisite).items()]
    lines += [
        "",
        f"$table_prefix = {php_str(net['db']['table_prefix'])};",
        "",
        "if ( ! defined( 'ABSPATH' ) ) {",
        "\tdefine( 'ABSPATH', __DIR__ . '/' );",
        "}",
        "require_once ABSPATH . 'wp-settings.php';",
        "",
    ]
    return "\n".join(lines)
