"""Configuration: every required key missing or malformed gives one clear line naming it."""

import subprocess
import sys
from pathlib import Path

import pytest

from sidecar.config import ConfigError, load_settings

SECRET = "s" * 40
VALID = {
    "SIDECAR_DATABASE_HOST": "127.0.0.1",
    "SIDECAR_DATABASE_PORT": "3306",
    "SIDECAR_DATABASE_USER": "wp",
    "SIDECAR_DATABASE_NAME": "wordpress",
    "SIDECAR_WORDPRESS_URL": "http://127.0.0.1:8080/",
    "SIDECAR_WORDPRESS_APP_PASSWORD": "abcd efgh",
    "SIDECAR_SHIM_SECRET": SECRET,
    "SIDECAR_SIDECAR_BASE_URL": "http://127.0.0.1:8000",
    "SIDECAR_SIDECAR_SECRET_KEY": SECRET,
}


def problems(environ, path="/nonexistent-default.toml"):
    with pytest.raises(ConfigError) as caught:
        load_settings(path=None, environ={"SIDECAR_CONFIG": "", **environ})
    return caught.value.problems


def test_valid_environment_builds_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ=VALID)
    assert settings.database.port == 3306
    assert settings.database.table_prefix == "wp_"
    assert settings.wordpress.rest_user == "admin"
    assert SECRET not in repr(settings)


@pytest.mark.parametrize("variable", sorted(k for k in VALID if k != "SIDECAR_DATABASE_PORT"))
def test_each_required_key_missing_is_named(variable, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    environ = {k: v for k, v in VALID.items() if k != variable}
    lines = problems(environ)
    section, key = variable.removeprefix("SIDECAR_").lower().split("_", 1)
    if section == "sidecar":
        key = key.removeprefix("sidecar_")
    assert len(lines) == 1
    assert lines[0].startswith(f"{section}.{key}: is required")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SIDECAR_DATABASE_PORT", "99999", "database.port: must be an integer between 1 and 65535"),
        ("SIDECAR_DATABASE_PORT", "abc", "database.port: must be an integer between 1 and 65535"),
        ("SIDECAR_DATABASE_TABLE_PREFIX", "wp;drop", "database.table_prefix: must be letters"),
        ("SIDECAR_WORDPRESS_URL", "ftp://x", "wordpress.url: must be an absolute http(s) URL"),
        ("SIDECAR_WORDPRESS_URL", "not a url", "wordpress.url: must be an absolute http(s) URL"),
        ("SIDECAR_WORDPRESS_TIMEOUT", "0", "wordpress.timeout: must be a number of seconds"),
        ("SIDECAR_SHIM_SECRET", "short", "shim.secret: must be a shared secret"),
        ("SIDECAR_SIDECAR_SECRET_KEY", "short", "sidecar.secret_key: must be a random secret"),
        ("SIDECAR_SIDECAR_LOG_LEVEL", "LOUD", "sidecar.log_level: must be one of"),
    ],
)
def test_malformed_key_is_named(variable, value, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = problems({**VALID, variable: value})
    assert len(lines) == 1
    assert lines[0].startswith(expected)


def test_file_values_and_unknown_keys(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[database]\nhost = "db"\nprot = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(str(config), environ={})
    assert "database.prot: unknown key" in caught.value.problems
    assert any(line.startswith("shim.secret: is required") for line in caught.value.problems)


def test_explicit_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(str(tmp_path / "missing.toml"), environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("[database\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(str(broken), environ={})


def test_example_config_documents_every_key():
    from sidecar.config import SettingsSchema

    text = Path("config.example.toml").read_text()
    for section, nested in SettingsSchema._declared_fields.items():
        assert f"[{section}]" in text
        for key in nested.nested._declared_fields:
            assert f"\n{key} = " in text, f"{section}.{key} missing from config.example.toml"


def test_cli_exits_non_zero_with_one_line_per_problem(tmp_path):
    env = {k: v for k, v in VALID.items() if k != "SIDECAR_SHIM_SECRET"}
    env["SIDECAR_DATABASE_PORT"] = "0"
    result = subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "check-config"],
        env={**env, "PATH": "/usr/bin:/bin", "PYTHONPATH": "."},
        cwd=".",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "config: database.port: must be an integer between 1 and 65535",
        "config: shim.secret: is required (must be a shared secret (the same as SIDECAR_SECRET"
        " in wp-config.php) of at least 32 characters)",
    ]
