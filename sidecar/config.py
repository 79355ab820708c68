"""Settings: a TOML file plus ``SIDECAR_<SECTION>_<KEY>`` environment overrides → frozen Settings.

The file is read from ``SIDECAR_CONFIG`` (default ``./config.toml``). Every key can be overridden
by an environment variable named after its section and key, e.g. ``SIDECAR_DATABASE_PASSWORD`` or
``SIDECAR_SHIM_SECRET`` — that is how secrets should reach production. Validation reports every
problem at once, one line per key (``database.port: must be an integer between 1 and 65535``), so
an operator fixes a broken file in one pass.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates

DEFAULT_CONFIG_PATH = "config.toml"
ENV_PREFIX = "SIDECAR_"
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """The configuration cannot be used; ``problems`` holds one readable line per bad key."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DatabaseSettings:
    host: str
    port: int
    user: str
    name: str
    table_prefix: str
    tls: str = "off"
    tls_ca: str = ""
    lock_wait_seconds: int = 15
    password: str = field(default="", repr=False)


@dataclass(frozen=True)
class WordPressSettings:
    url: str
    network_id: int
    rest_user: str
    timeout: float
    app_password: str = field(default="", repr=False)
    uploads_dir: str = ""


@dataclass(frozen=True)
class ShimSettings:
    secret: str = field(repr=False)


@dataclass(frozen=True)
class SidecarSettings:
    base_url: str
    log_level: str
    secret_key: str = field(repr=False)
    log_format: str = "text"


@dataclass(frozen=True)
class BillingSettings:
    seller_name: str = "Your network"
    seller_address: str = ""
    seller_email: str = ""
    tax_rate: str = "0"
    invoice_due_days: int = 14
    renewal_days_before: int = 7
    grace_days: int = 7


@dataclass(frozen=True)
class SecuritySettings:
    password_min_length: int = 10
    lock_after_failures: int = 5
    lock_window_minutes: int = 15
    lock_minutes: int = 30


@dataclass(frozen=True)
class LimitsSettings:
    sweep_minutes: int = 15
    clear_caches: bool = True


@dataclass(frozen=True)
class TemplatesSettings:
    backup_days: int = 7
    media_hardlinks: bool = False


@dataclass(frozen=True)
class MetricsSettings:
    allow_from: str = "127.0.0.1, ::1"
    token: str = field(default="", repr=False)


@dataclass(frozen=True)
class EventsSettings:
    retention_days: int = 365


@dataclass(frozen=True)
class WebhooksSettings:
    timeout_seconds: int = 10
    max_attempts: int = 8


@dataclass(frozen=True)
class Settings:
    database: DatabaseSettings
    wordpress: WordPressSettings
    shim: ShimSettings
    sidecar: SidecarSettings
    billing: BillingSettings = BillingSettings()
    limits: LimitsSettings = LimitsSettings()
    security: SecuritySettings = SecuritySettings()
    templates: TemplatesSettings = TemplatesSettings()
    metrics: MetricsSettings = MetricsSettings()
    events: EventsSettings = EventsSettings()
    webhooks: WebhooksSettings = WebhooksSettings()


def _required(message: str) -> dict:
    return {"required": f"is required ({message})", "invalid": message, "null": message}


def _bool_field(default: bool) -> fields.Boolean:
    return fields.Boolean(load_default=default, error_messages={"invalid": "must be true or false"})


def _int_field(low: int, high: int, **kwargs) -> fields.Integer:
    message = f"must be an integer between {low} and {high}"
    return fields.Integer(
        strict=False,
        validate=validate.Range(low, high, error=message),
        error_messages=_required(message),
        **kwargs,
    )


def _text_field(message: str, **kwargs) -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, error=message), error_messages=_required(message), **kwargs
    )


def _secret_field(what: str) -> fields.String:
    message = f"must be a {what} of at least {MIN_SECRET_LENGTH} characters"
    return fields.String(
        required=True,
        validate=validate.Length(min=MIN_SECRET_LENGTH, error=message),
        error_messages=_required(message),
    )


def _url_field() -> fields.Url:
    message = "must be an absolute http(s) URL"
    return fields.Url(
        required=True,
        require_tld=False,
        schemes={"http", "https"},
        error_messages=_required(message),
    )


class _Section(Schema):
    class Meta:
        unknown = RAISE


class DatabaseSchema(_Section):
    host = _text_field("must be a host name or IP address", required=True)
    port = _int_field(1, 65535, load_default=3306)
    user = _text_field("must be a database user name", required=True)
    password = fields.String(load_default="", error_messages=_required("must be a string"))
    name = _text_field("must be a database name", required=True)
    table_prefix = fields.String(
        load_default="wp_",
        validate=validate.Regexp(
            r"^[A-Za-z0-9_]{1,20}$", error="must be letters, digits and underscores (e.g. wp_)"
        ),
    )

    tls = fields.String(
        load_default="off",
        validate=validate.OneOf(
            ["off", "require", "verify"], error="must be one of off, require, verify"
        ),
    )
    tls_ca = fields.String(load_default="")
    lock_wait_seconds = _int_field(1, 3600, load_default=15)

    @post_load
    def build(self, data, **_):
        return DatabaseSettings(**data)


class WordPressSchema(_Section):
    url = _url_field()
    network_id = _int_field(1, 2**31 - 1, load_default=1)
    rest_user = _text_field(
        "must be the login of the WordPress user the sidecar acts as", load_default="admin"
    )
    app_password = _text_field(
        "must be an Application Password of wordpress.rest_user", required=True
    )
    timeout = fields.Float(
        load_default=10.0,
        validate=validate.Range(0.5, 120, error="must be a number of seconds between 0.5 and 120"),
        error_messages=_required("must be a number of seconds between 0.5 and 120"),
    )
    uploads_dir = fields.String(
        load_default="",
        validate=validate.Regexp(r"^(/.*)?$", error="must be an absolute path (or empty)"),
    )

    @post_load
    def build(self, data, **_):
        return WordPressSettings(**data)


class ShimSchema(_Section):
    secret = _secret_field("shared secret (the same as SIDECAR_SECRET in wp-config.php)")

    @post_load
    def build(self, data, **_):
        return ShimSettings(**data)


class SidecarSchema(_Section):
    base_url = _url_field()
    secret_key = _secret_field("random secret key")
    log_level = fields.String(
        load_default="INFO",
        validate=validate.OneOf(
            ["DEBUG", "INFO", "WARNING", "ERROR"],
            error="must be one of DEBUG, INFO, WARNING, ERROR",
        ),
    )
    log_format = fields.String(
        load_default="text",
        validate=validate.OneOf(["text", "json"], error="must be text or json"),
    )

    @post_load
    def build(self, data, **_):
        return SidecarSettings(**data)


class BillingSchema(_Section):
    seller_name = fields.String(load_default="Your network", validate=validate.Length(1, 120))
    seller_address = fields.String(load_default="", validate=validate.Length(0, 500))
    seller_email = fields.String(load_default="")
    tax_rate = fields.Decimal(
        load_default="0",
        as_string=True,
        validate=validate.Range(0, 100, error="must be a percentage between 0 and 100"),
        error_messages={"invalid": "must be a percentage between 0 and 100"},
    )
    invoice_due_days = _int_field(0, 365, load_default=14)
    renewal_days_before = _int_field(0, 60, load_default=7)
    grace_days = _int_field(0, 90, load_default=7)

    @post_load
    def build(self, data, **_):
        return BillingSettings(**{**data, "tax_rate": str(data["tax_rate"])})


class SecuritySchema(_Section):
    password_min_length = _int_field(6, 128, load_default=10)
    lock_after_failures = _int_field(1, 100, load_default=5)
    lock_window_minutes = _int_field(1, 1440, load_default=15)
    lock_minutes = _int_field(1, 43200, load_default=30)

    @post_load
    def build(self, data, **_):
        return SecuritySettings(**data)


class LimitsSchema(_Section):
    sweep_minutes = _int_field(1, 1440, load_default=15)
    clear_caches = _bool_field(True)

    @post_load
    def build(self, data, **_):
        return LimitsSettings(**data)


class TemplatesSchema(_Section):
    backup_days = _int_field(1, 365, load_default=7)
    media_hardlinks = _bool_field(False)

    @post_load
    def build(self, data, **_):
        return TemplatesSettings(**data)


def _networks(text: str) -> bool:
    """Whether ``text`` is IP addresses/networks separated by commas."""
    try:
        for part in text.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
    except ValueError:
        return False
    return True


class MetricsSchema(_Section):
    allow_from = fields.String(load_default="127.0.0.1, ::1")
    token = fields.String(
        load_default="",
        validate=validate.Regexp(r"^(|.{32,})$", error="must be empty or at least 32 characters"),
    )

    @validates("allow_from")
    def _check_networks(self, value, **_):
        if not _networks(value):
            raise ValidationError("must be IP addresses or networks separated by commas")

    @post_load
    def build(self, data, **_):
        return MetricsSettings(**data)


class EventsSchema(_Section):
    retention_days = _int_field(1, 36500, load_default=365)

    @post_load
    def build(self, data, **_):
        return EventsSettings(**data)


class WebhooksSchema(_Section):
    timeout_seconds = _int_field(1, 60, load_default=10)
    max_attempts = _int_field(1, 30, load_default=8)

    @post_load
    def build(self, data, **_):
        return WebhooksSettings(**data)


class SettingsSchema(_Section):
    database = fields.Nested(DatabaseSchema, required=True)
    wordpress = fields.Nested(WordPressSchema, required=True)
    shim = fields.Nested(ShimSchema, required=True)
    sidecar = fields.Nested(SidecarSchema, required=True)
    billing = fields.Nested(BillingSchema, load_default=dict)
    limits = fields.Nested(LimitsSchema, load_default=dict)
    security = fields.Nested(SecuritySchema, load_default=dict)
    templates = fields.Nested(TemplatesSchema, load_default=dict)
    metrics = fields.Nested(MetricsSchema, load_default=dict)
    events = fields.Nested(EventsSchema, load_default=dict)
    webhooks = fields.Nested(WebhooksSchema, load_default=dict)

    @post_load
    def build(self, data, **_):
        return Settings(**data)


_SCHEMA = SettingsSchema()


def load_settings(path: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read, merge and check the configuration.

    Raises ConfigError listing every missing or malformed key.
    """
    environ = os.environ if environ is None else environ
    path = path or environ.get("SIDECAR_CONFIG")
    raw = _read_file(path)
    for section in SettingsSchema._declared_fields:
        raw.setdefault(section, {})
    _apply_env_overrides(raw, environ)
    try:
        return _SCHEMA.load(raw)
    except ValidationError as error:
        raise ConfigError(sorted(_flatten(error.messages))) from None


def _read_file(path: str | None) -> dict:
    """Parse the TOML file; a missing default file means "everything from the environment"."""
    target = Path(path or DEFAULT_CONFIG_PATH)
    if not target.exists():
        if path:
            raise ConfigError([f"config file {target} does not exist (SIDECAR_CONFIG)"])
        return {}
    try:
        with target.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{target}: not valid TOML: {error}"]) from None


def _apply_env_overrides(raw: dict, environ: Mapping[str, str]) -> None:
    """Copy ``SIDECAR_SECTION_KEY`` variables over the file's values, for the known sections."""
    for section, schema in SettingsSchema._declared_fields.items():
        for key in schema.nested._declared_fields:
            value = environ.get(f"{ENV_PREFIX}{section}_{key}".upper())
            if value is not None:
                section_values = raw.setdefault(section, {})
                if isinstance(section_values, dict):
                    section_values[key] = value


def _flatten(messages, trail: str = ""):
    """Yield ``section.key: message`` lines from marshmallow's nested error dict."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            yield from _flatten(value, f"{trail}.{key}" if trail else str(key))
    else:
        for message in messages:
            text = "unknown key" if message == "Unknown field." else message
            yield f"{trail}: {text}"
