"""Mass actions over more than 10,000 customers: one request, set-based, all-or-nothing, one
event per customer plus a summary (real MariaDB; everything rolled back afterwards)."""

import pytest

from sidecar.domain.customer_grid import parse_state
from sidecar.domain.customer_mass import Selection, run, selected_count
from sidecar.domain.events import Actor
from sidecar.errors import Invalid
from sidecar.wp_bridge import WordPress

pytestmark = pytest.mark.integration

COUNT = 10_500
ADMIN = Actor("admin", 1, "mass-test")


@pytest.fixture
def many(db):
    """COUNT users ``masscus<n>`` with customer rows, half of them in the Netherlands."""
    db.execute(
        "INSERT INTO wp_users (user_login, user_pass, user_nicename, user_email, user_url,"
        " user_registered, user_activation_key, user_status, display_name)"
        " SELECT CONCAT('masscus', seq), '', CONCAT('masscus', seq),"
        " CONCAT('masscus', seq, '@example.test'), '', UTC_TIMESTAMP(), '', 0,"
        f" CONCAT('Mass ', seq) FROM seq_1_to_{COUNT}"
    )
    db.execute(
        "INSERT INTO wp_sidecar_customers (user_id, created_at, updated_at, country)"
        " SELECT ID, UTC_TIMESTAMP(), UTC_TIMESTAMP(), IF(ID %% 2, 'NL', 'DE') FROM wp_users"
        " WHERE user_login LIKE 'masscus%%'"
    )
    group = db.insert(
        "INSERT INTO wp_sidecar_customer_groups (name, created_at)"
        " VALUES ('Mass test', UTC_TIMESTAMP())"
    )
    return group


def test_assigning_a_group_to_every_match_is_one_set_based_request(db, many):
    state = parse_state({"q": "masscus"})
    selection = Selection(state, None)
    assert selected_count(db, selection) == COUNT
    result = run(WordPress(db, None, None, 1), selection, "assign_group", many, ADMIN)
    assert result.changed == COUNT and not result.refused
    assert (
        db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_customers WHERE group_id = %s", (many,))
        == COUNT
    )
    events = db.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_events WHERE action ="
        " 'customer.assign_group' AND request_id = 'mass-test'"
    )
    assert events == COUNT
    summary = db.fetch_one(
        "SELECT * FROM wp_sidecar_events WHERE action ="
        " 'customers.mass_assign_group' AND request_id = 'mass-test'"
    )
    assert f'"customers": {COUNT}' in summary["after_state"]
    assert '"q": "masscus"' in summary["after_state"]


def test_newsletter_for_the_filtered_half(db, many):
    selection = Selection(parse_state({"q": "masscus", "f.country": "NL"}), None)
    result = run(WordPress(db, None, None, 1), selection, "subscribe", None, ADMIN)
    nl = db.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_customers c JOIN wp_users u"
        " ON u.ID = c.user_id WHERE u.user_login LIKE 'masscus%%'"
        " AND c.country = 'NL'"
    )
    assert result.changed == nl
    subscribed = db.fetch_value(
        "SELECT COUNT(*) FROM wp_sidecar_customers c JOIN wp_users u"
        " ON u.ID = c.user_id WHERE u.user_login LIKE 'masscus%%'"
        " AND c.newsletter = 1"
    )
    assert subscribed == nl


def test_unknown_group_changes_nothing(db, many):
    selection = Selection(parse_state({"q": "masscus"}), None)
    with pytest.raises(Invalid):
        run(WordPress(db, None, None, 1), selection, "assign_group", 987654321, ADMIN)
    assert (
        db.fetch_value("SELECT COUNT(*) FROM wp_sidecar_customers WHERE group_id = 987654321") == 0
    )


def test_deleting_more_than_the_limit_is_refused_with_a_reason(db, many):
    selection = Selection(parse_state({"q": "masscus"}), None)
    with pytest.raises(Invalid) as refused:
        run(WordPress(db, None, None, 1), selection, "delete", None, ADMIN)
    assert "at most 100" in str(refused.value.errors)


def test_a_newsletter_mass_action_queues_one_webhook_event(db, many):
    from sidecar.domain import webhooks
    from sidecar.domain.events import SYSTEM

    hook, _ = webhooks.create_webhook(
        db,
        1,
        {"name": "News", "url": "http://127.0.0.1:9/", "events": ["newsletter.subscribed"]},
        SYSTEM,
    )
    state = parse_state({"q": "masscus"})
    result = run(WordPress(db, None, None, 1), Selection(state, None), "subscribe", None, ADMIN)
    assert result.changed == COUNT
    (delivery,) = webhooks.delivery_log(db, 1, hook["id"])
    assert delivery["event_type"] == "newsletter.subscribed"
