"""Meters: each limit with what is used of it — the Account page's bars, the admin's
near-limit list and the API's percentages. Warning from 80 %, full from 100 %."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext

from ..i18n import format_number
from .limit_types import LimitType, limit_type
from .usage import SiteUsage

WARNING_PCT = 80
FULL_PCT = 100


@dataclass(frozen=True)
class Meter:
    """One limit and its usage. ``used`` None: not measured; ``allowed`` None: unlimited."""

    limit: LimitType
    used: int | float | None
    allowed: int | None

    @property
    def key(self) -> str:
        return self.limit.key

    @property
    def percent(self) -> int | None:
        """Usage in whole percent of the limit (may pass 100), None without a limit or
        measurement."""
        if self.allowed is None or self.used is None:
            return None
        return math.floor(self.used * 100 / self.allowed)

    @property
    def state(self) -> str:
        """``unlimited``, ``unmeasured``, ``ok``, ``warning`` (≥ 80 %) or ``full`` (≥ 100 %)."""
        if self.allowed is None:
            return "unlimited"
        if self.used is None:
            return "unmeasured"
        if self.used >= self.allowed:
            return "full"
        return "warning" if self.percent >= WARNING_PCT else "ok"

    @property
    def used_text(self) -> str:
        return "—" if self.used is None else amount_text(self.limit, self.used)

    @property
    def allowed_text(self) -> str:
        if self.allowed is None:
            return gettext("Unlimited")
        return amount_text(self.limit, self.allowed)


def amount_text(limit: LimitType, amount: int | float) -> str:
    """``"1,234"``; disk with one decimal and its unit: ``"12.5 MB"`` (in the current
    language's number format: ``"1.234"``, ``"12,5 MB"`` in Dutch)."""
    if limit.key == "disk_mb":
        number = format_number(amount, "#,##0.0") if isinstance(amount, float) else None
        return f"{number or format_number(amount)} {limit.unit}"
    return format_number(amount)


def meters(limits: Mapping[str, int | None], usage: SiteUsage | None) -> list[Meter]:
    """A meter for every limit, in the order of ``limits``."""
    return [
        Meter(limit_type(key), usage.used(key) if usage else None, allowed)
        for key, allowed in limits.items()
    ]


def worst(site_meters: list[Meter]) -> tuple[int | None, str]:
    """The highest percentage among limited, measured meters and its key (None, "")."""
    measured = [m for m in site_meters if m.percent is not None]
    if not measured:
        return None, ""
    top = max(measured, key=lambda m: m.percent)
    return top.percent, top.key
