"""``sidecar import ultimate-multisite``: Ultimate Multisite's tables (built from its documented
schema, fixtures/ultimate_multisite_schema.sql) with sample rows — awkward ones included —
become the sidecar's products, codes, customers, memberships, invoices and domains; a rerun
creates nothing twice; a dry run writes nothing; broken rows are reported, not fatal."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pymysql
import pytest

from sidecar.wp_bridge.phpserial import PHPObject, dumps

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("fixtures") / "ultimate_multisite_schema.sql"
TABLES = (
    "wu_customers",
    "wu_customermeta",
    "wu_products",
    "wu_productmeta",
    "wu_memberships",
    "wu_payments",
    "wu_discount_codes",
    "wu_domain_mappings",
)

STARTER_LIMITS = {
    "post_types": {
        "enabled": True,
        "limit": {
            "post": {"enabled": True, "number": 10},
            "page": {"enabled": True, "number": 5},
            "product": {"enabled": True, "number": 0},
            "attachment": {"enabled": False, "number": 3},
        },
    },
    "users": {"enabled": True, "limit": {"administrator": {"enabled": True, "number": 2}}},
    "disk_space": {"enabled": True, "limit": 100},
    "visits": {"enabled": True, "limit": "1000"},
    "sites": {"enabled": True, "limit": 1},
    "domain_mapping": {"enabled": True, "limit": 2},
    "plugins": {"enabled": True, "limit": {}},
}


def _sql(conn, statement, params=()):
    with conn.cursor() as cur:
        cur.execute(statement, params)


def _connect(db: dict):
    return pymysql.connect(
        host=db["host"],
        port=db["port"],
        user=db["user"],
        password=db["password"],
        database=db["name"],
        autocommit=True,
    )


@pytest.fixture(scope="module")
def source(network, migrated):
    """Their tables with sample rows (committed; dropped again at the end)."""
    alice, bob = network["customers"][0], network["customers"][1]
    conn = _connect(network["db"])
    p = network["db"]["table_prefix"]
    try:
        for table in TABLES:
            _sql(conn, f"DROP TABLE IF EXISTS {p}{table}")
        for statement in SCHEMA.read_text().split(";\n"):
            if "CREATE TABLE" in statement:
                _sql(conn, statement.replace("{prefix}", p))
        _rows(conn, p, alice, bob)
        yield {"alice": alice, "bob": bob}
    finally:
        for table in TABLES:
            _sql(conn, f"DROP TABLE IF EXISTS {p}{table}")
        _sql(
            conn,
            f"DELETE FROM {p}blogmeta WHERE meta_key IN ('wu_customer_id',"
            " 'wu_membership_id', 'wu_type')",
        )
        conn.close()


def _rows(conn, p, alice, bob):
    insert = lambda table, **values: _sql(  # noqa: E731
        conn,
        f"INSERT INTO {p}{table} ({', '.join(values)}) VALUES ({', '.join(['%s'] * len(values))})",
        tuple(values.values()),
    )
    insert("wu_customers", id=11, user_id=alice["user_id"], date_registered="2024-01-02 10:00:00")
    insert("wu_customers", id=12, user_id=bob["user_id"])
    insert("wu_customers", id=13, user_id=987654)  # the WordPress user is gone
    address = PHPObject(
        "WP_Ultimo\\Objects\\Billing_Address",
        {
            "\0*\0attributes": {
                "company_name": "Alice's Bakery Ltd",
                "billing_email": "a@x.test",
                "billing_address_line_1": "1 Oven Street",
                "billing_city": "Ghent",
                "billing_zip_code": "9000",
                "billing_country": "be",
            }
        },
    )
    insert(
        "wu_customermeta",
        wu_customer_id=11,
        meta_key="wu_billing_address",
        meta_value=dumps(address),
    )
    plan = {"currency": "EUR", "recurring": 1, "duration": 1, "type": "plan", "active": 1}
    insert(
        "wu_products",
        id=1,
        name="Starter",
        slug="um-starter",
        amount="29.0000",
        setup_fee="10.0000",
        duration_unit="month",
        **plan,
    )
    insert(
        "wu_products",
        id=2,
        name="Extra disk",
        slug="um-extra-disk",
        amount="5.0000",
        duration_unit="month",
        **{**plan, "type": "package"},
    )
    insert(
        "wu_products",
        id=3,
        name="Quarterly",
        slug="um-quarterly",
        amount="80.0000",
        duration_unit="month",
        **{**plan, "duration": 3},
    )
    insert(
        "wu_products",
        id=4,
        name="Broken limits",
        slug="um-broken",
        amount="1.0000",
        duration_unit="year",
        **plan,
    )
    insert(
        "wu_products",
        id=5,
        name="Setup help",
        slug="um-setup",
        amount="99.0000",
        duration_unit="month",
        **{**plan, "type": "service", "recurring": 0},
    )
    insert(
        "wu_productmeta",
        wu_product_id=1,
        meta_key="wu_limitations",
        meta_value=dumps(STARTER_LIMITS),
    )
    insert(
        "wu_productmeta",
        wu_product_id=2,
        meta_key="wu_limitations",
        meta_value=dumps({"disk_space": {"enabled": True, "limit": 500}}),
    )
    insert(
        "wu_productmeta",
        wu_product_id=4,
        meta_key="wu_limitations",
        meta_value='a:2:{s:5:"sites";a:1:{',
    )  # truncated: not valid serialized PHP
    member = {"currency": "EUR", "recurring": 1, "duration": 1, "duration_unit": "month"}
    insert(
        "wu_memberships",
        id=21,
        customer_id=11,
        plan_id=1,
        status="active",
        initial_amount="39.0000",
        amount="29.0000",
        times_billed=3,
        addon_products=dumps({2: 1}),
        date_expiration="2031-02-01 00:00:00",
        **member,
    )
    insert(
        "wu_memberships",
        id=22,
        customer_id=12,
        plan_id=1,
        status="cancelled",
        amount="29.0000",
        date_cancellation="2025-05-05 12:00:00",
        **member,
    )
    insert("wu_memberships", id=23, customer_id=12, plan_id=77, status="active", **member)
    insert("wu_memberships", id=24, customer_id=13, plan_id=1, status="active", **member)
    for blog_id, membership, customer in ((alice["blog_id"], 21, 11), (bob["blog_id"], 22, 12)):
        for key, value in (
            ("wu_membership_id", membership),
            ("wu_customer_id", customer),
            ("wu_type", "customer_owned"),
        ):
            insert("blogmeta", blog_id=blog_id, meta_key=key, meta_value=str(value))
    pay = {"currency": "EUR", "gateway": "stripe"}
    insert(
        "wu_payments",
        id=31,
        customer_id=11,
        membership_id=21,
        product_id=1,
        status="completed",
        subtotal="39.0000",
        total="39.0000",
        gateway_payment_id="pi_123",
        date_created="2024-01-02 10:00:00",
        **pay,
    )
    insert(
        "wu_payments",
        id=32,
        customer_id=11,
        membership_id=21,
        product_id=1,
        status="pending",
        subtotal="29.0000",
        tax_total="6.0900",
        total="35.0900",
        date_created="2024-02-02 10:00:00",
        **pay,
    )
    insert(
        "wu_payments",
        id=33,
        customer_id=12,
        membership_id=22,
        product_id=1,
        status="refunded",
        subtotal="29.0000",
        total="29.0000",
        date_created="2024-03-02 10:00:00",
        **pay,
    )
    insert(
        "wu_payments",
        id=34,
        customer_id=12,
        membership_id=23,
        status="completed",
        subtotal="5.0000",
        total="5.0000",
        **pay,
    )
    insert(
        "wu_discount_codes",
        id=41,
        name="Welcome",
        code="welcome10",
        type="percentage",
        value="10.0000",
        apply_to_renewals=1,
        max_uses=100,
    )
    insert(
        "wu_discount_codes",
        id=42,
        name="Five off",
        code="FIVEOFF",
        type="absolute",
        value="5.0000",
        date_expiration="2030-01-01 00:00:00",
    )
    insert(
        "wu_domain_mappings",
        id=51,
        blog_id=alice["blog_id"],
        domain="alice-bakery.example",
        active=1,
        primary_domain=1,
        stage="done",
        date_modified="2024-01-03 00:00:00",
    )
    insert(
        "wu_domain_mappings",
        id=52,
        blog_id=bob["blog_id"],
        domain="bobs-bikes.example",
        active=1,
        stage="checking-dns",
    )
    insert("wu_domain_mappings", id=53, blog_id=99999, domain="ghost.example", stage="done")
    insert(
        "wu_domain_mappings",
        id=54,
        blog_id=alice["blog_id"],
        domain="not a domain!",
        stage="checking-dns",
    )


def _run(db, settings, **kw):
    from sidecar.domain.clock import utcnow
    from sidecar.domain.import_ultimo import import_ultimate_multisite

    return import_ultimate_multisite(db, settings.wordpress.network_id, utcnow(), **kw)


def _counts(db) -> dict:
    from sidecar.store import table

    return {
        name: db.fetch_value(f"SELECT COUNT(*) FROM {table(db.prefix, name)}")
        for name in (
            "products",
            "discount_codes",
            "customers",
            "memberships",
            "invoices",
            "payments",
            "domains",
            "membership_packages",
            "import_map",
        )
    }


def _clean_slate(db, people) -> None:
    """Inside the test's rolled-back transaction: the sidecar knows neither customer nor their
    sites yet (other tests may have given them memberships on a shared network)."""
    from sidecar.store import table

    users = [p["user_id"] for p in people]
    blogs = [p["blog_id"] for p in people]
    db.execute(
        f"UPDATE {table(db.prefix, 'memberships')} SET blog_id = NULL WHERE blog_id IN (%s, %s)",
        blogs,
    )
    db.execute(f"DELETE FROM {table(db.prefix, 'customers')} WHERE user_id IN (%s, %s)", users)
    # Codes the shared network may hold already (demo catalogue, other tests) move aside.
    db.execute(
        f"UPDATE {table(db.prefix, 'discount_codes')} SET code = CONCAT('X', id, '-', code)"
        " WHERE code IN ('WELCOME10', 'FIVEOFF')"
    )


def test_import_creates_the_sidecars_equivalents(db, settings, source):
    from sidecar.store import customers, discount_codes, domains, memberships, products

    alice, bob = source["alice"], source["bob"]
    _clean_slate(db, [alice, bob])
    before = _counts(db)
    report = _run(db, settings)
    after = _counts(db)
    assert report.imported == {
        "product": 3,
        "discount_code": 2,
        "customer": 2,
        "membership": 2,
        "payment": 3,
        "domain": 2,
    }, report.lines()
    reasons = {(k, i): r for k, i, r in report.skipped}
    assert "billing every 3 month(s)" in reasons[("product", 3)]
    assert "not valid serialized PHP" in reasons[("product", 4)]
    assert "WordPress user 987654 does not exist" in reasons[("customer", 13)]
    assert "plan (product 77) is missing" in reasons[("membership", 23)]
    assert "customer was not imported" in reasons[("membership", 24)]
    assert "membership 23 was not imported" in reasons[("payment", 34)]
    assert "site 99999 does not exist" in reasons[("domain", 53)]
    assert "is not a domain name" in reasons[("domain", 54)]
    assert after["products"] - before["products"] == 3
    assert after["invoices"] - before["invoices"] == 3
    assert after["payments"] - before["payments"] == 2  # completed and refunded

    starter = products.get_by_slug(db, "um-starter")
    assert starter["limits"] == {
        "posts": 10,
        "pages": 5,
        "post_type.product": None,
        "users_role.administrator": 2,
        "disk_mb": 100,
        "visits_month": 1000,
        "sites": 1,
        "domains": 2,
    }
    assert starter["allow_custom_domains"] and starter["billing_period"] == "month"
    assert starter["price"] == Decimal("29.00") and starter["currency"] == "EUR"
    assert products.get_by_slug(db, "um-setup")["billing_period"] == "once"

    customer = customers.find_by_user(db, alice["user_id"])
    assert customer["billing_company"] == "Alice's Bakery Ltd"
    assert customer["billing_country"] == "BE" and customer["billing_postcode"] == "9000"
    mine = memberships.find_by_blog(db, alice["blog_id"])
    assert mine["status"] == "active" and mine["plan_id"] == starter["id"]
    assert mine["times_billed"] == 3 and mine["recurring_amount"] == Decimal("29.00")
    assert str(mine["expires_at"]) == "2031-02-01 00:00:00"
    from sidecar.store import membership_packages

    assert [p["quantity"] for p in membership_packages.for_membership(db, mine["id"])] == [1]
    assert memberships.find_by_blog(db, bob["blog_id"])["status"] == "cancelled"

    code = discount_codes.find_by_code(db, "WELCOME10")
    assert code["kind"] == "percent" and code["amount"] == Decimal("10.00")
    assert code["applies_to_renewals"] and code["max_uses"] == 100
    assert discount_codes.find_by_code(db, "FIVEOFF")["currency"] == "EUR"

    verified = domains.find_by_name(db, "alice-bakery.example")
    assert verified["status"] == "https-ok" and verified["is_primary"]
    assert verified["verified_at"] is not None
    assert domains.find_by_name(db, "bobs-bikes.example")["status"] == "pending"

    from sidecar.store import invoices

    alice_invoices = sorted(invoices.for_customer(db, customer["id"]), key=lambda i: i["number"])
    assert [i["status"] for i in alice_invoices] == ["paid", "pending"]
    assert [i["reason"] for i in alice_invoices] == ["signup", "renewal"]
    assert alice_invoices[1]["total"] == Decimal("35.09")

    again = _run(db, settings)
    assert _counts(db) == after, again.lines()
    assert sum(again.imported.values()) == 0
    assert again.already["payment"] == 3 and again.already["domain"] == 2


def test_a_dry_run_writes_nothing(db, settings, source):
    before = _counts(db)
    report = _run(db, settings, dry_run=True)
    assert _counts(db) == before
    assert report.dry_run and report.imported["product"] == 3
    assert report.lines()[0].split(":")[1].startswith(" would import")


def test_the_command_reports_and_refuses_without_source(config_path, network, source):
    result = subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "import", "ultimate-multisite", "--dry-run"],
        env={**os.environ, "SIDECAR_CONFIG": str(config_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "product: would import 3" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    empty = subprocess.run(
        [sys.executable, "-m", "sidecar.cli", "import", "ultimo"],
        env={
            **os.environ,
            "SIDECAR_CONFIG": str(config_path),
            "SIDECAR_DATABASE_TABLE_PREFIX": "nothere_",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert empty.returncode == 1 and "no Ultimate Multisite tables" in empty.stderr
