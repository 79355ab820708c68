"""``sidecar doctor``: check the installation end to end, each check OK or a problem + its fix.

Checks run in order; one whose prerequisite failed (e.g. everything needing the database when it
is unreachable) is reported as skipped. ``ok`` is False for a failure, None for a skip.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import requests

from ..config import Settings
from ..store import heartbeats
from ..store.migrate import pending
from ..wp_bridge import server
from ..wp_bridge.db import Database, DatabaseUnavailable, connect
from ..wp_bridge.rest import RestAuthError, RestClient, RestError, RestNotFound
from ..wp_bridge.shim import ShimClient
from ..wp_bridge.tables.sites import count_sites
from .shim_install import EXPECTED_SHIM_VERSION

REQUIRED_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "INDEX")
HEARTBEAT_PROCESS = "jobs"
HEARTBEAT_STALE = timedelta(minutes=3)
TABLES_PER_SITE = 2  # hot tables per site WordPress and the sweep keep open (posts, options)
TABLE_CACHE_BASE = 200  # global tables, the sidecar's own, headroom


@dataclass(frozen=True)
class CheckResult:
    """One check: ``ok`` True/False/None (skipped), a plain sentence, and the fix."""

    name: str
    ok: bool | None
    message: str
    fix: str = ""

    def line(self) -> str:
        """Return the check as text: ``OK``/``FAIL``/``SKIP``, name, message, fix."""
        label = {True: "OK  ", False: "FAIL", None: "SKIP"}[self.ok]
        text = f"{label}  {self.name}: {self.message}"
        return text + (f"\n      fix: {self.fix}" if self.fix and self.ok is False else "")

    def as_dict(self) -> dict:
        """Return the check as a JSON-ready dict."""
        return asdict(self)


@dataclass
class Probe:
    """What the checks share: settings, the database (None when unreachable), the ping."""

    settings: Settings
    db: Database | None = None
    ping: dict | None = None
    ping_error: RestError | None = None
    wordpress_up: bool = False
    now: datetime | None = None


def _ok(name: str, message: str) -> CheckResult:
    return CheckResult(name, True, message)


def _fail(name: str, message: str, fix: str) -> CheckResult:
    return CheckResult(name, False, message, fix)


def _skip(name: str, message: str) -> CheckResult:
    return CheckResult(name, None, message)


def check_database(probe: Probe) -> CheckResult:
    """The database answers with the configured user."""
    cfg = probe.settings.database
    if probe.db is None:
        try:
            probe.db = connect(cfg)
        except DatabaseUnavailable as error:
            return _fail(
                "database",
                f"cannot connect to {cfg.name} on {cfg.host}:{cfg.port} as {cfg.user}: {error}",
                "check [database] host, port, user, password and name, and that MariaDB runs",
            )
    return _ok("database", f"connected to {cfg.name} on {cfg.host}:{cfg.port} as {cfg.user}")


def check_privileges(probe: Probe) -> CheckResult:
    """The database user may read, write and change the sidecar's tables."""
    name = server.database_name(probe.db)
    found = server.privileges_on(server.grants(probe.db), name)
    missing = [] if "ALL" in found else [p for p in REQUIRED_PRIVILEGES if p not in found]
    user = probe.settings.database.user
    if missing:
        return _fail(
            "privileges",
            f"the database user {user} lacks {', '.join(missing)} on {name}",
            f"as MariaDB's root: GRANT {', '.join(REQUIRED_PRIVILEGES)} ON `{name}`.* TO "
            f"'{user}'@'<its host>';",
        )
    return _ok("privileges", f"{user} has {', '.join(REQUIRED_PRIVILEGES)} on {name}")


def check_migrations(probe: Probe) -> CheckResult:
    """Every migration of this version of the sidecar is applied."""
    todo = pending(probe.db)
    if todo:
        names = ", ".join(f"{m.version:04d}_{m.name}" for m in todo)
        return _fail("migrations", f"{len(todo)} pending: {names}", "run `sidecar migrate`")
    return _ok("migrations", "up to date")


def check_wordpress(probe: Probe) -> CheckResult:
    """WordPress answers at ``wordpress.url`` with its REST API."""
    url = probe.settings.wordpress.url
    try:
        response = requests.get(
            url.rstrip("/") + "/",
            params={"rest_route": "/"},
            timeout=probe.settings.wordpress.timeout,
            allow_redirects=False,
        )
        body = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError) as error:
        return _fail(
            "wordpress",
            f"WordPress does not answer at {url} ({error.__class__.__name__})",
            "check [wordpress] url and that the network's web server runs and is reachable "
            "from this machine",
        )
    if not isinstance(body, dict) or "namespaces" not in body:
        return _fail(
            "wordpress",
            f"{url} answers HTTP {response.status_code}, not WordPress's REST API",
            "set [wordpress] url to the network's main address (the main site's home URL)",
        )
    probe.wordpress_up = True
    return _ok("wordpress", f"{body.get('name') or 'WordPress'} answers at {url}")


def check_rest_auth(probe: Probe) -> CheckResult:
    """The REST user's Application Password is accepted."""
    if not probe.wordpress_up:
        return _skip("rest_auth", "not checked: WordPress does not answer")
    wp = probe.settings.wordpress
    client = RestClient(wp.url, auth=(wp.rest_user, wp.app_password), timeout=wp.timeout)
    try:
        me = client.get("/wp/v2/users/me", params={"context": "edit"})
    except RestAuthError:
        return _fail(
            "rest_auth",
            f"WordPress refuses the Application Password of {wp.rest_user}",
            f"log in as {wp.rest_user}, Users → Profile → Application Passwords → add one, "
            "and put it in SIDECAR_WORDPRESS_APP_PASSWORD",
        )
    except RestError as error:
        return _fail("rest_auth", f"the REST API failed: {error}", "see WordPress's error log")
    return _ok("rest_auth", f"REST calls work as {me.get('username') or wp.rest_user}")


def _ping(probe: Probe) -> None:
    wp = probe.settings.wordpress
    client = ShimClient(
        RestClient(wp.url, timeout=wp.timeout), probe.settings.shim.secret, wp.network_id
    )
    try:
        probe.ping = client.ping()
    except RestError as error:
        probe.ping_error = error


def check_shim(probe: Probe) -> CheckResult:
    """The shim is network-active and of the version this sidecar expects."""
    if not probe.wordpress_up:
        return _skip("shim", "not checked: WordPress does not answer")
    _ping(probe)
    install = "run `sidecar shim install --wp-path <WordPress folder>`"
    if isinstance(probe.ping_error, RestNotFound):
        return _fail(
            "shim",
            "the shim is not active: WordPress has no sidecar/v1 routes",
            f'Network Admin → Plugins → Network Activate "Sidecar Shim", or {install}',
        )
    if probe.ping_error is not None and not isinstance(probe.ping_error, RestAuthError):
        return _fail("shim", f"the shim's ping failed: {probe.ping_error}", "see WordPress's log")
    if probe.ping is None:
        return _ok("shim", "active (it answered; version not known until the secret matches)")
    version = str(probe.ping.get("shim_version", ""))
    if version != EXPECTED_SHIM_VERSION:
        return _fail(
            "shim",
            f"the shim is version {version}, this sidecar expects {EXPECTED_SHIM_VERSION}",
            f"install the matching shim: {install}",
        )
    return _ok("shim", f"version {version} active on WordPress {probe.ping.get('wp_version')}")


def check_secret(probe: Probe) -> CheckResult:
    """A signed round trip to the shim succeeds: both sides hold the same secret."""
    if probe.ping is not None:
        return _ok("secret", "a signed round trip to the shim succeeded")
    error = probe.ping_error
    if not isinstance(error, RestAuthError):
        return _skip("secret", "not checked: the shim does not answer")
    if error.code == "sidecar_not_configured":
        return _fail(
            "secret",
            "SIDECAR_SECRET is missing in wp-config.php (or shorter than 32 characters)",
            "add define( 'SIDECAR_SECRET', '…the value of shim.secret…' ); to wp-config.php, "
            "or run `sidecar shim install --write-config`",
        )
    return _fail(
        "secret",
        f"the shim refused our signed request ({error.code}): the secrets differ",
        "make shim.secret (SIDECAR_SHIM_SECRET) equal to SIDECAR_SECRET in wp-config.php",
    )


def check_sunrise(probe: Probe) -> CheckResult:
    """When domain mapping is on, WordPress loads the sunrise.php drop-in."""
    from ..domain.domain_settings import get_settings

    if not get_settings(probe.db, probe.settings.wordpress.network_id).enabled:
        return _ok("sunrise", "domain mapping is off: sunrise.php not needed")
    if probe.ping is None:
        return _skip("sunrise", "not checked: no signed answer from the shim")
    if not probe.ping.get("sunrise"):
        return _fail(
            "sunrise",
            "domain mapping is on but WordPress does not load sunrise.php",
            "copy wp-plugin-shim/sunrise.php to wp-content/sunrise.php and add "
            "define( 'SUNRISE', true ); to wp-config.php (`sidecar shim install` does both)",
        )
    return _ok("sunrise", "sunrise.php is loaded")


def check_dns(probe: Probe) -> CheckResult:
    """When domain mapping is on, the DNS resolver the checks use answers."""
    from ..domain.dns_check import DnsUnavailable, make_resolver, txt_values
    from ..domain.domain_settings import get_settings

    domains = get_settings(probe.db, probe.settings.wordpress.network_id)
    if not domains.enabled:
        return _ok("dns", "domain mapping is off: no DNS checks")
    host, port = domains.resolver_host_port
    where = f"{host}:{port}" if host else "the system's resolver"
    try:
        txt_values(make_resolver(host, port), "_sidecar-doctor.example.com")
    except DnsUnavailable as error:
        return _fail(
            "dns",
            f"{where} does not answer: {error}",
            "Network Admin → Sidecar → Domains → Settings: set a reachable resolver "
            "(or fix /etc/resolv.conf)",
        )
    return _ok("dns", f"{where} answers")


def check_jobs(probe: Probe) -> CheckResult:
    """The jobs process wrote a heartbeat within the last few minutes."""
    row = heartbeats.latest(probe.db, HEARTBEAT_PROCESS)
    fix = "start it: `sidecar jobs` (systemd: systemctl start sidecar-jobs)"
    if row is None:
        return _fail("jobs", "the jobs process has never run (no heartbeat)", fix)
    now = probe.now or datetime.now(UTC).replace(tzinfo=None)
    age = now - row["beat_at"]
    where = f"{row['host']} (pid {row['pid']})"
    if age > HEARTBEAT_STALE:
        minutes = int(age.total_seconds() // 60)
        return _fail("jobs", f"no heartbeat for {minutes} minutes; last from {where}", fix)
    return _ok("jobs", f"alive on {where}, last heartbeat {int(age.total_seconds())}s ago")


def table_cache_needed(sites: int) -> int:
    """Return the smallest table_open_cache / table_definition_cache for ``sites`` sites."""
    return TABLES_PER_SITE * sites + TABLE_CACHE_BASE


def check_table_cache(probe: Probe) -> CheckResult:
    """MariaDB's table caches are large enough for the number of sites."""
    sites = count_sites(probe.db, probe.settings.wordpress.network_id)
    needed = table_cache_needed(sites)
    names = ["table_open_cache", "table_definition_cache"]
    values = server.global_variables(probe.db, names)
    low = [f"{n} = {values.get(n, '?')}" for n in names if int(values.get(n, 0)) < needed]
    if low:
        return _fail(
            "table_cache",
            f"{', '.join(low)} is too small for {sites} sites (at least {needed})",
            f"in my.cnf [mysqld]: table_open_cache = {max(needed, 4 * sites)} and "
            f"table_definition_cache = {max(needed, 4 * sites)} (or SET GLOBAL …); "
            "see docs/operations.md",
        )
    shown = ", ".join(f"{n} = {values[n]}" for n in names)
    return _ok("table_cache", f"{shown}: enough for {sites} sites")


DB_CHECKS: tuple[Callable[[Probe], CheckResult], ...] = (
    check_privileges,
    check_migrations,
)
LATE_DB_CHECKS: tuple[Callable[[Probe], CheckResult], ...] = (
    check_sunrise,
    check_dns,
    check_jobs,
    check_table_cache,
)


def run_checks(
    settings: Settings, *, db: Database | None = None, now: datetime | None = None
) -> list[CheckResult]:
    """Run every check in order; return their results. Uses ``db`` when given (tests), else
    opens (and closes) its own connection."""
    probe = Probe(settings, db=db, now=now)
    own = db is None
    try:
        results = [check_database(probe)]
        reachable = results[0].ok
        results += [_run(c, probe, reachable) for c in DB_CHECKS]
        results += [check_wordpress(probe)]
        results += [check_rest_auth(probe), check_shim(probe), check_secret(probe)]
        results += [_run(c, probe, reachable) for c in LATE_DB_CHECKS]
        return results
    finally:
        if own and probe.db is not None:
            probe.db.close()


def _run(check: Callable[[Probe], CheckResult], probe: Probe, reachable: bool) -> CheckResult:
    name = check.__name__.removeprefix("check_")
    if not reachable:
        return _skip(name, "not checked: the database is unreachable")
    try:
        return check(probe)
    except DatabaseUnavailable as error:
        return _fail(name, f"the database failed: {error}", "check MariaDB's error log")
