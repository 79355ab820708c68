"""Refresh the "Latest figures" tables of docs/BENCHMARKS.md from ``bench/results.json``.

``python -m bench.report``: every ``### name`` section there gets a table of the records
whose name starts with ``name``; the text around the tables is left as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .results import RESULTS

DOC = Path(__file__).resolve().parents[1] / "docs" / "BENCHMARKS.md"
HEADER = (
    "| record | value | baseline | ratio | goal | met |\n| --- | --- | --- | --- | --- | --- |\n"
)
_SECTION = re.compile(r"^### (\S+)\n\n(\| record \|.*?\n)(?:\|.*\n)*", re.MULTILINE)


def table(records: list[dict]) -> str:
    """The markdown table of ``records``."""
    lines = [HEADER]
    for r in records:
        baseline = "" if r["baseline_value"] is None else f"{r['baseline_value']:g}"
        if baseline and r["baseline_name"]:
            baseline += f" ({r['baseline_name']})"
        ratio = "" if r["ratio"] is None else f"{r['ratio']:g}"
        met = {True: "yes", False: "no"}.get(r["meets_goal"], "")
        lines.append(
            f"| `{r['name']}` | {r['value']:g} {r['unit']} | {baseline} | {ratio}"
            f" | {r['goal']} | {met} |\n"
        )
    return "".join(lines)


def refresh(doc: str, records: list[dict]) -> str:
    """``doc`` with each section's table rebuilt from ``records``."""

    def rebuild(match: re.Match) -> str:
        name = match[1]
        mine = [r for r in records if r["name"].startswith(name)]
        return f"### {name}\n\n{table(mine)}" if mine else match[0]

    return _SECTION.sub(rebuild, doc)


def main() -> None:
    records = json.loads(RESULTS.read_text())["results"]
    DOC.write_text(refresh(DOC.read_text(), records))
    print(f"refreshed {DOC}")


if __name__ == "__main__":
    main()
