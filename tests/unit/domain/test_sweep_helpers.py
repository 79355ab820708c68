"""Small pure parts of the sweep and its jobs."""

from datetime import date

import pytest

from sidecar.domain.sweep import parse_shard
from sidecar.jobs.limits_jobs import purge_cutoff


def test_shards():
    assert parse_shard("1/1") == (1, 1)
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/4", "5/4", "x", "2-4"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_visits_are_kept_for_13_whole_months():
    assert purge_cutoff(date(2025, 3, 15)) == date(2024, 2, 1)
    assert purge_cutoff(date(2025, 1, 1)) == date(2023, 12, 1)
    assert purge_cutoff(date(2025, 12, 31)) == date(2024, 11, 1)


def test_read_ahead_starts_the_next_batch_before_the_current_one_is_used():
    from concurrent.futures import Future

    from sidecar.domain.sweep import _read_ahead

    started = []

    def read(ids):
        started.append(ids[0])
        done = Future()
        done.set_result(f"counts of {ids[0]}")
        return done

    seen = []
    for ids, counts in _read_ahead(iter([[1], [2], [3]]), read):
        seen.append((ids[0], counts, list(started)))
    assert seen == [
        (1, "counts of 1", [1, 2]),
        (2, "counts of 2", [1, 2, 3]),
        (3, "counts of 3", [1, 2, 3]),
    ]
    assert list(_read_ahead(iter([[1]]), None)) == [([1], None)]
    assert list(_read_ahead(iter([]), read)) == []
