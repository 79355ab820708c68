"""Which dynamic limits the plan and package form offers: one per role of the network, and
every post type or role limit the product already has."""

from __future__ import annotations

from collections.abc import Iterable

from ..wp_bridge.db import Database
from ..wp_bridge.tables.usage import site_roles
from .limit_types import LIMIT_TYPES, ROLE_PREFIX, is_limit_key, limit_keys


def extra_limit_keys(db: Database, present: Iterable[str]) -> list[str]:
    """The dynamic keys to show as inputs: ``present`` ones plus ``users_role.<role>`` for each
    role of the main site, post types first, each sorted."""
    roles = [ROLE_PREFIX + role for role in site_roles(db, 1)]
    keys = {key: None for key in [*present, *roles] if is_limit_key(key)}
    return [key for key in limit_keys(keys) if key not in LIMIT_TYPES]
