"""A 5-second version of ``make soak``: wrk on the Account page (one-time assertions, one per
request) and on the JSON API against the test network's sidecar — no errors."""

import pytest

from bench import load

pytestmark = pytest.mark.integration

SECONDS = 5
CONNECTIONS = 16


def test_account_page_under_load_answers_every_request(network, sidecar_url):
    report = load.load_account_page({**network, "sidecar_url": sidecar_url}, SECONDS, CONNECTIONS)
    assert report.requests >= 20, report
    assert report.errors == 0, report.detail
    assert 0 < report.p50 <= report.p99


def test_api_under_load_answers_every_request(network, sidecar_url):
    report = load.load_api({**network, "sidecar_url": sidecar_url}, SECONDS, CONNECTIONS)
    assert report.requests >= 50, report
    assert report.errors == 0, report.detail
    assert 0 < report.p50 <= report.p99


def test_a_replayed_or_forged_load_counts_as_errors(network, sidecar_url):
    """The load test can fail: assertions signed with another secret are all refused."""
    forged = {**network, "sidecar_url": sidecar_url, "secret": "0" * 64}
    report = load.load_account_page(forged, 1, 2)
    assert report.requests > 0 and report.errors >= report.requests
