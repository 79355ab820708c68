"""A small server-rendered SVG line chart of one series over the last days (no JavaScript):
the Account page's 30-day visits and disk charts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 300, 90
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 4, 16, 14


def line_chart(
    points: Sequence[tuple[date, float | None]], *, title: str, unit: str = ""
) -> Markup:
    """Return an ``<svg>`` of ``points`` (oldest first; None = no data that day) with the
    title, the highest value and the first and last dates. Days without data leave gaps."""
    known = [value for _, value in points if value is not None]
    top = max(known, default=0) or 1
    label = f"{escape(title)}: " + (
        f"highest {_number(max(known))}{escape(unit)}" if known else "no data yet"
    )
    parts = [
        f'<svg class="sidecar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-label="{label}">',
        f"<title>{label}</title>",
        f'<text x="{PAD_LEFT}" y="10" class="sidecar-chart-title">{escape(title)}'
        + (f" · max {_number(max(known))}{escape(unit)}" if known else "")
        + "</text>",
        f'<line x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH}" '
        f'y2="{HEIGHT - PAD_BOTTOM}" class="sidecar-chart-axis"/>',
    ]
    parts += [
        f'<polyline points="{segment}" class="sidecar-chart-line" fill="none"/>'
        for segment in _segments(points, top)
    ]
    if points:
        parts.append(_dates(points[0][0], points[-1][0]))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (numbers, dates and escaped text only)


def _segments(points: Sequence[tuple[date, float | None]], top: float) -> list[str]:
    """Runs of consecutive known values as ``x,y x,y`` strings (a lone point is drawn as a
    tiny flat segment so it shows)."""
    step = (WIDTH - PAD_LEFT) / max(len(points) - 1, 1)
    plot = HEIGHT - PAD_BOTTOM - PAD_TOP
    runs, current = [], []
    for index, (_, value) in enumerate(points):
        if value is None:
            runs, current = _close(runs, current), []
            continue
        x = PAD_LEFT + index * step
        y = HEIGHT - PAD_BOTTOM - (value / top) * plot
        current.append((x, y))
    runs = _close(runs, current)
    return [" ".join(f"{x:.1f},{y:.1f}" for x, y in run) for run in runs]


def _close(runs: list, current: list) -> list:
    if len(current) == 1:
        x, y = current[0]
        current = [(x - 1, y), (x + 1, y)]
    return [*runs, current] if current else runs


def _dates(first: date, last: date) -> str:
    y = HEIGHT - 3
    return (
        f'<text x="{PAD_LEFT}" y="{y}" class="sidecar-chart-date">{first:%d %b}</text>'
        f'<text x="{WIDTH}" y="{y}" text-anchor="end" class="sidecar-chart-date">'
        f"{last:%d %b}</text>"
    )


def _number(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
