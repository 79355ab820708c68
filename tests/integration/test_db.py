"""The bridge's connection: transactions, savepoints, migrations — against real MariaDB."""

import pytest

from sidecar.store import migrate as migrations
from sidecar.wp_bridge.db import DatabaseUnavailable, connect

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
