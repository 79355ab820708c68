"""Schemathesis over the JSON API's own OpenAPI description: every operation, with a valid API
key and with none. Goals: never a server error, every answer (status, content type, headers,
body) as the spec says, schema-invalid input refused. ``FUZZ_EXAMPLES`` sets the examples per
operation (default 15, bounded for ``make test``).

Writes never touch the network's real objects: changes (POST/PUT/PATCH/DELETE) with an id in
the path go to ids that do not exist, and every row the fuzzer adds to the sidecar's tables is
deleted afterwards. Input the spec allows but a validator refuses with the documented 422
(e.g. ``<`` in an address, which OpenAPI cannot express) is not a failure."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from sidecar.domain.api_keys import create_key
from sidecar.wp_bridge.db import connect

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or 15)
SPEC = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def operations(sidecar_url) -> list:
    """Every operation of the spec as the running sidecar serves it."""
    schema = schemathesis.openapi.from_url(f"{sidecar_url}{SPEC}")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 10, "the spec lost its operations"
    return found


def numbered_tables(db) -> list[str]:
    """The sidecar's tables with an AUTO_INCREMENT ``id``."""
    rows = db.fetch_all(
        "SELECT table_name AS t FROM information_schema.columns WHERE table_schema = DATABASE()"
        " AND table_name LIKE %s AND column_name = 'id' AND extra LIKE %s",
        ("wp\\_sidecar\\_%", "%auto_increment%"),
    )
    return [row["t"] for row in rows]


@pytest.fixture(scope="module")
def fuzz_key(settings, migrated):
    """A real API key; afterwards every row added to the sidecar's tables is deleted."""
    db = connect(settings.database)
    before = {
        name: db.fetch_value(f"SELECT COALESCE(MAX(id), 0) FROM `{name}`")
        for name in numbered_tables(db)
    }
    key = create_key(db, "fuzz test")
    yield key
    for name, last in before.items():
        db.execute(f"DELETE FROM `{name}` WHERE id > %s", (last,))
    db.close()


def away_from_real_objects(case) -> None:
    """Point a change's integer path ids at objects that do not exist."""
    if case.method.upper() != "GET" and case.path_parameters:
        for name, value in case.path_parameters.items():
            if isinstance(value, int) and not isinstance(value, bool):
                case.path_parameters[name] = 10**9 + abs(value)


def fuzz(operation, check) -> str | None:
    """Run ``check(case)`` on EXAMPLES generated cases of ``operation``; return the failure."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        check(case)

    try:
        run()
    except (Exception, ExceptionGroup) as error:  # every operation's failure, not the first
        return f"{operation.method.upper()} {operation.path}: {error}"
    return None


def test_with_a_valid_key_every_answer_is_as_specified(operations, sidecar_url, fuzz_key):
    def check(case):
        away_from_real_objects(case)
        case.call_and_validate(
            base_url=sidecar_url,
            headers={"Authorization": f"Bearer {fuzz_key}"},
            timeout=30,
            excluded_checks=[ignored_auth, positive_data_acceptance],
        )

    failures = [f for f in (fuzz(op, check) for op in operations) if f]
    assert not failures, "\n\n".join(failures)


def test_without_a_key_every_operation_is_refused(operations, sidecar_url):
    def check(case):
        if case.headers:
            case.headers.pop("Authorization", None)
        response = case.call(base_url=sidecar_url, timeout=30)
        if case.path == SPEC:
            assert response.status_code == 200
            return
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "invalid_api_key"
        case.validate_response(response, excluded_checks=[ignored_auth])

    failures = [f for f in (fuzz(op, check) for op in operations) if f]
    assert not failures, "\n\n".join(failures)
