"""The three things a person does with a dev network: ``up``, ``stop`` and ``destroy``.

``up`` is idempotent: a second run finds everything in place, reuses it and says so.
"""

import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from devnet import customers, install, mariadb, server, sidecar_config, state, wordpress_source
from devnet.errors import DevnetError
from devnet.log import say
from devnet.paths import network_dir
from devnet.wpconfig import host_port, new_salts

ADMIN_LOGIN = "admin"
ADMIN_EMAIL = "admin@example.test"
APP_PASSWORD_NAME = "sidecar (devnet)"


@dataclass
class UpOptions:
    """What ``up`` was asked for; None means "as last time"."""

    name: str
    port: int | None = None
    wp_version: str | None = None
    sidecar_url: str | None = None
    secret: str | None = None
    demo: bool = False


def _settled(opts: UpOptions, prev: dict) -> UpOptions:
    """Fill options left out from the previous state; raise DevnetError on conflicts.

    A network made without ``--secret`` gets a random one (kept in the state).
    """
    secret = opts.secret or prev.get("secret") or secrets.token_hex(24)
    filled = UpOptions(
        opts.name,
        opts.port or prev.get("port"),
        opts.wp_version or prev.get("wp_version"),
        opts.sidecar_url or prev.get("sidecar_url"),
        secret,
        opts.demo,
    )
    missing = [k for k in ("port", "wp_version", "sidecar_url") if not getattr(filled, k)]
    if missing:
        raise DevnetError(
            f"network {opts.name} is new: give --{' --'.join(m.replace('_', '-') for m in missing)}"
        )
    if prev and int(filled.port) != int(prev["port"]):
        raise DevnetError(
            f"network {opts.name} was made on port {prev['port']}; destroy it to change ports"
        )
    if prev and wordpress_source.major_minor(filled.wp_version) != wordpress_source.major_minor(
        prev["wp_version"]
    ):
        raise DevnetError(
            f"network {opts.name} runs WordPress {prev['wp_version']};"
            " destroy it to change versions"
        )
    return filled


def db_name(name: str) -> str:
    """Return the database (and user) name of network ``name``: ``sidecar_`` + name.

    Non-alphanumerics become ``_``."""
    return mariadb.check_identifier("sidecar_" + re.sub(r"[^0-9A-Za-z]", "_", name))


def _state(opts: UpOptions, prev: dict, ndir: Path) -> dict:
    """Return the network's state: previous secrets and passwords kept, new ones generated."""
    prev_db, prev_admin = prev.get("db", {}), prev.get("admin", {})
    url = f"http://127.0.0.1:{int(opts.port)}/"
    return {
        "name": opts.name,
        "wp_version": prev.get("wp_version", opts.wp_version),
        "url": url,
        "port": int(opts.port),
        "db": {
            "host": mariadb.HOST,
            "port": mariadb.PORT,
            "user": db_name(opts.name),
            "password": prev_db.get("password") or state.password(24),
            "name": db_name(opts.name),
            "table_prefix": "wp_",
        },
        "admin": {
            "login": ADMIN_LOGIN,
            "password": prev_admin.get("password") or state.password(20),
            "email": ADMIN_EMAIL,
            "app_password": prev_admin.get("app_password", ""),
            "app_password_uuid": prev_admin.get("app_password_uuid", ""),
            "user_id": prev_admin.get("user_id"),
        },
        "customers": customers.wanted(opts.demo, prev.get("customers", [])),
        "sidecar_url": opts.sidecar_url,
        "secret": opts.secret,
        "sidecar_secret_key": prev.get("sidecar_secret_key") or secrets.token_hex(24),
        "wp_path": str(ndir / "wordpress"),
        "network_title": f"Sidecar dev network {opts.name}",
        "wp_salts": prev.get("wp_salts") or new_salts(),
        "mail_log": str(ndir / "mail.log"),
        "config_toml": str(ndir / "config.toml"),
        "php_log": str(ndir / "php.log"),
    }


def _payload(net: dict) -> dict:
    """Return the input of the PHP bootstrap phases."""
    admin = net["admin"]
    return {
        "wp_path": net["wp_path"],
        "url": net["url"],
        "domain": host_port(net["url"]),
        "network_title": net["network_title"],
        "admin": {k: admin[k] for k in ("login", "email", "password")},
        "customers": net["customers"],
        "app_password": {"password": admin["app_password"], "uuid": admin["app_password_uuid"]},
        "app_password_name": APP_PASSWORD_NAME,
        "shim_file": install.SHIM_FILE,
    }


def _public_customer(spec: dict, done: dict) -> dict:
    """Return a customer's state entry from its spec and the populate phase's answer."""
    keep = ("login", "password", "email")
    return {
        **{k: spec[k] for k in keep},
        "site_path": spec["site_path"],
        **{k: done[k] for k in ("user_id", "blog_id", "site_url", "site_title")},
    }


def _install(net: dict) -> None:
    """Install and convert WordPress unless the database already holds this network.

    Raises DevnetError when the database holds a network on another host:port.
    """
    domain = host_port(net["url"])
    found = mariadb.network_domain(net["db"])
    if found and found != domain:
        raise DevnetError(
            f"database {net['db']['name']} holds a network at {found}; "
            f"run `python -m devnet destroy --name {net['name']}` first"
        )
    if found:
        install.write_config(net, multisite=True)
        say("wordpress: network exists in the database, reused")
        return
    install.write_config(net, multisite=False)
    say(f"wordpress: install {install.run_phase('install', _payload(net))['install']}")
    say(f"wordpress: network {install.run_phase('network', _payload(net))['network']}")
    install.write_config(net, multisite=True)


def _populate(net: dict) -> None:
    """Create or check the admin, customers, sites, posts and app password; record the ids."""
    done = install.run_phase("populate", _payload(net))
    net["admin"].update(
        user_id=done["admin"]["user_id"],
        app_password=done["app_password"]["password"],
        app_password_uuid=done["app_password"]["uuid"],
    )
    say(f"users: admin {done['admin']['did']}, application password {done['app_password']['did']}")
    by_login = {c["login"]: c for c in done["customers"]}
    for customer in done["customers"]:
        say(f"customer {customer['login']}: {customer['did']} ({customer['site_url']})")
    net["customers"] = [
        _public_customer(spec, by_login[spec["login"]]) for spec in net["customers"]
    ]


def _database(net: dict) -> None:
    """Make sure MariaDB answers and the network's database and user exist."""
    say(f"mariadb: {mariadb.ensure_running()} on {mariadb.HOST}:{mariadb.PORT}")
    say(f"mariadb: database {net['db']['name']} {mariadb.ensure_database(net['db'])}")


def _files(net: dict, tree: Path) -> str:
    """Copy WordPress (first time), the mu-plugin and the shim; return the shim's fate."""
    wp_path = Path(net["wp_path"])
    say(f"wordpress: files {install.copy_wordpress(tree, wp_path, net['wp_version'])} in {wp_path}")
    net["wp_version"] = wordpress_source.tree_version(wp_path)
    install.install_mu_plugin(wp_path)
    return install.install_shim(wp_path)


def _activate_shim(net: dict, shim: str) -> None:
    """Network-activate the freshly copied shim, or warn that there is none."""
    if shim == "missing":
        say("shim: WARNING no wp-plugin-shim/ folder in the repository yet, skipped")
        return
    say(f"shim: copied, network activation {install.run_phase('shim', _payload(net))['shim']}")


def _serve(net: dict) -> None:
    """Start (or reuse) the web server and check the REST API with the app password."""
    ndir = Path(net["wp_path"]).parent
    log_file = ndir / "php.log"
    did = server.start(net["port"], Path(net["wp_path"]), ndir / "php.pid", log_file)
    say(f"server: php -S 127.0.0.1:{net['port']} {did}")
    server.check_rest(net["url"], net["admin"]["login"], net["admin"]["app_password"], log_file)
    say("rest: /wp-json/wp/v2/users/me answers with the application password")


def up(opts: UpOptions) -> dict:
    """Bring network ``opts.name`` up (create what is missing, reuse the rest); return its state.

    The state is saved before anything is created, so generated passwords survive a failed
    run. Raises DevnetError with a readable message when a step fails.
    """
    started = time.monotonic()
    prev = state.load_or_empty(opts.name)
    opts = _settled(opts, prev)
    tree = wordpress_source.ensure_tree(opts.wp_version)
    say(f"wordpress: source tree {tree} (WordPress {wordpress_source.tree_version(tree)})")
    net = _state(opts, prev, network_dir(opts.name))
    state.save(net)
    _database(net)
    shim = _files(net, tree)
    _install(net)
    _populate(net)
    state.save(net)
    _activate_shim(net, shim)
    _serve(net)
    changed = sidecar_config.write(net, Path(net["config_toml"]))
    say(f"sidecar config: {net['config_toml']} {'written' if changed else 'unchanged'}")
    state.save(net)
    say(f"up: {opts.name} ready at {net['url']} in {time.monotonic() - started:.1f}s")
    return net


def stop(name: str) -> str:
    """Stop network ``name``'s web server (only the process group devnet started)."""
    ndir = network_dir(name)
    prev = state.load_or_empty(name)
    if not prev:
        return "not running"
    return server.stop(ndir / "php.pid", int(prev["port"]))


def destroy(name: str) -> None:
    """Stop network ``name``, drop its database and user, and remove ``var/<name>/``."""
    say(f"server: {stop(name)}")
    prev = state.load_or_empty(name)
    db = prev.get("db", {"name": db_name(name), "user": db_name(name)})
    if mariadb.answers():
        mariadb.drop_database(db["name"], db["user"])
        say(f"mariadb: dropped database {db['name']} and user {db['user']}")
    else:
        say("mariadb: not answering, database left alone")
    shutil.rmtree(network_dir(name), ignore_errors=True)
    say(f"destroy: removed {network_dir(name)}")
