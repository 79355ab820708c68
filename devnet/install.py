"""Put WordPress into ``var/<name>/wordpress/`` and install the network in it.

Copies the pristine tree (links resolved), replaces Debian's wp-config.php with devnet's,
installs the devnet mu-plugin and a fresh copy of the shim, and runs the PHP bootstrap
phases (devnet/php/bootstrap.php), each in its own PHP process.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from devnet import fstree, wpconfig
from devnet.errors import DevnetError
from devnet.log import say
from devnet.paths import PHP_DIR, SHIM_DIR
from devnet.state import write_private
from devnet.wordpress_source import major_minor, tree_version

SHIM_FILE = "sidecar-shim/sidecar-shim.php"
MU_PLUGIN = "devnet.php"
SUNRISE_FILE = "sunrise.php"


def copy_wordpress(source: Path, wp_path: Path, wanted: str) -> str:
    """Copy the pristine tree ``source`` to ``wp_path`` unless a copy of ``wanted`` is there.

    Returns "reused" or "copied". Raises DevnetError when ``wp_path`` holds another
    WordPress version (destroy the network first) or links in ``source`` lead nowhere.
    """
    if (wp_path / "wp-includes" / "version.php").exists():
        found = tree_version(wp_path)
        if major_minor(found) != major_minor(wanted):
            raise DevnetError(
                f"{wp_path} holds WordPress {found}, not {wanted}: "
                "run `python -m devnet destroy` first"
            )
        return "reused"
    partial = wp_path.with_name(wp_path.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    skipped = fstree.copy_tree(source, partial)
    if skipped:
        raise DevnetError(f"links in {source} lead nowhere: {', '.join(skipped)}")
    (partial / "wp-config.php").unlink(missing_ok=True)
    (partial / ".htaccess").unlink(missing_ok=True)
    for sub in ("uploads", "mu-plugins", "plugins"):
        (partial / "wp-content" / sub).mkdir(parents=True, exist_ok=True)
    shutil.rmtree(wp_path, ignore_errors=True)
    partial.rename(wp_path)
    return "copied"


def install_mu_plugin(wp_path: Path) -> None:
    """Copy devnet's must-use plugin into ``wp-content/mu-plugins/``."""
    shutil.copy2(
        PHP_DIR / "mu-plugins" / MU_PLUGIN, wp_path / "wp-content" / "mu-plugins" / MU_PLUGIN
    )


def install_shim(wp_path: Path) -> str:
    """Replace ``wp-content/plugins/sidecar-shim/`` with a copy of ``wp-plugin-shim/``, and
    ``wp-content/sunrise.php`` (the domain-mapping drop-in, on with ``SUNRISE``) with its copy.

    Returns "copied", or "missing" when the repository has no shim (yet).
    """
    dest = wp_path / "wp-content" / "plugins" / "sidecar-shim"
    shutil.rmtree(dest, ignore_errors=True)
    if not SHIM_DIR.is_dir():
        return "missing"
    shutil.copytree(SHIM_DIR, dest, symlinks=False)
    if (SHIM_DIR / SUNRISE_FILE).is_file():
        shutil.copy2(SHIM_DIR / SUNRISE_FILE, wp_path / "wp-content" / SUNRISE_FILE)
    return "copied"


def write_config(net: dict, multisite: bool) -> bool:
    """Write the network's wp-config.php; return True when it changed."""
    return write_private(Path(net["wp_path"]) / "wp-config.php", wpconfig.render(net, multisite))


def run_phase(phase: str, payload: dict) -> dict:
    """Run one bootstrap phase in a new PHP process and return its JSON result.

    PHP warnings are passed on to stderr. Raises DevnetError when the phase fails.
    """
    with tempfile.TemporaryDirectory(prefix="devnet-") as tmp:
        inp, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        inp.write_text(json.dumps(payload))
        proc = subprocess.run(
            [
                "php",
                "-d",
                "display_errors=stderr",
                "-d",
                "log_errors=0",
                str(PHP_DIR / "bootstrap.php"),
                phase,
                str(inp),
                str(out),
            ],
            capture_output=True,
            text=True,
            cwd=payload["wp_path"],
        )
        noise = (proc.stdout + proc.stderr).strip()
        if proc.returncode != 0 or not out.exists():
            raise DevnetError(
                f"bootstrap phase {phase} failed (exit {proc.returncode}):\n{noise[-3000:]}"
            )
        if noise:
            say(f"php ({phase}) said:\n{noise[-3000:]}")
        return json.loads(out.read_text())
