"""``load_account_page`` and ``load_api``: wrk against the sidecar on loopback, bounded and
self-stopping (60 s × 64 connections at scale 1; at least 5 s), errors (goal: 0) and
p50/p95/p99 latency.

The Account page takes a one-time assertion per request (its ``jti`` is claimed on first
use), so wrk cannot sign them itself: every assertion is signed up front — valid for the
whole run — into a file that the Lua script splits among wrk's threads and uses once each.
The JSON API takes one Bearer key, made for the run and deleted afterwards.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sidecar.assertions import MAX_LIFETIME, Claims, new_jti, sign

from .results import Result

SECONDS = 60
CONNECTIONS = 64
THREADS = 2
# More assertions than the sidecar can answer in the run (it does a few hundred a second).
ASSERTIONS_PER_SECOND = 1000

# Lua for wrk. ``setup`` numbers the threads; each thread keeps the lines of the assertion
# file (one per request) that belong to it; ``done`` prints one JSON line for Python. A
# thread that runs out of assertions stops instead of replaying one.
_LUA = r"""
local threads = {}
local counter = 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file, count, paths = args[1], tonumber(args[2]), {}
  headers, tokens, next_token, exhausted, bad = {}, {}, 1, 0, 0
  local line_no = 0
  if file ~= "" then
    for line in io.lines(file) do
      if line_no % count == index then table.insert(tokens, line) end
      line_no = line_no + 1
    end
  end
  for i = 4, #args do table.insert(paths, args[i]) end
  path_list = paths
  auth = args[3]
end

function request()
  local path = path_list[(next_token % #path_list) + 1]
  if #tokens > 0 then
    local token = tokens[next_token]
    if token == nil then
      exhausted = 1
      wrk.thread:stop()
      token = "exhausted"
    end
    next_token = next_token + 1
    return wrk.format("GET", path, {["X-Sidecar-Assertion"] = token})
  end
  next_token = next_token + 1
  return wrk.format("GET", path, {["Authorization"] = auth})
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local not_ok, ran_out = 0, 0
  for _, thread in ipairs(threads) do
    not_ok = not_ok + thread:get("bad")
    ran_out = ran_out + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "not_200": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "exhausted": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f}\n',
    summary.requests, summary.duration / 1e6, not_ok, e.connect, e.read, e.write, e.timeout,
    ran_out, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


@dataclass(frozen=True)
class LoadReport:
    """What one wrk run measured (latencies in ms)."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    detail: dict

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(base_url: str, paths: list[str], seconds: int, connections: int, *, tokens=(), auth=""):
    """Run wrk for ``seconds`` over ``paths`` (with one assertion of ``tokens`` per request,
    or the ``auth`` header on each); return a LoadReport. Raises RuntimeError when wrk is
    missing or fails."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed: run `make deps` (Debian package wrk)")
    threads = min(THREADS, connections)
    with tempfile.TemporaryDirectory(prefix="sidecar-load-") as folder:
        script, token_file = Path(folder, "load.lua"), Path(folder, "tokens.txt")
        script.write_text(_LUA)
        if tokens:
            token_file.write_text("\n".join(tokens) + "\n")
        command = [
            binary,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base_url.rstrip("/") + paths[0],
            "--",
            str(token_file) if tokens else "",
            str(threads),
            auth,
            *paths,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 60, check=False
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    return _report(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(raw: dict) -> LoadReport:
    errors = sum(raw[k] for k in ("not_200", "connect", "read", "write", "timeout", "exhausted"))
    return LoadReport(
        requests=raw["requests"],
        seconds=raw["seconds"],
        errors=errors,
        p50=raw["p50"],
        p95=raw["p95"],
        p99=raw["p99"],
        detail=raw,
    )


def account_assertions(network: dict, customer: dict, count: int, seconds: int) -> list[str]:
    """``count`` one-time assertions for ``customer``'s Account page, all valid for the run."""
    now = int(time.time())
    expires = now + min(MAX_LIFETIME, seconds + 45)
    base = f"{network['url'].rstrip('/')}/wp-admin/admin.php?page=sidecar-account"
    template = dict(
        aud="account",
        sub=customer["user_id"],
        blog=customer["blog_id"],
        net=1,
        iat=now,
        exp=expires,
        mth="GET",
        pth="/account/",
        base=base,
        rid="load",
    )
    return [sign(network["secret"], Claims(jti=new_jti(), **template)) for _ in range(count)]


def load_account_page(network: dict, seconds: int, connections: int) -> LoadReport:
    """wrk on alice's Account page for ``seconds`` with ``connections``."""
    if seconds + 30 > MAX_LIFETIME:
        raise ValueError(f"assertions live {MAX_LIFETIME} s: run at most {MAX_LIFETIME - 30} s")
    customer = next(c for c in network["customers"] if c["login"] == "alice")
    tokens = account_assertions(network, customer, seconds * ASSERTIONS_PER_SECOND, seconds)
    return wrk(network["sidecar_url"], ["/account/"], seconds, connections, tokens=tokens)


def api_paths(network: dict) -> list[str]:
    """The API reads of the load: lists of sites and products, one site, its limits."""
    blog = next(c for c in network["customers"] if c["login"] == "alice")["blog_id"]
    return [
        "/api/v1/sites/?limit=20",
        f"/api/v1/sites/{blog}",
        "/api/v1/products/",
        f"/api/v1/sites/{blog}/limits",
    ]


def load_api(network: dict, seconds: int, connections: int) -> LoadReport:
    """wrk on the JSON API for ``seconds`` with ``connections`` (a key made for the run)."""
    from sidecar.config import load_settings
    from sidecar.domain.api_keys import create_key
    from sidecar.wp_bridge.db import connect

    config = Path(network["wp_path"]).parent / "config.toml"
    db = connect(load_settings(str(config), environ={}).database)
    try:
        key = create_key(db, "load benchmark")
        try:
            return wrk(
                network["sidecar_url"],
                api_paths(network),
                seconds,
                connections,
                auth=f"Bearer {key}",
            )
        finally:
            db.execute(
                f"DELETE FROM {db.prefix}sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],)
            )
    finally:
        db.close()


def _seconds(scale: float) -> int:
    return max(5, round(SECONDS * scale))


def _results(name: str, report: LoadReport, seconds: int) -> list[Result]:
    setting = f"{seconds} s × {CONNECTIONS} connections"
    results = [
        Result(name, report.errors, "errors", goal=f"0 errors ({setting})", meets_goal=False)
    ]
    results[0].meets_goal = report.errors == 0 and report.requests > 0
    results.append(Result(f"{name}_rps", round(report.per_second, 1), "req/s", goal=setting))
    for label in ("p50", "p95", "p99"):
        results.append(Result(f"{name}_{label}", getattr(report, label), "ms", goal=setting))
    return results


def run_account_page(network: dict, scale: float) -> list[Result]:
    """Measure and return the load_account_page results."""
    seconds = _seconds(scale)
    return _results("load_account_page", load_account_page(network, seconds, CONNECTIONS), seconds)


def run_api(network: dict, scale: float) -> list[Result]:
    """Measure and return the load_api results."""
    seconds = _seconds(scale)
    return _results("load_api", load_api(network, seconds, CONNECTIONS), seconds)
