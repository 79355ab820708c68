"""``sidecar shim install|uninstall`` on a plain WordPress multisite without the shim (built
with devnet's phases in ``var/<network>/plain/`` and its own database): the plugin ends up
network-active through WordPress, and uninstall leaves files and options as they were."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pymysql
import pytest

from sidecar.ops.shim_install import EXPECTED_SHIM_VERSION

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
STOP_LINE = "/* That's all, stop editing! Happy publishing. */"


@pytest.fixture(scope="module")
def plain(network) -> dict:
    """A multisite network with no shim, no sidecar constants and no sunrise.php."""
    from devnet import install, mariadb, wordpress_source
    from devnet.wpconfig import new_salts

    base = Path(network["wp_path"]).parent / "plain"
    net = {
        "url": network["url"],
        "wp_path": str(base / "wordpress"),
        "db": {
            **network["db"],
            "name": network["db"]["name"] + "_plain",
            "user": network["db"]["user"] + "_p",
        },
        "wp_salts": new_salts(),
        "secret": "unused",
        "sidecar_url": network["sidecar_url"],
        "mail_log": str(base / "mail.log"),
        "network_title": "plain copy",
        "admin": {
            "login": "admin",
            "email": "admin@example.test",
            "password": "pw-plain-1234",
            "app_password": "",
            "app_password_uuid": "",
        },
        "customers": [],
    }
    base.mkdir(parents=True, exist_ok=True)
    mariadb.ensure_database(net["db"])
    tree = wordpress_source.ensure_tree(network["wp_version"])
    install.copy_wordpress(tree, Path(net["wp_path"]), network["wp_version"])
    if not mariadb.network_domain(net["db"]):
        install.write_config(net, multisite=False)
        install.run_phase("install", _payload(net))
        install.run_phase("network", _payload(net))
    install.write_config(net, multisite=True)
    config = Path(net["wp_path"]) / "wp-config.php"
    text = re.sub(r"define\( '(SIDECAR_\w+|SUNRISE|DEVNET_MAIL_LOG)'.*\n", "", config.read_text())
    text = text.replace(
        "\nif ( ! defined( 'ABSPATH' ) )", f"\n{STOP_LINE}\n\nif ( ! defined( 'ABSPATH' ) )"
    )
    config.write_text(text)
    for leftover in config.parent.glob("wp-config.php.sidecar-backup-*"):
        leftover.unlink()
    _remove_leftovers(net)
    yield net


def _remove_leftovers(net: dict) -> None:
    """Undo what an interrupted earlier run left (through WordPress, then the files)."""
    from sidecar.ops.shim_install import run_tool

    content = Path(net["wp_path"]) / "wp-content"
    if (content / "plugins" / "sidecar-shim").exists():
        run_tool(Path(net["wp_path"]), net["url"], "deactivate")
        shutil.rmtree(content / "plugins" / "sidecar-shim")
    (content / "sunrise.php").unlink(missing_ok=True)


def _payload(net: dict) -> dict:
    from devnet.wpconfig import host_port

    return {
        "wp_path": net["wp_path"],
        "url": net["url"],
        "domain": host_port(net["url"]),
        "network_title": net["network_title"],
        "admin": {k: net["admin"][k] for k in ("login", "email", "password")},
        "customers": [],
        "app_password": {"password": "", "uuid": ""},
        "app_password_name": "unused",
        "shim_file": "sidecar-shim/sidecar-shim.php",
    }


def sidecar(config_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "shim", *args],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
    )


def files(wp_path: str) -> dict:
    found = {}
    for path in sorted(Path(wp_path).rglob("*")):
        if path.is_file() and ".sidecar-backup-" not in path.name:
            found[str(path.relative_to(wp_path))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def options(db: dict) -> dict:
    conn = pymysql.connect(
        host=db["host"],
        port=db["port"],
        user=db["user"],
        password=db["password"],
        database=db["name"],
    )
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT option_name, option_value FROM wp_options"
                " WHERE option_name NOT LIKE '%%transient%%'"
            )
            rows = {("option", n): v for n, v in cur.fetchall()}
            cur.execute(
                "SELECT meta_key, meta_value FROM wp_sitemeta"
                " WHERE meta_key NOT LIKE '%%transient%%'"
            )
            rows.update({("sitemeta", n): v for n, v in cur.fetchall()})
            return rows
    finally:
        conn.close()


def status(settings, plain) -> dict:
    from sidecar.ops.shim_install import run_tool

    return run_tool(Path(plain["wp_path"]), settings.wordpress.url, "status")


def test_install_then_uninstall_leaves_wordpress_as_it_was(config_path, settings, plain):
    wp = plain["wp_path"]
    config = Path(wp) / "wp-config.php"
    before_files, before_options = files(wp), options(plain["db"])
    assert status(settings, plain)["installed"] is False

    dry = sidecar(config_path, "install", "--wp-path", wp, "--dry-run", "--write-config")
    assert dry.returncode == 0, dry.stderr
    assert "would network-activate sidecar-shim/sidecar-shim.php" in dry.stdout
    assert files(wp) == before_files and options(plain["db"]) == before_options

    done = sidecar(config_path, "install", "--wp-path", wp, "--write-config")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "network-activated" in done.stdout and "backed up" in done.stdout
    state = status(settings, plain)
    assert state["network_active"] is True and state["version"] == EXPECTED_SHIM_VERSION
    text = config.read_text()
    assert f"define( 'SIDECAR_SECRET', '{settings.shim.secret}' );" in text
    assert text.index("BEGIN sidecar") < text.index(STOP_LINE)
    assert (Path(wp) / "wp-content" / "sunrise.php").is_file()
    lint = subprocess.run(["php", "-l", str(config)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout

    again = sidecar(config_path, "install", "--wp-path", wp, "--write-config")
    assert again.returncode == 0 and "already network-active" in again.stdout
    assert "backed up" not in again.stdout and config.read_text() == text
    assert len(list(config.parent.glob("wp-config.php.sidecar-backup-*"))) == 1

    gone = sidecar(config_path, "uninstall", "--wp-path", wp, "--write-config")
    assert gone.returncode == 0, gone.stderr + gone.stdout
    assert status(settings, plain)["installed"] is False
    assert files(wp) == before_files
    assert options(plain["db"]) == before_options


def test_without_write_config_the_lines_are_printed(config_path, settings, plain):
    wp = plain["wp_path"]
    config_before = (Path(wp) / "wp-config.php").read_text()
    try:
        done = sidecar(config_path, "install", "--wp-path", wp)
        assert done.returncode == 0, done.stderr
        assert f"define( 'SIDECAR_URL', '{settings.sidecar.base_url}' );" in done.stdout
        assert "define( 'SUNRISE', true );" in done.stdout
        assert (Path(wp) / "wp-config.php").read_text() == config_before
        assert status(settings, plain)["network_active"] is True
    finally:
        gone = sidecar(config_path, "uninstall", "--wp-path", wp)
        assert gone.returncode == 0, gone.stderr
    assert status(settings, plain)["installed"] is False


def test_bad_paths_and_foreign_sunrise_are_refused(config_path, plain, tmp_path):
    nowhere = sidecar(config_path, "install", "--wp-path", str(tmp_path))
    assert nowhere.returncode == 1 and "is not a WordPress folder" in nowhere.stderr
    sunrise = Path(plain["wp_path"]) / "wp-content" / "sunrise.php"
    sunrise.write_text("<?php // another domain-mapping plugin\n")
    try:
        refused = sidecar(config_path, "install", "--wp-path", plain["wp_path"])
    finally:
        sunrise.unlink()
    assert refused.returncode == 1 and "belongs to another plugin" in refused.stderr
    assert not (Path(plain["wp_path"]) / "wp-content" / "plugins" / "sidecar-shim").exists()


def test_the_expected_shim_version_is_the_plugins():

    header = (ROOT / "wp-plugin-shim" / "sidecar-shim.php").read_text()
    assert f"define( 'SIDECAR_SHIM_VERSION', '{EXPECTED_SHIM_VERSION}' );" in header


def test_the_block_goes_above_wp_settings_when_the_comment_is_gone(tmp_path):
    from sidecar.ops import wp_config

    config = tmp_path / "wp-config.php"
    config.write_text(
        "<?php\ndefine( 'SUNRISE', true );\nrequire_once ABSPATH . 'wp-settings.php';\n"
    )
    plan = wp_config.plan(config, {"SIDECAR_URL": "http://10.0.0.5:8000", "SUNRISE": True})
    assert plan.already == ("SUNRISE",)
    assert plan.text.index("SIDECAR_URL") < plan.text.index("wp-settings.php")
    config.write_text("<?php\n// nothing to anchor on\n")
    with pytest.raises(wp_config.WpConfigError, match="add the constants by hand"):
        wp_config.plan(config, {"SIDECAR_URL": "x"})
    assert wp_config.define_line("X", "it's") == "define( 'X', 'it\\'s' );"
