"""The event log as the admin reads it: filters (object, actor, action, dates, text), paging,
before/after as a list of changed fields; the retention job deletes old events only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from sidecar.config import EventsSettings
from sidecar.domain import event_log
from sidecar.domain.events import Actor, record
from sidecar.errors import Invalid
from sidecar.jobs import event_jobs

pytestmark = pytest.mark.integration
ADMIN = Actor("admin", 77)


def _seed(db, tag):
    record(db, ADMIN, "widget", 9001, f"{tag}.created", None, {"name": "A", "size": 1})
    record(
        db,
        ADMIN,
        "widget",
        9001,
        f"{tag}.updated",
        {"name": "A", "size": 1},
        {"name": "B", "size": 1},
    )
    record(db, Actor("system"), "widget", 9002, f"{tag}.updated", {"x": {"y": 1}}, {"x": {"y": 2}})


def test_diff_lists_only_changed_fields():
    assert event_log.diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == [
        {"field": "b", "before": 2, "after": 3},
        {"field": "c", "before": None, "after": 4},
    ]
    assert event_log.diff({"x": {"y": 1}}, {"x": {"y": 2}}) == [
        {"field": "x.y", "before": 1, "after": 2}
    ]
    assert event_log.diff(None, None) == []


def test_filters_and_paging(db):
    _seed(db, "zq")
    found = event_log.search(db, {"subject_type": "widget", "subject_id": 9001})
    assert [e["action"] for e in found.events] == ["zq.updated", "zq.created"]
    assert found.events[0]["diff"] == [{"field": "name", "before": "A", "after": "B"}]
    by_actor = event_log.search(db, {"subject_type": "widget", "actor_type": "system"})
    assert [e["subject_id"] for e in by_actor.events] == [9002]
    assert event_log.search(db, {"action": "zq.created"}).total == 1
    assert event_log.search(db, {"subject_type": "widget", "actor_id": 77}).total == 2
    today = datetime.utcnow().date()
    assert (
        event_log.search(db, {"subject_type": "widget", "since": today, "until": today}).total == 3
    )
    old = today - timedelta(days=3)
    assert event_log.search(db, {"subject_type": "widget", "until": old}).total == 0
    assert event_log.search(db, {"subject_type": "widget", "text": '"B"'}).total == 1
    page = event_log.search(db, {"subject_type": "widget"}, page=2, per_page=2)
    assert (page.total, page.pages, len(page.events)) == (3, 2, 1)


def test_bad_filters_are_refused(db):
    with pytest.raises(Invalid) as refused:
        event_log.search(db, {"since": "2026-05-02", "until": "2026-05-01"})
    assert "until" in refused.value.errors
    with pytest.raises(Invalid):
        event_log.search(db, {"since": "yesterday"})
    with pytest.raises(Invalid):
        event_log.search(db, {"actor_type": "robot"})


def test_the_retention_job_deletes_only_old_events(db, settings):
    _seed(db, "zr")
    ids = [e["id"] for e in event_log.search(db, {"subject_type": "widget"}).events]
    db.execute(
        "UPDATE wp_sidecar_events SET occurred_at = UTC_TIMESTAMP() - INTERVAL 400 DAY"
        " WHERE id = %s",
        (ids[-1],),
    )
    retention = replace(settings, events=EventsSettings(retention_days=365))
    assert event_jobs.prune(retention, db, datetime.utcnow()) >= 1
    left = [e["id"] for e in event_log.search(db, {"subject_type": "widget"}).events]
    assert left == ids[:-1]
