"""Write ``var/<name>/config.toml``: the sidecar's configuration for one dev network."""

import json
from pathlib import Path

from devnet.state import write_private


def _s(value) -> str:
    """Return ``value`` as a TOML basic string (JSON's escaping is valid TOML for these)."""
    return json.dumps(str(value))


def render(net: dict) -> str:
    """Return the config.toml text for network state ``net``."""
    db = net["db"]
    return "\n".join(
        [
            "[database]",
            f"host = {_s(db['host'])}",
            f"port = {int(db['port'])}",
            f"user = {_s(db['user'])}",
            f"password = {_s(db['password'])}",
            f"name = {_s(db['name'])}",
            f"table_prefix = {_s(db['table_prefix'])}",
            "[wordpress]",
            f"url = {_s(net['url'])}",
            "network_id = 1",
            f"rest_user = {_s(net['admin']['login'])}",
            f"app_password = {_s(net['admin']['app_password'])}",
            f"uploads_dir = {_s(net['wp_path'] + '/wp-content/uploads')}",
            "[shim]",
            f"secret = {_s(net['secret'])}",
            "[sidecar]",
            f"base_url = {_s(net['sidecar_url'])}",
            f"secret_key = {_s(net['sidecar_secret_key'])}",
            'log_level = "INFO"',
            "",
        ]
    )


def write(net: dict, path: Path) -> bool:
    """Write the config for ``net`` to ``path``; return True when the file changed."""
    return write_private(path, render(net))
