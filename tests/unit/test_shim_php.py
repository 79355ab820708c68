"""The shim's own plain-PHP tests (signing, verification, `sc` sanitising) run under pytest."""

import subprocess
from pathlib import Path
from shutil import which

import pytest

SCRIPTS = sorted(Path("wp-plugin-shim/tests").glob("*-test.php"))


@pytest.mark.skipif(not which("php"), reason="php is not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_shim_php_script_passes(script):
    result = subprocess.run(["php", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_there_are_shim_scripts_to_run():
    assert len(SCRIPTS) >= 2
