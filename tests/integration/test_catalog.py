"""The catalog against MariaDB: products, plan groups, discount codes, events, demo data."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidecar.domain import catalog, discounts, events
from sidecar.domain.catalog_demo import seed_demo_catalog
from sidecar.domain.events import Actor
from sidecar.domain.limit_types import LIMIT_TYPES
from sidecar.domain.money import CURRENCIES
from sidecar.errors import Conflict, Invalid, NotFound

pytestmark = pytest.mark.integration

ADMIN = Actor("admin", 1, "test")
NOW = datetime(2030, 6, 1, 12, 0)


def plan_data(**changes):
    return {
        "type": "plan",
        "name": "Test Starter",
        "price": "9",
        "currency": "EUR",
        "billing_period": "month",
        "limits": {"disk_mb": 1000, "posts": 50, "pages": 0},
        **changes,
    }


def test_create_a_plan_with_limits_and_a_derived_slug(db):
    plan = catalog.create_product(db, plan_data(), ADMIN)
    assert plan.slug == "test-starter"
    assert plan.price == Decimal("9.00") and plan.setup_fee == Decimal("0.00")
    assert plan.limits == {key: None for key in LIMIT_TYPES} | {"disk_mb": 1000, "posts": 50}
    assert plan.active and plan.plan_group_id is None
    assert catalog.get_product(db, plan.id) == plan
    again = catalog.create_product(db, plan_data(), ADMIN)
    assert again.slug == "test-starter-2"
    [event] = events.history(db, "product", plan.id)
    assert event["action"] == "product.created" and event["actor_type"] == "admin"
    assert event["after_state"]["price"] == "9.00"


def test_packages_keep_only_what_they_add_and_services_have_no_limits(db):
    package = catalog.create_product(
        db,
        plan_data(type="package", name="Test disk", limits={"disk_mb": "5120", "posts": None}),
        ADMIN,
    )
    assert package.limits == {"disk_mb": 5120}
    service = catalog.create_product(
        db, plan_data(type="service", name="Test logo", billing_period="once", limits={}), ADMIN
    )
    assert service.limits == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price": "-1"}, "price", "Price must be 0 or more."),
        ({"currency": "XYZ"}, "currency", "Unknown currency XYZ."),
        ({"type": "package", "plan_group_id": 1}, "plan_group_id", "A package cannot belong"),
        ({"name": " "}, "name", "Give the product a name."),
        ({"billing_period": "week"}, "billing_period", "month, year or once"),
        ({"type": "service", "limits": {"posts": 3}}, "limits", "A service has no limits"),
        ({"plan_group_id": 999999}, "plan_group_id", "does not exist"),
        ({"slug": "Not A Slug"}, "slug", "lowercase letters"),
    ],
)
def test_refused_products_name_the_field_and_write_nothing(db, changes, field, message):
    count = len(catalog.list_products(db))
    with pytest.raises(Invalid) as refused:
        catalog.create_product(db, plan_data(**changes), ADMIN)
    assert message in " ".join(map(str, refused.value.errors[field]))
    assert len(catalog.list_products(db)) == count


def test_limit_values_are_checked_per_limit_type(db):
    with pytest.raises(Invalid) as refused:
        catalog.create_product(db, plan_data(limits={"posts": -1, "bogus": 3}), ADMIN)
    assert "Posts must be a whole number" in refused.value.errors["limits"]["posts"][0]
    assert "Unknown limit type bogus." in refused.value.errors["limits"]["bogus"]


def test_an_explicit_slug_must_be_free(db):
    catalog.create_product(db, plan_data(slug="test-taken"), ADMIN)
    with pytest.raises(Invalid) as refused:
        catalog.create_product(db, plan_data(slug="test-taken", price="-1"), ADMIN)
    assert "already uses the slug test-taken" in refused.value.errors["slug"][0]
    assert refused.value.errors["price"] == ["Price must be 0 or more."]


def test_update_replaces_given_fields_and_records_before_and_after(db):
    plan = catalog.create_product(db, plan_data(), ADMIN)
    changed = catalog.update_product(
        db, {"id": plan.id, "price": Decimal("12.50"), "limits": {"posts": 80}}, ADMIN
    )
    assert changed.price == Decimal("12.50") and changed.name == plan.name
    assert changed.limits["posts"] == 80 and changed.limits["disk_mb"] is None
    latest = events.history(db, "product", plan.id)[0]
    assert latest["action"] == "product.updated"
    assert latest["before_state"]["price"] == "9.00" and latest["after_state"]["price"] == "12.50"
    with pytest.raises(Invalid) as refused:
        catalog.update_product(db, {"id": plan.id, "type": "package"}, ADMIN)
    assert "cannot change" in refused.value.errors["type"][0]
    with pytest.raises(NotFound):
        catalog.update_product(db, {"id": 999999, "price": 1}, ADMIN)


def test_deactivate_and_filters(db):
    plan = catalog.create_product(db, plan_data(), ADMIN)
    off = catalog.deactivate_product(db, plan.id, ADMIN)
    assert not off.active
    assert events.history(db, "product", plan.id)[0]["action"] == "product.deactivated"
    assert plan.id not in {p.id for p in catalog.list_products(db, active_only=True)}
    assert plan.id in {p.id for p in catalog.search_products(db, active=False)}
    assert all(p.type == "plan" for p in catalog.list_products(db, type="plan"))
    assert catalog.activate_product(db, plan.id, ADMIN).active


def test_plan_groups(db):
    group = catalog.create_plan_group(db, "  Test group ", ADMIN)
    assert group.name == "Test group"
    with pytest.raises(Invalid):
        catalog.create_plan_group(db, "test GROUP", ADMIN)  # names are case-insensitive
    small = catalog.create_product(db, plan_data(plan_group_id=group.id, sort_order=2), ADMIN)
    big = catalog.create_product(
        db, plan_data(name="Test Big", plan_group_id=group.id, sort_order=1), ADMIN
    )
    assert [p.id for p in catalog.plans_in_group(db, group.id)] == [big.id, small.id]
    catalog.deactivate_product(db, big.id, ADMIN)
    assert [p.id for p in catalog.plans_in_group(db, group.id)] == [small.id]
    assert len(catalog.plans_in_group(db, group.id, active_only=False)) == 2
    with pytest.raises(Conflict):
        catalog.delete_plan_group(db, group.id, ADMIN)
    renamed = catalog.rename_plan_group(db, group.id, "Test renamed", ADMIN)
    assert catalog.get_plan_group(db, group.id) == renamed
    empty = catalog.create_plan_group(db, "Test empty", ADMIN)
    catalog.delete_plan_group(db, empty.id, ADMIN)
    with pytest.raises(NotFound):
        catalog.get_plan_group(db, empty.id)


def code_data(**changes):
    return {"code": "test10", "kind": "percent", "amount": "10", **changes}


def test_discount_codes_are_stored_in_capitals_and_found_case_insensitively(db):
    code = discounts.create_code(db, code_data(description=" Spring "), ADMIN)
    assert code.code == "TEST10" and code.description == "Spring" and code.currency is None
    found = discounts.find_usable(db, " test10 ", currency="USD", now=NOW)
    assert found.id == code.id
    assert events.history(db, "discount_code", code.id)[0]["action"] == "discount_code.created"
    with pytest.raises(Invalid) as refused:
        discounts.create_code(db, code_data(code="Test10"), ADMIN)
    assert "already a discount code TEST10" in refused.value.errors["code"][0]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"valid_from": NOW + timedelta(days=1)}, "can be used from"),
        ({"valid_until": NOW - timedelta(seconds=1)}, "expired on"),
        ({"active": False}, "no longer available"),
        ({"kind": "fixed", "amount": "5", "currency": "USD"}, "only applies to prices in USD"),
    ],
)
def test_find_usable_says_why_a_code_cannot_be_used(db, changes, words):
    discounts.create_code(db, code_data(**changes), ADMIN)
    with pytest.raises(Invalid) as refused:
        discounts.find_usable(db, "TEST10", currency="EUR", now=NOW)
    assert words in refused.value.errors["discount_code"][0]
    assert words in refused.value.message


def test_unknown_codes_are_refused(db):
    with pytest.raises(Invalid) as refused:
        discounts.find_usable(db, "NO-SUCH-CODE", currency="EUR", now=NOW)
    assert "There is no discount code NO-SUCH-CODE" in refused.value.message


def test_a_fixed_code_in_another_currency_is_refused(db):
    code = discounts.create_code(db, code_data(kind="fixed", amount="5", currency="eur"), ADMIN)
    assert code.currency == "EUR"
    assert discounts.find_usable(db, "TEST10", currency="EUR", now=NOW).id == code.id

    @settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from([c for c in CURRENCIES if c != "EUR"]))
    def refused_in(currency):
        with pytest.raises(Invalid, match="only applies to prices in EUR"):
            discounts.find_usable(db, "TEST10", currency=currency, now=NOW)

    refused_in()


def test_redeem_counts_uses_atomically_until_used_up(db):
    code = discounts.create_code(db, code_data(max_uses=2), ADMIN)
    assert discounts.redeem(db, code.id).uses == 1
    assert discounts.redeem(db, code.id).uses == 2
    with pytest.raises(Conflict):
        discounts.redeem(db, code.id)
    with pytest.raises(Invalid) as refused:
        discounts.find_usable(db, "TEST10", currency="EUR", now=NOW)
    assert "used up" in refused.value.message
    with pytest.raises(NotFound):
        discounts.redeem(db, 999999)
    with pytest.raises(Invalid) as lower:
        discounts.update_code(db, {"id": code.id, "max_uses": 1}, ADMIN)
    assert "already used 2 times" in lower.value.errors["max_uses"][0]


def test_update_and_deactivate_a_code(db):
    code = discounts.create_code(db, code_data(), ADMIN)
    changed = discounts.update_code(
        db, {"id": code.id, "amount": "15", "applies_to_renewals": True}, ADMIN
    )
    assert changed.amount == Decimal("15.00") and changed.applies_to_renewals
    off = discounts.deactivate_code(db, code.id, ADMIN)
    assert not off.active
    actions = [e["action"] for e in events.history(db, "discount_code", code.id)]
    assert actions == [
        "discount_code.deactivated",
        "discount_code.updated",
        "discount_code.created",
    ]
    with pytest.raises(Invalid) as refused:
        discounts.update_code(
            db, {"id": code.id, "valid_from": NOW, "valid_until": NOW - timedelta(days=1)}, ADMIN
        )
    assert "on or after the start date" in refused.value.errors["valid_until"][0]


def test_seed_demo_catalog_is_idempotent(db):
    first = seed_demo_catalog(db)
    second = seed_demo_catalog(db)
    assert first == second
    assert set(first) == {
        "starter",
        "business",
        "agency",
        "extra-5-gb-disk",
        "extra-50000-visits",
        "logo-design",
    }
    agency = catalog.get_product(db, first["agency"])
    assert agency.price == Decimal("290.00") and agency.billing_period == "year"
    assert agency.limits["posts"] is None and agency.limits["disk_mb"] == 20000
    starter = catalog.get_product(db, first["starter"])
    assert starter.limits["visits_month"] == 10000 and starter.currency == "EUR"
    group = catalog.get_plan_group(db, starter.plan_group_id)
    assert group.name == "Website plans"
    assert [p.slug for p in catalog.plans_in_group(db, group.id)][:3] == [
        "starter",
        "business",
        "agency",
    ]
    assert catalog.get_product(db, first["logo-design"]).billing_period == "once"
    welcome = discounts.find_usable(db, "WELCOME10", currency="EUR", now=NOW)
    assert welcome.kind == "percent" and welcome.amount == 10
    assert not welcome.applies_to_renewals
