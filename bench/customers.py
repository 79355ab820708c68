"""``customer_grid_100k`` and ``export_100k``: the customers grid over 100,000 generated
customers (WordPress users + customer rows, made with MariaDB's sequence engine in two
``INSERT … SELECT``s, removed afterwards).

* grid: the domain's ``grid_page`` (page query + capped count) for three typical asks —
  filter country + sort by customer since + page 3; a filter on group and ZIP prefix sorted by
  id; a text search sorted by name — p50 and p95 over 40 runs each (goal: p50 ≤ 30 ms for the
  first).
* export: CSV and XLSX of all 100,000 rows with the default columns, each in a fresh
  subprocess (``python -m bench.customers export FORMAT CONFIG``) writing to /dev/null;
  wall time and the subprocess's peak RSS (goal ≤ 150 MB).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask
from flask_babel import Babel

from sidecar.config import load_settings
from sidecar.domain.customer_export import export
from sidecar.domain.customer_grid import GridState, grid_page, parse_state
from sidecar.store.migrate import migrate
from sidecar.wp_bridge.db import connect

from .results import Result

COUNT_AT_SCALE_1 = 100_000
TAG = "benchcus"
RUNS = 40
GOAL_P50_MS = 30
GOAL_RSS_MB = 150


def run(network: dict, scale: float) -> list[Result]:
    """Generate, measure the grid, clean up."""
    return _with_customers(network, scale, _grid_results)


def run_export(network: dict, scale: float) -> list[Result]:
    """Generate, measure the exports, clean up."""
    return _with_customers(network, scale, _export_results)


def _with_customers(network: dict, scale: float, measure) -> list[Result]:
    count = max(1000, round(COUNT_AT_SCALE_1 * scale))
    config = network["config_toml"] if "config_toml" in network else _config_path(network)
    db = connect(load_settings(config, environ={}).database)
    migrate(db)
    try:
        cleanup(db)
        generate(db, count)
        return measure(db, config, count)
    finally:
        cleanup(db)
        db.close()


def _config_path(network: dict) -> str:
    return str(Path(network["wp_path"]).parent / "config.toml")


def generate(db, count: int) -> None:
    """``count`` WordPress users named ``benchcus<n>`` and their customer rows, spread over
    six countries, three groups, ZIP codes, genders and five years of sign-ups."""
    for name in ("Bench Gold", "Bench Silver"):
        db.execute(
            "INSERT IGNORE INTO wp_sidecar_customer_groups (name, created_at)"
            " VALUES (%s, UTC_TIMESTAMP())",
            (name,),
        )
    groups = [1] + [
        int(r["id"])
        for r in db.fetch_all(
            "SELECT id FROM wp_sidecar_customer_groups WHERE name LIKE 'Bench %%' ORDER BY id"
        )
    ]
    db.execute(
        "INSERT INTO wp_users (user_login, user_pass, user_nicename, user_email, user_url,"
        " user_registered, user_activation_key, user_status, display_name)"
        f" SELECT CONCAT('{TAG}', seq), '', CONCAT('{TAG}', seq),"
        f" CONCAT('{TAG}', seq, '@example.test'), '',"
        " UTC_TIMESTAMP() - INTERVAL seq * 26 MINUTE, '', 0,"
        " CONCAT(ELT(1 + seq %% 6, 'Zoë', 'Max', 'Eve', 'Ann', 'Bob', 'Ida'), ' ',"
        " ELT(1 + seq %% 7, 'Ångström', 'Jansen', 'Müller', 'Smith', 'Dubois', 'Rossi', 'Kim'),"
        f" ' ', seq) FROM seq_1_to_{int(count)}"
    )
    db.execute(
        "INSERT INTO wp_sidecar_customers (user_id, billing_name, created_at, updated_at,"
        " country, zip, phone, city, group_id, newsletter, gender, email_confirmed, vat_number)"
        " SELECT u.ID, u.display_name, u.user_registered, u.user_registered,"
        " ELT(1 + u.ID %% 6, 'NL', 'DE', 'BE', 'FR', 'GB', 'US'), LPAD(u.ID %% 9973, 4, '0'),"
        " CONCAT('+31 6 ', u.ID), ELT(1 + u.ID %% 4, 'Amsterdam', 'Berlin', 'Gent', 'Lyon'),"
        " ELT(1 + u.ID %% 3, %s, %s, %s), u.ID %% 2, ELT(1 + u.ID %% 4, '', 'female', 'male',"
        " 'other'), 1, '' FROM wp_users u WHERE u.user_login LIKE %s",
        (*groups[:3], f"{TAG}%"),
    )
    db.execute("ANALYZE TABLE wp_sidecar_customers")


def cleanup(db) -> None:
    """Remove the generated users, customers and groups."""
    db.execute(
        "DELETE c FROM wp_sidecar_customers c JOIN wp_users u ON u.ID = c.user_id"
        " WHERE u.user_login LIKE %s",
        (f"{TAG}%",),
    )
    db.execute("DELETE FROM wp_users WHERE user_login LIKE %s", (f"{TAG}%",))
    db.execute("DELETE FROM wp_sidecar_customer_groups WHERE name LIKE 'Bench %%'")


# --- grid ------------------------------------------------------------------------------------


def _scenarios(db) -> dict[str, dict]:
    gold = db.fetch_value("SELECT id FROM wp_sidecar_customer_groups WHERE name = 'Bench Gold'")
    return {
        "filter_sort_page": {
            "f.country": "NL", "sort": "since", "dir": "desc", "page": "3", "per_page": "50"
        },
        "group_zip_prefix": {"f.group": str(gold), "f.zip": "12", "sort": "id", "dir": "asc"},
        "search_sort_name": {"q": "Müller 42", "sort": "name", "dir": "asc"},
    }  # fmt: skip


def _timings(db, args: dict) -> list[float]:
    timings = []
    for attempt in range(RUNS + 3):
        start = time.perf_counter()
        page = grid_page(db, parse_state(args))
        elapsed = (time.perf_counter() - start) * 1000
        if attempt >= 3:
            timings.append(elapsed)
        if not page.rows:
            raise RuntimeError(f"no rows for {args}")
    return timings


def _grid_results(db, _config, count) -> list[Result]:
    results = []
    for label, args in _scenarios(db).items():
        timings = sorted(_timings(db, args))
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        main = label == "filter_sort_page"
        results += [
            Result(
                f"customer_grid_100k.{label}.p50",
                round(p50, 1),
                "ms",
                goal=f"p50 ≤ {GOAL_P50_MS} ms" if main else "",
                meets_goal=p50 <= GOAL_P50_MS if main else None,
            ),
            Result(f"customer_grid_100k.{label}.p95", round(p95, 1), "ms"),
        ]
    results.append(Result("customer_grid_100k.customers", count, "rows"))
    return results


# --- export ----------------------------------------------------------------------------------


def _export_results(_db, config, count) -> list[Result]:
    results = []
    for fmt in ("csv", "xlsx"):
        answer = subprocess.run(
            [sys.executable, "-m", "bench.customers", "export", fmt, config],
            capture_output=True,
            text=True,
            check=True,
            timeout=900,
        )
        measured = json.loads(answer.stdout.strip().splitlines()[-1])
        if measured["rows"] < count:
            raise RuntimeError(f"{fmt} export wrote {measured['rows']} rows, expected {count}")
        results += [
            Result(f"export_100k.{fmt}.seconds", round(measured["seconds"], 2), "s"),
            Result(
                f"export_100k.{fmt}.peak_rss",
                round(measured["peak_mb"], 1),
                "MB",
                goal=f"≤ {GOAL_RSS_MB} MB",
                meets_goal=measured["peak_mb"] <= GOAL_RSS_MB,
            ),
        ]
    return results


def _export_main(fmt: str, config: str) -> None:
    """In the subprocess: export every customer to /dev/null; print rows, seconds, peak MB."""
    app = Flask("bench")
    Babel(app)
    db = connect(load_settings(config, environ={}).database)
    start = time.perf_counter()
    size = 0
    with app.app_context():
        file = export(db, GridState(), fmt)
        with open("/dev/null", "wb") as sink:
            for chunk in file.body:
                size += len(chunk)
                sink.write(chunk)
    seconds = time.perf_counter() - start
    rows = db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_customers")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb, "bytes": size}))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "export":
        _export_main(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: python -m bench.customers export csv|xlsx CONFIG")
