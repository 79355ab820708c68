"""``bench/results.json``: one record per measurement, merged by name across runs."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS = Path(__file__).with_name("results.json")


@dataclass
class Result:
    name: str
    value: float
    unit: str
    baseline_name: str | None = None
    baseline_value: float | None = None
    goal: str = ""
    meets_goal: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return round(self.value / self.baseline_value, 3)

    def as_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def machine() -> dict:
    """Describe where the numbers were taken."""

    def version(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "debian": Path("/etc/debian_version").read_text().strip()
        if Path("/etc/debian_version").exists()
        else "",
        "php": version(["php", "-r", "echo PHP_VERSION;"]),
    }


def save(new: list[Result], extra_machine: dict) -> dict:
    """Merge ``new`` into results.json (replacing same-named records) and return the document."""
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"results": []}
    names = {r.name for r in new}
    merged = [r for r in old.get("results", []) if r["name"] not in names]
    merged += [r.as_dict() for r in new]
    document = {"machine": {**machine(), **extra_machine}, "results": merged}
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    return document


def print_table(results: list[Result]) -> None:
    """Print one line per result."""
    print(f"{'name':34} {'value':>10} {'unit':5} {'baseline':>10} {'ratio':>7}  goal  met")
    for r in results:
        base = f"{r.baseline_value:10.2f}" if r.baseline_value is not None else " " * 10
        ratio = f"{r.ratio:7.3f}" if r.ratio is not None else " " * 7
        print(f"{r.name:34} {r.value:10.2f} {r.unit:5} {base} {ratio}  {r.goal}  {r.meets_goal}")
