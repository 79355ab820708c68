"""The bridge's connection: transactions, savepoints, migrations — against real MariaDB."""

import pytest

from sidecar.store import migrate as migrations
from sidecar.wp_bridge.db import DatabaseBusy, DatabaseUnavailable, connect

pytestmark = pytest.mark.integration


def test_nested_transaction_rolls_back_only_the_inner_block(db):
    db.execute("CREATE TEMPORARY TABLE t_nested (v INT) ENGINE=InnoDB")
    with db.transaction():
        db.execute("INSERT INTO t_nested VALUES (1)")
        with pytest.raises(RuntimeError), db.transaction():
            db.execute("INSERT INTO t_nested VALUES (2)")
            raise RuntimeError("inner fails")
    assert [r["v"] for r in db.fetch_all("SELECT v FROM t_nested")] == [1]


def test_outer_failure_rolls_back_everything(settings, migrated):
    conn = connect(settings.database)
    try:
        conn.execute("CREATE TEMPORARY TABLE t_outer (v INT) ENGINE=InnoDB")
        with pytest.raises(ValueError), conn.transaction():
            conn.execute("INSERT INTO t_outer VALUES (1)")
            raise ValueError
        assert conn.fetch_value("SELECT COUNT(*) FROM t_outer") == 0
    finally:
        conn.close()


def test_migrations_are_idempotent_and_recorded(settings, migrated):
    conn = connect(settings.database)
    try:
        assert migrations.migrate(conn) == []
        assert migrations.pending(conn) == []
        versions = migrations.applied_versions(conn)
        assert {m.version for m in migrations.available()} <= versions
    finally:
        conn.close()


def test_unreachable_database_is_a_clear_error(settings):
    from dataclasses import replace

    with pytest.raises(DatabaseUnavailable, match="cannot connect"):
        connect(replace(settings.database, port=1))


def _cross_update(settings, nested: bool) -> tuple[list, list, list]:
    """Two connections bump rows 1 and 2 of a fresh table in opposite order (each waits for
    the other's first update, once), through ``retrying`` — inside an outer transaction
    when ``nested``. Returns (runs, errors, final values)."""
    import threading

    setup = connect(settings.database)
    setup.execute("DROP TABLE IF EXISTS sidecar_test_deadlock")
    setup.execute("CREATE TABLE sidecar_test_deadlock (id INT PRIMARY KEY, v INT) ENGINE=InnoDB")
    setup.execute("INSERT INTO sidecar_test_deadlock VALUES (1, 0), (2, 0)")
    holding = {1: threading.Event(), 2: threading.Event()}
    runs, errors = [], []

    def worker(first: int, second: int) -> None:
        conn = connect(settings.database)

        def work() -> None:
            runs.append(first)
            bump = "UPDATE sidecar_test_deadlock SET v = v + 1 WHERE id = %s"
            conn.execute(bump, (first,))
            if not holding[first].is_set():  # only the first attempt waits for the crossing
                holding[first].set()
                holding[second].wait(10)
            conn.execute(bump, (second,))

        try:
            if nested:
                with conn.transaction():
                    conn.retrying(work)
            else:
                conn.retrying(work)
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in ((1, 2), (2, 1))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        values = setup.fetch_all("SELECT v FROM sidecar_test_deadlock ORDER BY id")
        return runs, errors, [r["v"] for r in values]
    finally:
        setup.execute("DROP TABLE IF EXISTS sidecar_test_deadlock")
        setup.close()


def test_retrying_runs_a_deadlock_victim_again_until_both_transactions_land(settings, migrated):
    """InnoDB rolls one of two crossing transactions back as the deadlock victim, and
    ``retrying`` runs that one's work again, so both increments land."""
    runs, errors, values = _cross_update(settings, nested=False)
    assert errors == []
    assert len(runs) == 3  # one of the two was rolled back once and ran again
    assert values == [2, 2]


def test_a_deadlock_inside_an_outer_transaction_goes_up_as_busy(settings, migrated):
    """Nested, the work runs once: the victim's whole transaction is gone (savepoints too),
    so the error reaches the outer owner as DatabaseBusy, not as a failed savepoint."""
    runs, errors, values = _cross_update(settings, nested=True)
    assert len(runs) == 2
    assert len(errors) == 1 and isinstance(errors[0], DatabaseBusy) and errors[0].deadlock
    assert values == [1, 1]  # the survivor's increments; the victim's were rolled back
