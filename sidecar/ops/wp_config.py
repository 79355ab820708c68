"""Read and edit ``wp-config.php``: the sidecar's constants in one marked block.

The block is inserted above WordPress's "That's all, stop editing!" line (or above the line that
loads ``wp-settings.php`` when that comment is gone), so the constants exist before WordPress
loads. Constants already defined elsewhere in the file are left alone and reported. Edits are
idempotent: a second run rewrites the same block.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

BEGIN = "/* BEGIN sidecar: written by `sidecar shim install` */"
END = "/* END sidecar */"
_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
_STOP_EDITING = re.compile(r"^.*That's all, stop editing.*$", re.M | re.I)
_WP_SETTINGS = re.compile(r"^.*require(_once)?.*wp-settings\.php.*$", re.M)


class WpConfigError(Exception):
    """wp-config.php cannot be found or edited safely; the message says why and what to do."""


@dataclass(frozen=True)
class ConfigPlan:
    """What an edit would do: the constants to write and those already defined by hand."""

    path: Path
    write: dict
    already: tuple[str, ...]
    text: str


def find(wp_path: Path) -> Path:
    """Return the wp-config.php WordPress uses (in ``wp_path`` or the folder above it).

    Raises WpConfigError when there is none.
    """
    for candidate in (wp_path / "wp-config.php", wp_path.parent / "wp-config.php"):
        if candidate.is_file():
            return candidate
    raise WpConfigError(
        f"no wp-config.php in {wp_path} or the folder above it: is --wp-path WordPress's folder?"
    )


def php_literal(value) -> str:
    """Return ``value`` as a PHP literal: booleans bare, the rest a single-quoted string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def define_line(name: str, value) -> str:
    """Return one ``define( 'NAME', value );`` line."""
    return f"define( '{name}', {php_literal(value)} );"


def defined_by_hand(text: str, name: str) -> bool:
    """Return True when ``text`` defines constant ``name`` outside the sidecar's block."""
    outside = _BLOCK.sub("", text)
    return re.search(r"define\s*\(\s*['\"]" + re.escape(name) + r"['\"]", outside) is not None


def _without_block(text: str) -> str:
    return _BLOCK.sub("", text)


def plan(path: Path, constants: dict) -> ConfigPlan:
    """Return the edited text with ``constants`` in the sidecar block (constants defined
    elsewhere in the file skipped). Raises WpConfigError when there is no place to put it."""
    text = path.read_text(encoding="utf-8")
    already = tuple(name for name in constants if defined_by_hand(text, name))
    write = {k: v for k, v in constants.items() if k not in already}
    base = _without_block(text)
    if not write:
        return ConfigPlan(path, write, already, base)
    block = "\n".join([BEGIN, *(define_line(k, v) for k, v in write.items()), END]) + "\n"
    anchor = _STOP_EDITING.search(base) or _WP_SETTINGS.search(base)
    if anchor is None:
        raise WpConfigError(
            f'{path} has neither the "That\'s all, stop editing!" line nor the line loading '
            "wp-settings.php: add the constants by hand (sidecar shim install prints them)"
        )
    return ConfigPlan(path, write, already, base[: anchor.start()] + block + base[anchor.start() :])


def has_block(path: Path) -> bool:
    """Return True when wp-config.php holds the sidecar's block."""
    return BEGIN in path.read_text(encoding="utf-8")


def without_block(path: Path) -> str:
    """Return wp-config.php's text without the sidecar's block."""
    return _without_block(path.read_text(encoding="utf-8"))


def backup(path: Path) -> Path:
    """Copy ``path`` to ``<path>.sidecar-backup-<UTC time>`` (mode kept); return the copy."""
    target = path.with_name(f"{path.name}.sidecar-backup-{time.strftime('%Y%m%d%H%M%S')}")
    shutil.copy2(path, target)
    return target


def write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, keeping its mode and owner where possible."""
    stat = path.stat()
    temp = path.with_name(path.name + ".sidecar-tmp")
    temp.write_text(text, encoding="utf-8")
    os.chmod(temp, stat.st_mode & 0o7777)
    with contextlib.suppress(PermissionError):
        os.chown(temp, stat.st_uid, stat.st_gid)
    os.replace(temp, path)
