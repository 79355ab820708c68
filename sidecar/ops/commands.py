"""The operator's commands of ``sidecar``: ``shim install|uninstall``, ``doctor``, ``import``.

Registered on the main group by ``sidecar/cli.py`` (``register(main)``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _settings():
    from ..cli import _settings as load

    return load()


@click.group()
def shim() -> None:
    """Install the shim into an existing network, or take it out."""


def _print_report(report) -> None:
    for step in report.steps:
        click.echo(step)
    if report.manual:
        click.echo("")
        for line in report.manual:
            click.echo(line)


_WP_PATH = click.option(
    "--wp-path",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="WordPress's folder (where wp-load.php is).",
)
_DRY_RUN = click.option("--dry-run", is_flag=True, help="Only say what would be done.")
_WRITE_CONFIG = click.option(
    "--write-config", is_flag=True, help="Edit wp-config.php (a backup is made first)."
)


@shim.command("install")
@_WP_PATH
@_DRY_RUN
@_WRITE_CONFIG
@click.option(
    "--shim-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The wp-plugin-shim folder to copy (default: the one beside this sidecar).",
)
def shim_install(wp_path: Path, dry_run: bool, write_config: bool, shim_dir: Path | None) -> None:
    """Copy the shim and sunrise.php into WordPress, add the wp-config.php constants (or print
    them) and network-activate the shim."""
    from .shim_install import InstallError, install
    from .wp_config import WpConfigError

    settings = _settings()
    try:
        report = install(
            settings,
            wp_path.resolve(),
            shim_dir=shim_dir,
            dry_run=dry_run,
            write_config=write_config,
        )
    except (InstallError, WpConfigError) as error:
        click.echo(f"shim install: {error}", err=True)
        sys.exit(1)
    _print_report(report)


@shim.command("uninstall")
@_WP_PATH
@_DRY_RUN
@_WRITE_CONFIG
def shim_uninstall(wp_path: Path, dry_run: bool, write_config: bool) -> None:
    """Deactivate and remove the shim and sunrise.php; with --write-config also remove the
    constants block from wp-config.php."""
    from .shim_install import InstallError, uninstall
    from .wp_config import WpConfigError

    settings = _settings()
    try:
        report = uninstall(settings, wp_path.resolve(), dry_run=dry_run, write_config=write_config)
    except (InstallError, WpConfigError) as error:
        click.echo(f"shim uninstall: {error}", err=True)
        sys.exit(1)
    _print_report(report)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def doctor(as_json: bool) -> None:
    """Check the installation end to end; exit 1 when any check fails."""
    from .doctor import run_checks

    results = run_checks(_settings())
    if as_json:
        click.echo(
            json.dumps(
                {"ok": all(r.ok for r in results), "checks": [r.as_dict() for r in results]},
                indent=2,
            )
        )
    else:
        for result in results:
            click.echo(result.line())
    sys.exit(0 if all(r.ok for r in results) else 1)


@click.group("import")
def import_group() -> None:
    """Bring data over from another system."""


@import_group.command("ultimate-multisite")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object.")
def import_ultimate_multisite(dry_run: bool, as_json: bool) -> None:
    """Import Ultimate Multisite's (WP Ultimo 2) products, discount codes, customers,
    memberships, payments and domains from its tables in this database. Safe to run again."""
    from ..cli import _database
    from ..domain.clock import utcnow
    from ..domain.import_ultimo import Skip, import_ultimate_multisite

    settings = _settings()
    with _database() as db:
        try:
            report = import_ultimate_multisite(
                db, settings.wordpress.network_id, utcnow(), dry_run=dry_run
            )
        except Skip as error:
            click.echo(f"import: {error}", err=True)
            sys.exit(1)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    for line in report.lines() or ["nothing to import"]:
        click.echo(line)
    if dry_run:
        click.echo("dry run: nothing was written")


import_group.add_command(import_ultimate_multisite, "ultimo")


def register(main: click.Group) -> None:
    """Add the operator's commands to the ``sidecar`` group."""
    main.add_command(shim)
    main.add_command(doctor)
    main.add_command(import_group)
