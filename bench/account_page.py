"""``account_page``: the Account page through the shim vs a bare wp-admin page.

Both are fetched by the same logged-in customer (who belongs to their own site only) from the
same WordPress; the median of N requests each gives the ratio. Then the sidecar alone: 32
concurrent clients, each request with a fresh assertion as the shim would sign it → p50/p99.
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from sidecar.assertions import Claims, new_jti, sign

from .results import Result

GOAL_RATIO = 1.5
# 32 clients and the sidecar (2 gunicorn workers × 4 threads) share this 2-core machine.
GOAL_P50_MS = 100
GOAL_P99_MS = 300


def _logged_in(site_url: str, login: str, password: str) -> requests.Session:
    session = requests.Session()
    session.cookies.set("wordpress_test_cookie", "WP Cookie check")
    answer = session.post(
        f"{site_url.rstrip('/')}/wp-login.php",
        data={"log": login, "pwd": password, "wp-submit": "Log In", "testcookie": "1"},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"log-in as {login} failed: HTTP {answer.status_code}")
    return session


def _median_ms(session: requests.Session, url: str, count: int, must_contain: str) -> float:
    timings = []
    for _ in range(count + 3):
        start = time.perf_counter()
        answer = session.get(url, timeout=30)
        timings.append((time.perf_counter() - start) * 1000)
        if answer.status_code != 200 or must_contain not in answer.text:
            raise RuntimeError(f"{url} answered {answer.status_code} without {must_contain!r}")
    return statistics.median(timings[3:])


def _direct_request(network: dict, customer: dict) -> float:
    now = int(time.time())
    claims = Claims(
        aud="account",
        sub=customer["user_id"],
        blog=customer["blog_id"],
        net=1,
        iat=now,
        exp=now + 60,
        jti=new_jti(),
        mth="GET",
        pth="/account/",
        base="http://bench/wp-admin/admin.php?page=sidecar-account",
        rid="bench",
    )
    headers = {"X-Sidecar-Assertion": sign(network["secret"], claims)}
    start = time.perf_counter()
    answer = requests.get(
        f"{network['sidecar_url'].rstrip('/')}/account/", headers=headers, timeout=30
    )
    elapsed = (time.perf_counter() - start) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"sidecar answered {answer.status_code}")
    return elapsed


def run(network: dict, scale: float) -> list[Result]:
    """Measure and return the account_page results."""
    customer = next(c for c in network["customers"] if c["login"] == "alice")
    site = customer["site_url"].rstrip("/")
    session = _logged_in(site, customer["login"], customer["password"])
    count = max(50, int(200 * scale))
    account = _median_ms(
        session, f"{site}/wp-admin/admin.php?page=sidecar-account", count, customer["email"]
    )
    profile = _median_ms(session, f"{site}/wp-admin/profile.php", count, customer["email"])

    total = max(320, int(3200 * scale))
    with ThreadPoolExecutor(32) as pool:
        latencies = sorted(pool.map(lambda _: _direct_request(network, customer), range(total)))
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return [
        Result(
            "account_page",
            round(account, 2),
            "ms",
            "wp_admin_profile_page",
            round(profile, 2),
            goal=f"ratio <= {GOAL_RATIO}",
            meets_goal=account / profile <= GOAL_RATIO,
        ),
        Result(
            "account_page_sidecar_32c_p50",
            round(p50, 2),
            "ms",
            goal=f"<= {GOAL_P50_MS} ms",
            meets_goal=p50 <= GOAL_P50_MS,
        ),
        Result(
            "account_page_sidecar_32c_p99",
            round(p99, 2),
            "ms",
            goal=f"<= {GOAL_P99_MS} ms",
            meets_goal=p99 <= GOAL_P99_MS,
        ),
    ]
