"""The ``sidecar`` command.

sidecar check-config          check the configuration, one line per problem
sidecar migrate [--status]    apply (or list) pending migrations of the sidecar's tables
sidecar serve                 run the web app under gunicorn
sidecar apikey create NAME    create a JSON API key (printed once)
sidecar apikey list | revoke KEY_ID
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click

from .config import ConfigError, Settings, load_settings
from .wp_bridge.db import Database, DatabaseUnavailable, connect


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


def open_database(settings: Settings) -> Database:
    """Open a connection for scripts and jobs (the caller closes it)."""
    return connect(settings.database)


if __name__ == "__main__":
    main()
