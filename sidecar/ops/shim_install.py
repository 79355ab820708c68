"""``sidecar shim install|uninstall``: put the shim into an existing network, or take it out.

Install copies ``wp-plugin-shim/`` to ``wp-content/plugins/sidecar-shim/`` and ``sunrise.php`` to
``wp-content/``, writes (or prints) the wp-config.php constants, and network-activates the plugin
through WordPress (``activate_plugin`` in a PHP process, see wp_plugin_tool.php). Uninstall
deactivates it through WordPress, runs its uninstall.php, removes the constants block and the
files. Each step is reported as one line; a dry run only reports.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..config import Settings
from . import wp_config

PLUGIN_DIR = "sidecar-shim"
PLUGIN_FILE = f"{PLUGIN_DIR}/sidecar-shim.php"
SUNRISE = "sunrise.php"
SUNRISE_MARKER = "Sidecar domain mapping"
TOOL = Path(__file__).with_name("wp_plugin_tool.php")
# The shim version this sidecar speaks to; tests check it equals the plugin header's.
EXPECTED_SHIM_VERSION = "0.4.0"


class InstallError(Exception):
    """The install or uninstall cannot go on; the message says why and what to do."""


@dataclass
class Report:
    """The steps done (or, in a dry run, to do), and the lines a person must still add."""

    steps: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)


def default_shim_dir() -> Path:
    """Return the repository's ``wp-plugin-shim/`` folder (beside the ``sidecar`` package)."""
    return Path(__file__).resolve().parents[2] / "wp-plugin-shim"


def constants(settings: Settings) -> dict:
    """Return the wp-config.php constants the shim needs, in order."""
    return {
        "SIDECAR_URL": settings.sidecar.base_url,
        "SIDECAR_SECRET": settings.shim.secret,
        "SUNRISE": True,
    }


def _check_tree(wp_path: Path, shim_dir: Path) -> None:
    if not (wp_path / "wp-load.php").is_file() or not (wp_path / "wp-content").is_dir():
        raise InstallError(f"{wp_path} is not a WordPress folder (no wp-load.php / wp-content)")
    if not (shim_dir / "sidecar-shim.php").is_file():
        raise InstallError(f"{shim_dir} holds no sidecar-shim.php: give --shim-dir")


def _is_ours(sunrise: Path) -> bool:
    return sunrise.is_file() and SUNRISE_MARKER in sunrise.read_text(errors="replace")[:400]


def run_tool(wp_path: Path, site_url: str, action: str) -> dict:
    """Run wp_plugin_tool.php ACTION for the shim; return its JSON answer.

    Raises InstallError with PHP's message when it fails (php missing, WordPress broken).
    """
    parts = urlsplit(site_url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    try:
        proc = subprocess.run(
            [
                "php",
                "-d",
                "display_errors=stderr",
                str(TOOL),
                str(wp_path),
                host,
                path,
                action,
                PLUGIN_FILE,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=wp_path,
        )
    except FileNotFoundError:
        raise InstallError(
            "the php command is not installed (Debian: apt-get install php-cli)"
        ) from None
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        noise = (proc.stderr + proc.stdout).strip()[-1500:]
        raise InstallError(f"WordPress could not {action} the shim: {noise}")
    return json.loads(lines[-1])


def install(
    settings: Settings,
    wp_path: Path,
    *,
    shim_dir: Path | None = None,
    dry_run: bool = False,
    write_config: bool = False,
    tool: Callable[[Path, str, str], dict] = run_tool,
) -> Report:
    """Install and network-activate the shim in the WordPress at ``wp_path``.

    Raises InstallError (or wp_config.WpConfigError) before changing anything when the tree,
    the shim source, an unrelated sunrise.php or wp-config.php makes it unsafe.
    """
    shim_dir = shim_dir or default_shim_dir()
    _check_tree(wp_path, shim_dir)
    content = wp_path / "wp-content"
    sunrise = content / SUNRISE
    if sunrise.exists() and not _is_ours(sunrise):
        raise InstallError(
            f"{sunrise} belongs to another plugin (domain mapping?): remove or rename it first"
        )
    config = wp_config.find(wp_path)
    plan = wp_config.plan(config, constants(settings))
    report = Report()
    verb = "would copy" if dry_run else "copied"
    report.steps.append(f"{verb} {shim_dir} to {content / 'plugins' / PLUGIN_DIR}")
    report.steps.append(f"{verb} {SUNRISE} to {sunrise}")
    for name in plan.already:
        report.steps.append(f"{name} is already defined in {config}: left as it is")
    _config_steps(report, plan, config, dry_run, write_config)
    if dry_run:
        report.steps.append(f"would network-activate {PLUGIN_FILE} through WordPress")
        return report
    _copy_plugin(shim_dir, content)
    if write_config and plan.text != config.read_text(encoding="utf-8"):
        report.steps.append(f"backed up {config} to {wp_config.backup(config)}")
        wp_config.write(config, plan.text)
    answer = tool(wp_path, settings.wordpress.url, "activate")
    state = "network-activated" if answer["did"] == "activated" else "already network-active"
    report.steps.append(f"{PLUGIN_FILE} {answer['version']}: {state}")
    return report


def _config_steps(report: Report, plan, config: Path, dry_run: bool, write_config: bool) -> None:
    lines = [wp_config.define_line(k, v) for k, v in plan.write.items()]
    if not lines:
        return
    if write_config:
        names = ", ".join(plan.write)
        if plan.text == config.read_text(encoding="utf-8"):
            report.steps.append(f"{names} already in {config}: unchanged")
            return
        verb = "would add" if dry_run else "added"
        report.steps.append(f"{verb} {names} to {config} (backed up first)")
    else:
        report.manual.append(f'Add to {config}, above "That\'s all, stop editing!":')
        report.manual.extend(lines)


def _copy_plugin(shim_dir: Path, content: Path) -> None:
    dest = content / "plugins" / PLUGIN_DIR
    temp = dest.with_name(PLUGIN_DIR + ".sidecar-new")
    shutil.rmtree(temp, ignore_errors=True)
    shutil.copytree(shim_dir, temp, ignore=shutil.ignore_patterns("tests", ".*"))
    shutil.rmtree(dest, ignore_errors=True)
    temp.rename(dest)
    source = shim_dir / SUNRISE
    target = content / SUNRISE
    if not target.exists() or not filecmp.cmp(source, target, shallow=False):
        shutil.copy2(source, target)


def uninstall(
    settings: Settings,
    wp_path: Path,
    *,
    dry_run: bool = False,
    write_config: bool = False,
    tool: Callable[[Path, str, str], dict] = run_tool,
) -> Report:
    """Deactivate the shim through WordPress (its uninstall.php runs), remove the sidecar block
    from wp-config.php (with ``write_config``; else say which lines to remove), the plugin and
    our sunrise.php. Raises InstallError when WordPress refuses."""
    content = wp_path / "wp-content"
    if not (wp_path / "wp-load.php").is_file():
        raise InstallError(f"{wp_path} is not a WordPress folder (no wp-load.php)")
    config = wp_config.find(wp_path)
    plugin = content / "plugins" / PLUGIN_DIR
    sunrise = content / SUNRISE
    report = Report()
    if dry_run:
        report.steps.append(f"would deactivate {PLUGIN_FILE} through WordPress and uninstall it")
    elif plugin.is_dir():
        answer = tool(wp_path, settings.wordpress.url, "uninstall")
        report.steps.append(f"{PLUGIN_FILE}: {answer['did']}")
    _unconfig(report, config, dry_run, write_config)
    verb = "would remove" if dry_run else "removed"
    if plugin.is_dir():
        report.steps.append(f"{verb} {plugin}")
        if not dry_run:
            shutil.rmtree(plugin)
    if _is_ours(sunrise):
        report.steps.append(f"{verb} {sunrise}")
        if not dry_run:
            sunrise.unlink()
    return report


def _unconfig(report: Report, config: Path, dry_run: bool, write_config: bool) -> None:
    if not wp_config.has_block(config):
        for name in ("SIDECAR_URL", "SIDECAR_SECRET", "SUNRISE"):
            if wp_config.defined_by_hand(config.read_text(encoding="utf-8"), name):
                report.manual.append(f"Remove the {name} line from {config} by hand")
        return
    if not write_config:
        report.manual.append(
            f"Remove the lines from {wp_config.BEGIN} to {wp_config.END} in {config} "
            "(or rerun with --write-config)"
        )
        return
    if dry_run:
        report.steps.append(f"would remove the sidecar block from {config} (backed up first)")
        return
    report.steps.append(f"backed up {config} to {wp_config.backup(config)}")
    wp_config.write(config, wp_config.without_block(config))
    report.steps.append(f"removed the sidecar block from {config}")
