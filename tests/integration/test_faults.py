"""Faults: the database connection killed in the middle of a request (``KILL CONNECTION`` of
the sidecar's own thread, found in the process list while it waits on a lock we hold), and
WordPress (php) down. Each ends in a clean 503 with retry advice (JSON under /api/), nothing
half-written, and the very next request served again — no restart."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import threading
import time
from pathlib import Path

import pytest
import requests

from devnet import server
from sidecar.domain.api_keys import create_key
from sidecar.wp_bridge.db import connect

from ..security_fixtures import forget_customer, new_customer, personal_billing
from .shim_double import assertion_header, signed_request

pytestmark = pytest.mark.integration


@pytest.fixture
def dave(network, settings, created, migrated):
    customer = new_customer(network, created, "flt")
    yield customer
    db = connect(settings.database)
    forget_customer(db, customer["user_id"])
    db.close()


@pytest.fixture
def admin_db(settings, migrated):
    """A second connection of our own: it holds locks and kills the sidecar's connection."""
    db = connect(settings.database)
    yield db
    db.close()


def account_headers(network, customer, path, method="GET") -> dict:
    """The shim's signed headers for ``customer`` opening an Account page."""
    return assertion_header(
        network,
        aud="account",
        sub=customer["user_id"],
        blog=customer["blog_id"],
        path=path,
        method=method,
    )


def call(sidecar_url, network, customer, path, method="GET", data=None):
    return signed_request(
        sidecar_url,
        network,
        path,
        method,
        data,
        timeout=60,
        aud="account",
        sub=customer["user_id"],
        blog=customer["blog_id"],
    )


def csrf(sidecar_url, network, customer) -> str:
    page = call(sidecar_url, network, customer, "/account/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def in_background(fn) -> dict:
    """Run ``fn`` in a thread; the returned dict gets ``answer`` (and ``thread``)."""
    out: dict = {}
    out["thread"] = threading.Thread(target=lambda: out.update(answer=fn()), daemon=True)
    out["thread"].start()
    return out


def kill_the_waiting_query(db, sql_start: str, seconds: float = 15) -> int:
    """Find the connection whose running statement starts with ``sql_start`` (waiting on our
    lock), kill it and return its id. Fails when none shows up in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = db.fetch_value(
            "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
            " AND INFO LIKE %s ORDER BY TIME DESC LIMIT 1",
            (f"{sql_start}%",),
        )
        if found:
            db.execute(f"KILL CONNECTION {int(found)}")
            return int(found)
        time.sleep(0.05)
    pytest.fail(f"no statement {sql_start!r} waited on the lock")


def billing_row(db, user_id: int) -> dict | None:
    return db.fetch_one("SELECT * FROM wp_sidecar_customers WHERE user_id = %s", (user_id,))


def test_connection_killed_mid_write_gives_503_no_partial_write_and_recovers(
    sidecar_url, network, dave, admin_db
):
    """The billing address is saved with its event-log row in one transaction. We hold the
    event log's write lock, so the save waits after updating the customer row; killing its
    connection there must leave the customer row as it was."""
    token = csrf(sidecar_url, network, dave)
    form = {**personal_billing(dave), "csrf_token": token}
    before = billing_row(admin_db, dave["user_id"])
    events_before = admin_db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_events")
    admin_db.execute("LOCK TABLES wp_sidecar_events WRITE")
    try:
        pending = in_background(
            lambda: call(sidecar_url, network, dave, "/account/billing-address", "POST", form)
        )
        kill_the_waiting_query(admin_db, "INSERT INTO `wp_sidecar_events`")
    finally:
        admin_db.execute("UNLOCK TABLES")
    pending["thread"].join(30)
    answer = pending["answer"]
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "30"
    assert "try again" in answer.text.lower()
    assert billing_row(admin_db, dave["user_id"]) == before  # rolled back as one unit
    assert admin_db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_events") == events_before

    again = call(sidecar_url, network, dave, "/account/billing-address", "POST", form)
    assert again.status_code in (200, 303), again.text  # the same worker, a new connection
    assert billing_row(admin_db, dave["user_id"])["billing_city"] == form["billing_city"]


@pytest.fixture
def impatient_app(settings, migrated):
    """The sidecar's app (in process) whose connections give up on a row lock after 1 s."""
    from sidecar import create_app

    database = dataclasses.replace(settings.database, lock_wait_seconds=1)
    return create_app(dataclasses.replace(settings, database=database)).test_client()


def test_a_lock_wait_timeout_gives_503_busy_no_partial_write(
    impatient_app, network, dave, admin_db
):
    """We hold the gap after the event log's last row, so the save's event INSERT waits on
    it until InnoDB gives up: the person is told to try again, and the customer row that
    was already updated in the same transaction is rolled back with it."""

    def send(path, method="GET", data=None):
        headers = account_headers(network, dave, path, method)
        return impatient_app.open(path, method=method, headers=headers, data=data)

    page = send("/account/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    form = {**personal_billing(dave), "csrf_token": token}
    before = billing_row(admin_db, dave["user_id"])
    with admin_db.transaction():
        admin_db.fetch_all(
            "SELECT id FROM wp_sidecar_events WHERE id > (SELECT MAX(id) FROM"
            " wp_sidecar_events) FOR UPDATE"
        )
        answer = send("/account/billing-address", "POST", form)
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.headers["Retry-After"] == "30"
    assert "Someone else was changing the same data" in answer.get_data(as_text=True)
    assert billing_row(admin_db, dave["user_id"]) == before

    again = send("/account/billing-address", "POST", form)
    assert again.status_code in (200, 303), again.get_data(as_text=True)
    assert billing_row(admin_db, dave["user_id"])["billing_city"] == form["billing_city"]


@pytest.fixture
def api_key(settings, migrated):
    db = connect(settings.database)
    key = create_key(db, "faults test")
    yield key
    db.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))
    db.close()


def test_api_connection_killed_mid_read_answers_json_503_then_recovers(
    sidecar_url, api_key, admin_db
):
    auth = {"Authorization": f"Bearer {api_key}"}
    url = f"{sidecar_url}/api/v1/sites/?limit=5"
    admin_db.execute("LOCK TABLES wp_blogs WRITE")
    try:
        pending = in_background(lambda: requests.get(url, headers=auth, timeout=60))
        kill_the_waiting_query(admin_db, "SELECT%wp_blogs")
    finally:
        admin_db.execute("UNLOCK TABLES")
    pending["thread"].join(30)
    answer = pending["answer"]
    assert answer.status_code == 503
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["Retry-After"] == "30"
    assert answer.json()["code"] == "unavailable"
    assert requests.get(url, headers=auth, timeout=60).status_code == 200


@pytest.fixture
def php_down(network):
    """Stop the network's php server for the test; start it again afterwards."""
    wp_path = Path(network["wp_path"])
    pid_file, log_file = wp_path.parent / "php.pid", wp_path.parent / "php.log"
    server.stop(pid_file, network["port"])
    yield
    server.start(network["port"], wp_path, pid_file, log_file)


def test_wordpress_down_the_account_page_says_so_instead_of_failing(
    sidecar_url, network, dave, admin_db, php_down
):
    page = call(sidecar_url, network, dave, "/account/")
    assert page.status_code == 200  # read from the database: WordPress is not needed
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    hash_before = admin_db.fetch_value(
        "SELECT user_pass FROM wp_users WHERE ID = %s", (dave["user_id"],)
    )
    new_password = "a brand new pass phrase 42"
    answer = call(
        sidecar_url,
        network,
        dave,
        "/account/password",
        "POST",
        {
            "current_password": dave["password"],
            "new_password": new_password,
            "new_password_again": new_password,
            "csrf_token": token,
        },
    )
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "30"
    assert "site is not reachable" in answer.text
    assert (
        admin_db.fetch_value("SELECT user_pass FROM wp_users WHERE ID = %s", (dave["user_id"],))
        == hash_before
    )


def test_connections_killed_between_requests_are_replaced_unnoticed(
    sidecar_url, network, customers, admin_db
):
    """Kill every idle connection of the sidecar's database user between requests (as a
    MariaDB restart or wait_timeout would; the web workers open one per request today, so
    this also guards a future pool): the next requests are served as if nothing happened."""
    alice = customers["alice"]
    for _ in range(4):
        assert call(sidecar_url, network, alice, "/account/").status_code == 200
    idle = admin_db.fetch_all(
        "SELECT ID, HOST FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()"
        " AND USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AND COMMAND = 'Sleep'"
    )
    ours = _own_client_ports()  # this test run's own connections (session fixtures) stay
    for row in idle:
        if row["HOST"].rpartition(":")[2] not in ours:
            admin_db.execute(f"KILL CONNECTION {int(row['ID'])}")
    answers = [call(sidecar_url, network, alice, "/account/").status_code for _ in range(6)]
    assert answers == [200] * 6


def _own_client_ports() -> set[str]:
    """The local TCP ports of this process's own sockets (its database connections), read
    from /proc: the sockets' inodes from /proc/self/fd, their ports from /proc/net/tcp*."""
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(str(int(fields[1].rpartition(":")[2], 16)))
    return ports
