"""The ``sidecar`` command.

sidecar check-config          check the configuration, one line per problem
sidecar migrate [--status]    apply (or list) pending migrations of the sidecar's tables
sidecar serve                 run the web app under gunicorn
sidecar apikey create NAME    create a JSON API key (printed once)
sidecar apikey list | revoke KEY_ID
sidecar jobs                  run the scheduler (its own process)
sidecar job list | run NAME   list the scheduled jobs, or run one (or all) now
sidecar demo seed             demo catalog and memberships (local networks only)
sidecar sweep [--site N] [--shard i/n]   measure usage and publish limits now
sidecar templates work ID     run (or recover) one template switch: the detached worker
sidecar templates cleanup     recover dead switches, drop orphan staging and expired backups
sidecar shim install|uninstall --wp-path P   put the shim into a network, or take it out
sidecar doctor [--json]       check the installation end to end
sidecar import ultimate-multisite [--dry-run]   bring Ultimate Multisite's data over
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click

from .config import ConfigError, Settings, load_settings
from .wp_bridge.db import DatabaseUnavailable, connect


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        for line in error.problems:
            click.echo(f"config: {line}", err=True)
        sys.exit(2)


@contextmanager
def _database():
    settings = _settings()
    try:
        db = connect(settings.database)
    except DatabaseUnavailable as error:
        click.echo(f"database: {error}", err=True)
        sys.exit(3)
    try:
        yield db
    finally:
        db.close()


@click.group()
def main() -> None:
    """Sidecar for WordPress multisite networks."""


@main.command("check-config")
def check_config() -> None:
    """Check the configuration file and environment; exit 2 on any problem."""
    settings = _settings()
    click.echo(
        f"config OK: database {settings.database.name}@{settings.database.host}, "
        f"WordPress {settings.wordpress.url}"
    )


@main.command()
@click.option("--status", is_flag=True, help="Only list pending migrations.")
def migrate(status: bool) -> None:
    """Apply pending migrations of the sidecar's own tables."""
    from .store.migrate import MigrationError, pending
    from .store.migrate import migrate as run

    with _database() as db:
        if status:
            todo = pending(db)
            for m in todo:
                click.echo(f"pending {m.version:04d}_{m.name}")
            click.echo("up to date" if not todo else f"{len(todo)} pending")
            return
        try:
            done = run(db)
        except MigrationError as error:
            click.echo(f"migrate: {error}", err=True)
            sys.exit(1)
    for m in done:
        click.echo(f"applied {m.version:04d}_{m.name}")
    click.echo("up to date" if not done else f"{len(done)} applied")


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=4, show_default=True, type=int)
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve(bind: str, workers: int, gunicorn_args: tuple[str, ...]) -> None:
    """Run the web app with gunicorn (the configuration is checked first)."""
    _settings()
    argv = [
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        str(workers),
        *gunicorn_args,
        "sidecar.wsgi:app",
    ]
    os.execvp(argv[0], argv)


@main.group()
def apikey() -> None:
    """Manage keys for the JSON API."""


@apikey.command("create")
@click.argument("name")
def apikey_create(name: str) -> None:
    """Create a key; it is printed once and stored only as a hash."""
    from .domain.api_keys import create_key

    with _database() as db:
        click.echo(create_key(db, name))


@apikey.command("list")
def apikey_list() -> None:
    """List keys (never their secrets)."""
    from .store.api_keys import list_all

    with _database() as db:
        for row in list_all(db):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            click.echo(f"{row.key_id}  {row.name}  created {row.created_at:%Y-%m-%d}  {state}")


@apikey.command("revoke")
@click.argument("key_id")
def apikey_revoke(key_id: str) -> None:
    """Revoke a key by its id (the 12 characters after ``sk_``)."""
    from .store.api_keys import revoke

    with _database() as db:
        if not revoke(db, key_id):
            click.echo(f"no active key {key_id}", err=True)
            sys.exit(1)
    click.echo(f"revoked {key_id}")


@main.command()
def jobs() -> None:
    """Run the scheduler (every job of the registry at its interval) in this process."""
    from .jobs.scheduler import run_forever
    from .logging_setup import configure_from_settings

    settings = _settings()
    configure_from_settings(settings)
    run_forever(settings)


@main.group()
def job() -> None:
    """List or run scheduled jobs by hand."""


@job.command("list")
def job_list() -> None:
    """List the scheduled jobs."""
    from .jobs.registry import JOBS

    for entry in JOBS:
        setting = f" (default; [{entry.setting.replace('.', '] ')})" if entry.setting else ""
        click.echo(
            f"{entry.name:28} every {entry.every_minutes:3d} min  {entry.description}{setting}"
        )


@job.command("run")
@click.argument("name")
def job_run(name: str) -> None:
    """Run one job now (NAME from `sidecar job list`, or `all`)."""
    from .jobs.registry import JOBS, find
    from .jobs.runner import run_job

    settings = _settings()
    try:
        selected = JOBS if name == "all" else (find(name),)
    except KeyError:
        click.echo(f"no job {name}; see `sidecar job list`", err=True)
        sys.exit(2)
    for entry in selected:
        count = run_job(settings, entry)
        click.echo(
            f"{entry.name}: "
            + ("skipped (running elsewhere)" if count is None else f"{count} changed")
        )


@main.group()
def demo() -> None:
    """Demo data for a local network."""


@demo.command("seed")
def demo_seed() -> None:
    """Create the demo catalog and a paid membership for each customer site without one."""
    from .context import Clients
    from .domain.billing_context import billing_context
    from .domain.demo import seed_demo
    from .wp_bridge import WordPress

    settings = _settings()
    clients = Clients(settings)
    with _database() as db:
        wp = WordPress(db, clients.rest, clients.shim, settings.wordpress.network_id)
        for line in seed_demo(wp, billing_context(settings)) or ["nothing to add"]:
            click.echo(line)


@main.command()
@click.option("--site", type=int, help="Sweep only this blog id.")
@click.option("--shard", default="1/1", show_default=True, help="Sweep only shard i of n.")
@click.option("--no-progress", is_flag=True, help="No progress bar (e.g. in cron logs).")
def sweep(site: int | None, shard: str, no_progress: bool) -> None:
    """Measure usage of every site (posts, users, disk, visits) and publish changed limits."""
    from tqdm import tqdm

    from .domain.clock import utcnow
    from .domain.sweep import parse_shard, sites_to_sweep
    from .domain.sweep import sweep as run_sweep
    from .errors import NotFound
    from .jobs.limits_jobs import sweep_options, wordpress

    try:
        parts = parse_shard(shard)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None
    settings = _settings()
    with _database() as db:
        options = sweep_options(settings, db, shard=parts)
        total = 1 if site else sites_to_sweep(db, options)
        reader = connect(settings.database)  # reads the next batch ahead
        with tqdm(total=total, unit="site", disable=no_progress) as bar:
            try:
                report = run_sweep(
                    wordpress(settings, db),
                    options,
                    utcnow(),
                    only_site=site,
                    progress=bar.update,
                    reader=reader,
                )
            except NotFound as error:
                click.echo(f"sweep: {error.message}", err=True)
                sys.exit(2)
            finally:
                reader.close()
    disk = "" if options.uploads_dir else " (disk not measured: set wordpress.uploads_dir)"
    click.echo(
        f"{report.sites} sites in {report.seconds:.1f}s, {report.published} published, "
        f"{report.full_disk_walks} full disk walks, {report.cache_failures} cache clears failed"
        + disk
    )


from .ops.commands import register as _register_ops  # noqa: E402 - needs `main` defined

_register_ops(main)


@main.group()
def templates() -> None:
    """Site template switches."""


@templates.command("work")
@click.argument("switch_id", type=int)
def templates_work(switch_id: int) -> None:
    """Run (or finish after a crash) template switch SWITCH_ID; started by the web app."""
    from .domain.switch_worker import run
    from .jobs.template_jobs import cache_clearer
    from .logging_setup import configure_from_settings

    settings = _settings()
    configure_from_settings(settings)
    with _database() as db:
        try:
            state = run(settings, db, switch_id, cache_clearer(settings))
        except KeyError:
            click.echo(f"no template switch {switch_id}", err=True)
            sys.exit(2)
    click.echo(f"template switch {switch_id}: {state}")
    sys.exit(0 if state in ("done", "busy") else 1)


@templates.command("cleanup")
def templates_cleanup() -> None:
    """Recover dead switches, remove orphan staging copies, delete expired backups."""
    from .domain.clock import utcnow
    from .domain.switch_worker import drop_expired_backups
    from .jobs.template_jobs import startup_cleanup

    settings = _settings()
    startup_cleanup(settings)
    with _database() as db:
        dropped = drop_expired_backups(settings, db, utcnow())
    click.echo(f"{len(dropped)} expired backups deleted")


if __name__ == "__main__":
    main()
