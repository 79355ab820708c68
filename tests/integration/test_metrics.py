"""Prometheus metrics at /metrics: counted by route (URL rule), protected by address or token,
added up over gunicorn's workers in multiprocess mode; /readyz follows the database."""

import contextlib
import dataclasses
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "t" * 40


@pytest.fixture
def client(settings, migrated):
    from sidecar import create_app

    config = dataclasses.replace(
        settings, metrics=dataclasses.replace(settings.metrics, token=TOKEN)
    )
    return create_app(config).test_client()


def value(text: str, name: str, **labels) -> float:
    """The sample ``name{labels}`` of an exposition text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            found = dict(re.findall(r'(\w+)="([^"]*)"', line.split(" ")[0]))
            if all(found.get(k) == v for k, v in labels.items()):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_requests_are_counted_by_route_not_path(client):
    before = client.get("/metrics").text
    for site_id in (7, 8):
        client.get(f"/api/v1/sites/{site_id}")  # 401 without a key, still counted
    client.get("/no/such/page")
    after = client.get("/metrics").text
    route = "/api/v1/sites/<int:site_id>"
    assert (
        value(after, "sidecar_http_requests_total", route=route, status="401")
        - value(before, "sidecar_http_requests_total", route=route, status="401")
        == 2
    )
    assert "/api/v1/sites/7" not in after
    assert value(after, "sidecar_http_requests_total", route="<unmatched>", status="404") >= 1
    assert value(after, "sidecar_http_request_seconds_count", route=route, method="GET") >= 2
    assert re.search(r"^sidecar_sites_over_limits \d+", after, re.M)


def test_metrics_need_an_allowed_address_or_the_token(client):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 404
    wrong = {"Authorization": "Bearer " + "x" * 40}
    assert client.get("/metrics", environ_base=outside, headers=wrong).status_code == 404
    right = {"Authorization": f"Bearer {TOKEN}"}
    assert client.get("/metrics", environ_base=outside, headers=right).status_code == 200
    assert client.get("/metrics").status_code == 200  # 127.0.0.1 is in the default allow list


def test_jobs_and_helpers_are_counted(client, settings):
    from sidecar import metrics
    from sidecar.jobs.registry import find
    from sidecar.jobs.runner import run_job

    before = client.get("/metrics").text
    run_job(settings, find("maintenance.token_purge"))
    metrics.observe_template_switch(2.5, ok=True)
    metrics.observe_template_switch(1.0, ok=False)
    metrics.observe_webhook_delivery("invoice.paid", 0.2, ok=False)
    after = client.get("/metrics").text
    job = {"job": "maintenance.token_purge"}
    assert (
        value(after, "sidecar_job_runs_total", outcome="ok", **job)
        == value(before, "sidecar_job_runs_total", outcome="ok", **job) + 1
    )
    assert value(after, "sidecar_job_seconds_count", **job) >= 1
    assert value(after, "sidecar_template_switches_total", outcome="failed") >= 1
    assert value(after, "sidecar_template_switch_seconds_count") >= 2
    assert (
        value(after, "sidecar_webhook_deliveries_total", event="invoice.paid", outcome="failed")
        >= 1
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _gunicorn(config_path, port: int, **env) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "sidecar.wsgi:app",
        ],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path), **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def test_multiprocess_mode_adds_up_all_workers(config_path, migrated, tmp_path):
    port = _free_port()
    proc = _gunicorn(config_path, port, PROMETHEUS_MULTIPROC_DIR=str(tmp_path))
    try:
        for _ in range(20):
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    finally:
        _stop(proc)
    assert value(text, "sidecar_http_requests_total", route="/healthz", status="200") >= 20
    assert len(list(tmp_path.glob("counter_*.db"))) >= 2  # both workers wrote their counts


class _Proxy:
    """A TCP forwarder to MariaDB that can be switched off and on (the database 'stops')."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = _free_port()
        self.server = None
        self.conns: list[socket.socket] = []

    def start(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # shutdown wakes the thread blocked in accept()
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


def test_readyz_follows_the_database_without_a_restart(config_path, settings, migrated):
    proxy = _Proxy((settings.database.host, settings.database.port))
    proxy.start()
    port = _free_port()
    proc = _gunicorn(config_path, port, SIDECAR_DATABASE_PORT=str(proxy.port))
    url = f"http://127.0.0.1:{port}/readyz"
    try:
        assert requests.get(url, timeout=10).status_code == 200
        proxy.stop()
        down = requests.get(url, timeout=20)
        assert down.status_code == 503 and down.json()["checks"]["database"] == "unreachable"
        proxy.start()
        assert requests.get(url, timeout=10).status_code == 200
    finally:
        _stop(proc)
        proxy.stop()
