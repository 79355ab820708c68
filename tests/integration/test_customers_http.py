"""Network Admin → Customers over HTTP (signed as the shim signs) against the real WordPress:
grid filters, exports (CSV, XLSX, Excel XML), inline edit with refusals, groups, saved views,
mass actions and delete."""

import csv
import html
import io
import uuid
import xml.etree.ElementTree as ET

import openpyxl
import pytest
import requests

from sidecar.store import customers as customer_store
from sidecar.wp_bridge.db import connect
from sidecar.wp_bridge.tables.users import get_user

from ..security_fixtures import new_customer, shim_client
from .shim_double import csrf_in, signed_request

pytestmark = pytest.mark.integration

TAG = f"cus{uuid.uuid4().hex[:6]}"


@pytest.fixture
def database(settings, migrated):
    db = connect(settings.database)
    yield db
    db.close()


@pytest.fixture
def people(network, created, database):
    """Three customers of this test (tagged): one owns a site (Zoë Ångström, NL), two do not."""
    shim = shim_client(network)
    owner = new_customer(network, created, tag=TAG)
    ids = {}
    specs = [
        ("zoe", owner["user_id"], {"country": "NL", "phone": "+31 20 555", "zip": "1011"}),
        ("max", None, {"country": "DE", "phone": "030 1234", "zip": "10115"}),
        ("eve", None, {"country": "NL", "phone": "=1+2", "zip": "1012"}),
    ]
    names = {"zoe": f"Zoë Ångström {TAG}", "max": f"Max Mustermann {TAG}", "eve": f"Eve {TAG}"}
    for key, user_id, fields in specs:
        if user_id is None:
            login = f"{TAG}{key}"
            user_id = shim.create_user(
                login, f"{login}@example.test", f"pw {login} 123", names[key]
            )
            created["users"].append(user_id)
        else:
            database.execute(
                "UPDATE wp_users SET display_name = %s WHERE ID = %s", (names[key], user_id)
            )
        customer_id = customer_store.insert(database, user_id, {"billing_name": names[key]})
        customer_store.update_fields(database, customer_id, fields)
        ids[key] = customer_id
    yield ids
    database.execute(
        "DELETE FROM wp_sidecar_customers WHERE id IN (%s, %s, %s)", tuple(ids.values())
    )
    database.execute("DELETE FROM wp_sidecar_customer_groups WHERE name LIKE %s", (f"{TAG}%",))
    database.execute("DELETE FROM wp_sidecar_customer_views WHERE name LIKE %s", (f"{TAG}%",))


def call(sidecar_url, network, path, *, data=None):
    """GET, or POST ``data`` with a fresh CSRF token, as the network's super admin."""
    method = "POST" if data is not None else "GET"
    if data is not None:
        data = {**data, "csrf_token": _token(sidecar_url, network)}
    return signed_request(
        sidecar_url, network, path, method, data, timeout=60, aud="network", sub=1, blog=0
    )


def _token(sidecar_url, network):
    page = call(sidecar_url, network, "/network/customers/groups")
    return csrf_in(page)


def state(cols="id,name,email,phone,country"):
    return f"q={TAG}&cols={cols}"


INLINE_COLS = "id,name,email,group,phone,zip,website,vat_number,gender"


def test_grid_searches_and_filters(sidecar_url, network, people):
    page = call(sidecar_url, network, f"/network/customers?{state()}&f.country=NL")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert f"Zoë Ångström {TAG}" in text and f"Eve {TAG}" in text
    assert f"Max Mustermann {TAG}" not in text
    assert "2 customers" in text


def test_bad_filter_value_is_explained(sidecar_url, network, people):
    page = call(sidecar_url, network, f"/network/customers?{state()}&f.since.from=yesterday")
    assert page.status_code == 400
    assert "YYYY-MM-DD" in page.text


def test_csv_export_matches_filter_and_neutralises_formulas(sidecar_url, network, people):
    answer = call(
        sidecar_url, network, f"/network/customers/export?format=csv&{state()}&f.country=NL"
    )
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["ID", "Name", "Email", "Phone", "Country"]
    by_id = {int(row[0]): row for row in rows[1:]}
    assert set(by_id) == {people["zoe"], people["eve"]}
    assert by_id[people["zoe"]][1] == f"Zoë Ångström {TAG}"
    assert by_id[people["zoe"]][3] == "'+31 20 555"
    assert by_id[people["eve"]][3] == "'=1+2"


def test_xlsx_and_xml_exports_parse(sidecar_url, network, people):
    answer = call(sidecar_url, network, f"/network/customers/export?format=xlsx&{state()}")
    book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("ID", "Name", "Email", "Phone", "Country")
    assert {int(r[0]) for r in rows[1:]} == set(people.values())
    assert f"Zoë Ångström {TAG}" in {r[1] for r in rows[1:]}
    answer = call(sidecar_url, network, f"/network/customers/export?format=xml&{state()}")
    root = ET.fromstring(answer.content)  # noqa: S314 (our own output)
    ns = {"ss": "urn:schemas-microsoft-com:office:spreadsheet"}
    cells = [
        [d.text for d in row.iterfind("ss:Cell/ss:Data", ns)]
        for row in root.iterfind(".//ss:Row", ns)
    ]
    assert len(cells) == 4 and f"Zoë Ångström {TAG}" in [c[1] for c in cells]


def test_selected_export(sidecar_url, network, people):
    answer = call(
        sidecar_url,
        network,
        "/network/customers/export",
        data={"state": state(), "format": "csv", "ids": [people["max"]]},
    )
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == [people["max"]]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "valid email"),
        ("email", "bob@example.test", "already used"),
        ("group_id", "999999", "customer group"),
        ("phone", "1" * 41, "at most 40"),
        ("vat_number", "NL<b>", "Remove the characters"),
        ("gender", "robot", "gender"),
    ],
)
def test_bad_inline_edit_is_refused_on_the_cell(
    sidecar_url, network, people, database, field, value, message
):
    before = customer_store.get(database, people["zoe"])
    user_before = get_user(database, before["user_id"])
    form = {
        "state": state(INLINE_COLS),
        "email": user_before.email,
        "group_id": "1",
        "phone": "+31 20 555",
        "zip": "1011",
        "website_blog_id": "",
        "vat_number": "",
        "gender": "",
        field: value,
    }
    answer = call(sidecar_url, network, f"/network/customers/{people['zoe']}/inline", data=form)
    assert answer.status_code == 400
    assert message in html.unescape(answer.text)
    assert f'id="sidecar-{field}-error"' in answer.text
    after = customer_store.get(database, people["zoe"])
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }
    assert get_user(database, before["user_id"]).email == user_before.email


def test_inline_edit_saves_and_changes_email_in_wordpress(sidecar_url, network, people, database):
    row = customer_store.get(database, people["zoe"])
    new_email = f"{TAG}.new@example.test"
    form = {
        "state": state(),
        "email": new_email,
        "group_id": "1",
        "phone": "+31 6 1234",
        "zip": "1017",
        "website_blog_id": "",
        "vat_number": "NL001",
        "gender": "female",
    }
    answer = call(sidecar_url, network, f"/network/customers/{people['zoe']}/inline", data=form)
    assert answer.status_code == 303, answer.text[:2000]
    after = customer_store.get(database, people["zoe"])
    assert (after["phone"], after["zip"], after["gender"]) == ("+31 6 1234", "1017", "female")
    assert get_user(database, row["user_id"]).email == new_email
    event = database.fetch_one(
        "SELECT * FROM wp_sidecar_events WHERE subject_type = 'customer' AND subject_id = %s"
        " AND action = 'customer.updated' ORDER BY id DESC LIMIT 1",
        (people["zoe"],),
    )
    assert new_email in event["after_state"]


def test_groups_saved_views_and_mass_assign(sidecar_url, network, people, database):
    answer = call(sidecar_url, network, "/network/customers/groups", data={"name": f"{TAG} VIP"})
    assert answer.status_code == 303
    group_id = database.fetch_value(
        "SELECT id FROM wp_sidecar_customer_groups WHERE name = %s", (f"{TAG} VIP",)
    )
    confirm = call(
        sidecar_url,
        network,
        "/network/customers/mass",
        data={
            "state": state(),
            "action": "assign_group",
            "group_id": group_id,
            "all_matching": "1",
        },
    )
    assert confirm.status_code == 200 and "Assign 3 customers" in html.unescape(confirm.text)
    done = call(
        sidecar_url,
        network,
        "/network/customers/mass",
        data={
            "state": state(),
            "action": "assign_group",
            "group_id": group_id,
            "all_matching": "1",
            "confirmed": "1",
        },
    )
    assert done.status_code == 303
    assert (
        database.fetch_value(
            "SELECT COUNT(*) FROM wp_sidecar_customers WHERE group_id = %s", (group_id,)
        )
        == 3
    )
    summary = database.fetch_one(
        "SELECT * FROM wp_sidecar_events WHERE action ="
        " 'customers.mass_assign_group' ORDER BY id DESC LIMIT 1"
    )
    assert '"customers": 3' in summary["after_state"]
    # rename, then delete: its customers go back to the default group
    call(
        sidecar_url, network, f"/network/customers/groups/{group_id}", data={"name": f"{TAG} Gold"}
    )
    page = call(sidecar_url, network, f"/network/customers?{state()}&f.group={group_id}")
    assert f"{TAG} Gold" in page.text
    call(sidecar_url, network, f"/network/customers/groups/{group_id}/delete", data={})
    assert (
        database.fetch_value(
            "SELECT COUNT(*) FROM wp_sidecar_customers WHERE group_id = 1 AND id IN (%s, %s, %s)",
            tuple(people.values()),
        )
        == 3
    )
    # saved view, default: the bare grid opens with it
    saved = call(
        sidecar_url,
        network,
        "/network/customers/views",
        data={"state": state() + "&f.country=DE", "view_name": f"{TAG} Germany", "default": "1"},
    )
    assert saved.status_code == 303
    page = html.unescape(call(sidecar_url, network, "/network/customers").text)
    assert f"Max Mustermann {TAG}" in page and f"Eve {TAG}" not in page


def test_the_only_company_admin_cannot_be_deleted(sidecar_url, network, people, database):
    company = database.insert(
        "INSERT INTO wp_sidecar_companies (name, created_at) VALUES (%s, UTC_TIMESTAMP())",
        (f"{TAG} BV",),
    )
    try:
        customer_store.update_fields(
            database, people["max"], {"company_id": company, "customer_type": "company_admin"}
        )
        data = {"state": state(), "action": "delete", "ids": [people["max"]]}
        confirm = call(sidecar_url, network, "/network/customers/mass", data=data)
        assert "only admin of their company" in html.unescape(confirm.text)
        done = call(
            sidecar_url, network, "/network/customers/mass", data={**data, "confirmed": "1"}
        )
        assert "only admin of their company" in html.unescape(done.text)
        assert customer_store.get(database, people["max"]) is not None
    finally:
        customer_store.update_fields(
            database, people["max"], {"company_id": None, "customer_type": "individual"}
        )
        database.execute("DELETE FROM wp_sidecar_companies WHERE id = %s", (company,))


def test_delete_removes_the_customer_and_keeps_events(sidecar_url, network, people, database):
    user_id = customer_store.get(database, people["eve"])["user_id"]
    data = {"state": state(), "action": "delete", "ids": [people["eve"]], "confirmed": "1"}
    answer = call(sidecar_url, network, "/network/customers/mass", data=data)
    assert answer.status_code == 303, answer.text[:1500]
    assert customer_store.get(database, people["eve"]) is None
    assert get_user(database, user_id) is None
    assert (
        database.fetch_value(
            "SELECT COUNT(*) FROM wp_sidecar_events WHERE action ="
            " 'account.deleted' AND subject_id = %s",
            (user_id,),
        )
        == 1
    )


def test_customer_page_shows_and_saves_every_field(sidecar_url, network, people, database):
    page = call(sidecar_url, network, f"/network/customers/{people['max']}")
    assert page.status_code == 200 and "Memberships" in page.text
    user = get_user(database, customer_store.get(database, people["max"])["user_id"])
    form = {
        "name": user.display_name,
        "email": user.email,
        "group_id": "1",
        "phone": "030 99",
        "birth": "1984-05-06",
        "company": f"{TAG} GmbH",
        "customer_type": "company_user",
        "newsletter": "1",
        "country": "DE",
        "shipping_address": "Hauptstr. 1, Berlin",
    }
    answer = call(sidecar_url, network, f"/network/customers/{people['max']}", data=form)
    assert answer.status_code == 303, html.unescape(answer.text)[:3000]
    row = customer_store.get(database, people["max"])
    assert (row["phone"], row["birth_year"], row["birth_date"]) == ("030 99", 1984, None)
    assert row["newsletter"] == 1 and row["customer_type"] == "company_user"
    database.execute(
        "UPDATE wp_sidecar_customers SET company_id = NULL WHERE id = %s", (people["max"],)
    )
    database.execute("DELETE FROM wp_sidecar_companies WHERE name = %s", (f"{TAG} GmbH",))


@pytest.fixture
def api_key(database):
    from sidecar.domain.api_keys import create_key

    key = create_key(database, f"{TAG} customers")
    yield key
    database.execute("DELETE FROM wp_sidecar_api_keys WHERE key_id = %s", (key.split("_")[1],))


def test_json_api_lists_reads_updates_and_manages_groups(sidecar_url, people, api_key, database):
    auth = {"Authorization": f"Bearer {api_key}"}
    base = f"{sidecar_url}/api/v1"
    listed = requests.get(
        f"{base}/customers/",
        headers=auth,
        timeout=10,
        params={"q": TAG, "f.country": "NL", "sort": "id", "dir": "asc"},
    ).json()
    assert [c["id"] for c in listed["items"]] == sorted([people["zoe"], people["eve"]])
    assert listed["total"] == 2 and listed["items"][0]["country"] == "NL"
    one = requests.get(f"{base}/customers/{people['max']}", headers=auth, timeout=10).json()
    assert one["name"] == f"Max Mustermann {TAG}"
    bad = requests.patch(
        f"{base}/customers/{people['max']}", headers=auth, timeout=10, json={"phone": "call me"}
    )
    assert bad.status_code in (400, 422) and "phone" in bad.text
    good = requests.patch(
        f"{base}/customers/{people['max']}",
        headers=auth,
        timeout=10,
        json={"phone": "+49 30 1", "newsletter": True},
    )
    assert good.status_code == 200 and good.json()["phone"] == "+49 30 1"
    made = requests.post(
        f"{base}/customer-groups/", headers=auth, timeout=10, json={"name": f"{TAG} API"}
    )
    assert made.status_code == 201
    group_id = made.json()["id"]
    groups = requests.get(f"{base}/customer-groups/", headers=auth, timeout=10).json()
    assert f"{TAG} API" in [g["name"] for g in groups]
    gone = requests.delete(f"{base}/customer-groups/{group_id}", headers=auth, timeout=10)
    assert gone.status_code == 204
    assert requests.delete(f"{base}/customer-groups/1", headers=auth, timeout=10).status_code == 400
    assert requests.get(f"{base}/customers/999999999", headers=auth, timeout=10).status_code == 404


def test_quick_edit_changes_only_the_cells_it_shows(sidecar_url, network, people, database):
    before = customer_store.get(database, people["max"])
    customer_store.update_fields(database, people["max"], {"gender": "male", "vat_number": "DE1"})
    answer = call(
        sidecar_url,
        network,
        f"/network/customers/{people['max']}/inline",
        data={"state": state(), "phone": "+49 30 777"},
    )
    assert answer.status_code == 303
    after = customer_store.get(database, people["max"])
    assert after["phone"] == "+49 30 777"
    assert (after["gender"], after["vat_number"], after["group_id"]) == (
        "male",
        "DE1",
        before["group_id"],
    )


def test_full_birth_dates_only_when_enabled(sidecar_url, network, people, database):
    user = get_user(database, customer_store.get(database, people["max"])["user_id"])
    form = {"name": user.display_name, "email": user.email, "birth": "1990-02-03"}
    try:
        call(sidecar_url, network, "/network/customers/settings", data={"full_birth_dates": "1"})
        call(sidecar_url, network, f"/network/customers/{people['max']}", data=form)
        row = customer_store.get(database, people["max"])
        assert (row["birth_year"], str(row["birth_date"])) == (1990, "1990-02-03")
    finally:
        call(sidecar_url, network, "/network/customers/settings", data={})
    row = customer_store.get(database, people["max"])
    assert (row["birth_year"], row["birth_date"]) == (1990, None)


def test_export_with_an_unusable_filter_explains_instead_of_downloading(sidecar_url, network):
    answer = call(sidecar_url, network, "/network/customers/export?format=xlsx&f.since.to=soon")
    assert answer.status_code == 400
    assert "attachment" not in answer.headers.get("Content-Disposition", "")
    assert "YYYY-MM-DD" in answer.text
