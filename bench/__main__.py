"""``python -m bench``: run the benchmarks (all, or ``BENCH=name``) against the bench network
(``BENCH_NETWORK`` = its network.json) and write bench/results.json."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import account_page, customers, load, sweep, template_switch
from .results import print_table, save

BENCHMARKS = {
    "customer_grid_100k": customers.run,
    "export_100k": customers.run_export,
    "account_page": account_page.run,
    "sweep_10k_sites": sweep.run,
    "load_account_page": load.run_account_page,
    "load_api": load.run_api,
    "template_switch": template_switch.run,
}


def main() -> int:
    selected = os.environ.get("BENCH") or ""
    names = [selected] if selected else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {unknown[0]}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    scale = float(os.environ.get("BENCH_SCALE") or 1)
    if not 0 < scale <= 1:
        print("BENCH_SCALE must be > 0 and <= 1", file=sys.stderr)
        return 2
    network = json.loads(Path(os.environ["BENCH_NETWORK"]).read_text())
    results = [r for name in names for r in BENCHMARKS[name](network, scale)]
    save(results, {"wordpress": network["wp_version"], "bench_scale": scale})
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
