"""The Account page and its forms in Dutch and French, as the shim asks for them: the language is
the assertion's ``loc`` (WordPress's ``get_user_locale()``), and money, dates and countries are
written the way that language writes them. Without a locale (the JSON API) answers stay
English."""

import html
import re

import pytest

from sidecar.wp_bridge.db import connect

from ..billing_fixtures import fresh_membership
from .shim_double import csrf_in, signed_request

pytestmark = pytest.mark.integration

# Texts of the Account page's own blocks (billing address, invoices, password, danger zone)
# and of the Change page, per language.
ACCOUNT = {
    "nl_NL": [
        "Factuuradres",
        "Bijwerken",
        "Wijzigingen opslaan",
        "Facturen",
        "Wachtwoord wijzigen",
        "Huidig wachtwoord",
        "Gevarenzone",
        "Site verwijderen",
        "Account verwijderen",
        "Dit kan niet ongedaan worden gemaakt.",
        "België",
        "Maandelijks",
    ],
    "fr_FR": [
        "Adresse de facturation",
        "Mettre à jour",
        "Enregistrer les modifications",
        "Factures",
        "Changer le mot de passe",
        "Mot de passe actuel",
        "Zone de danger",
        "Supprimer le site",
        "Supprimer le compte",
        "Cette action est irréversible.",
        "Belgique",
        "Mensuel",
    ],
}
MONEY = {"nl_NL": "€ 29,00", "fr_FR": "29,00 €"}
# English texts of those same blocks, which must not be left on a translated page.
ENGLISH = [
    "Billing Address",
    "Save Changes",
    "Change Password",
    "Current password",
    "Danger Zone",
    "Delete Site",
    "Delete Account",
    "This cannot be undone.",
    "No invoices yet.",
    "Choose a country",
    "Monthly",
]


@pytest.fixture
def committed(settings, migrated):
    conn = connect(settings.database)
    yield conn
    conn.close()


def call(sidecar_url, network, customer, path, loc, method="GET", data=None, aud="account"):
    blog = customer.get("blog_id", 0) if aud == "account" else 0
    return signed_request(
        sidecar_url,
        network,
        path,
        method,
        data,
        timeout=15,
        aud=aud,
        sub=customer["user_id"],
        blog=blog,
        loc=loc,
    )


def visible_text(page: str) -> str:
    """The page's text as a person reads it: no styles, scripts or tags, entities decoded,
    every kind of space a plain one."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def csrf(page):
    return csrf_in(page)


@pytest.mark.parametrize("loc", ["nl_NL", "fr_FR"])
def test_account_page_in_the_users_language(sidecar_url, network, customers, committed, loc):
    alice = customers["alice"]
    fresh_membership(committed, alice, "business")
    page = call(sidecar_url, network, alice, "/account/", loc)
    assert page.status_code == 200
    text = visible_text(page.text)
    missing = [words for words in ACCOUNT[loc] if words not in text]
    assert missing == []
    assert MONEY[loc] in text  # the plan's price, in that language's style
    assert [words for words in ENGLISH if words in text] == []


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        ("nl_NL", ["Je lidmaatschap wijzigen", "Terug naar Account", "Kies Starter", "/ maand"]),
        ("fr_FR", ["Modifier votre adhésion", "Retour au compte", "Choisir Starter", "/ mois"]),
    ],
)
def test_change_page_in_the_users_language(
    sidecar_url, network, customers, committed, loc, expected
):
    alice = customers["alice"]
    fresh_membership(committed, alice, "business")
    page = call(sidecar_url, network, alice, "/account/change", loc)
    text = visible_text(page.text)
    assert [words for words in expected if words not in text] == []
    assert "Change your membership" not in text and " / month" not in text


def test_refused_billing_form_answers_in_french(sidecar_url, network, customers, committed):
    alice = customers["alice"]
    fresh_membership(committed, alice, "business")
    token = csrf(call(sidecar_url, network, alice, "/account/", "fr_FR"))
    refused = call(
        sidecar_url,
        network,
        alice,
        "/account/billing-address",
        "fr_FR",
        "POST",
        {"csrf_token": token, "billing_name": "", "billing_country": "NL"},
    )
    assert refused.status_code == 400
    text = visible_text(refused.text)
    assert "Nom : ce champ est obligatoire." in text
    assert "Veuillez corriger les champs signalés ci-dessous." in text
    assert "is required" not in text


def test_invoice_page_and_pdf_in_dutch(sidecar_url, network, customers, committed):
    alice = customers["alice"]
    _, _, invoice = fresh_membership(committed, alice, "business")
    page = call(sidecar_url, network, alice, f"/account/invoices/{invoice.id}", "nl_NL")
    text = visible_text(page.text)
    for words in ("Factuur " + invoice.display_number, "Vervaldatum", "Subtotaal", "Betaald"):
        assert words in text
    assert "Due date" not in text and "Subtotal" not in text
    pdf = call(sidecar_url, network, alice, f"/account/invoices/{invoice.id}.pdf", "nl_NL")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"


def test_network_admin_pages_follow_the_admins_language(sidecar_url, network, committed):
    admin = {"user_id": network["admin"]["user_id"]}
    page = call(sidecar_url, network, admin, "/network/invoices", "fr_FR", aud="network")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Toutes" in text and "Échéance" in text and "Older invoices" not in text


def test_without_a_locale_the_page_stays_english(sidecar_url, network, customers, committed):
    alice = customers["alice"]
    fresh_membership(committed, alice, "business")
    text = visible_text(call(sidecar_url, network, alice, "/account/", "en_US").text)
    assert "Billing Address" in text and "€29.00" in text and "Factuuradres" not in text
