"""A Dutch and a French user in real wp-admin: their WordPress locale (user meta ``locale``)
reaches the sidecar through the shim, so the shim's menu and the Account page are in their
language — and a password change and Delete Site work in it. WordPress's own core strings
stay English (no core language packs offline)."""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import urlsplit

import pytest

from sidecar.wp_bridge.tables.sites import get_site

from ..security_fixtures import forget_customer, new_customer
from .conftest import log_in

pytestmark = pytest.mark.e2e

# Sets (or, with "", removes) users' ``locale`` meta through WordPress, as a request for the
# main site: {"host", "wp_path", "locales": {user_id: locale}}.
_SET_LOCALE_PHP = r"""
$job = json_decode( $argv[1], true );
$_SERVER['HTTP_HOST']      = $job['host'];
$_SERVER['SERVER_NAME']    = explode( ':', $job['host'] )[0];
$_SERVER['REQUEST_URI']    = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
require $job['wp_path'] . '/wp-load.php';
foreach ( $job['locales'] as $user_id => $locale ) {
    if ( '' === $locale ) {
        delete_user_meta( (int) $user_id, 'locale' );
    } else {
        update_user_meta( (int) $user_id, 'locale', $locale );
    }
    echo (int) $user_id, '=', get_user_locale( (int) $user_id ), "\n";
}
"""

LANGUAGES = {
    "nl_NL": {
        "menu": "Account",
        "blocks": {
            "#sidecar-billing": ["Factuuradres", "Bijwerken"],
            "#sidecar-invoices": ["Facturen"],
            "#sidecar-password": ["Wachtwoord wijzigen", "Huidig wachtwoord", "Nieuw wachtwoord"],
            "#sidecar-danger-zone": ["Gevarenzone", "Site verwijderen", "Account verwijderen"],
        },
        "dialog": ["Factuuradres", "Naam", "Land", "Wijzigingen opslaan", "Annuleren"],
        "password_changed": "Je wachtwoord is gewijzigd.",
        "cannot_be_undone": "Dit kan niet ongedaan worden gemaakt.",
    },
    "fr_FR": {
        "menu": "Compte",
        "blocks": {
            "#sidecar-billing": ["Adresse de facturation", "Mettre à jour"],
            "#sidecar-invoices": ["Factures"],
            "#sidecar-password": [
                "Changer le mot de passe",
                "Mot de passe actuel",
                "Nouveau mot de passe",
            ],
            "#sidecar-danger-zone": ["Zone de danger", "Supprimer le site", "Supprimer le compte"],
        },
        "dialog": [
            "Adresse de facturation",
            "Nom",
            "Pays",
            "Enregistrer les modifications",
            "Annuler",
        ],
        "password_changed": "Votre mot de passe a été changé.",
        "cannot_be_undone": "Cette action est irréversible.",
    },
}
# The English texts of those blocks and of the shim's menu: none may be left.
ENGLISH = [
    "Billing Address",
    "Update",
    "Invoices",
    "No invoices yet.",
    "Change Password",
    "Current password",
    "New password",
    "Confirm new password",
    "Danger Zone",
    "Delete Site",
    "Delete Account",
    "This cannot be undone.",
    "Your password",
    "Save Changes",
    "Cancel",
    "Choose a country",
]
# The rest of the Account page (templates account/overview.html, _limits.html, _domains.html).
ENGLISH_ELSEWHERE = ["Your Membership", "About This Site", "Site Limits", "Membership number"]


def set_locales(network: dict, locales: dict[int, str]) -> dict[int, str]:
    """Write users' WordPress locale (user meta ``locale``; "" removes it) through WordPress;
    return the locale WordPress now reports for each."""
    job = {"host": urlsplit(network["url"]).netloc, "wp_path": network["wp_path"]}
    answer = subprocess.run(
        ["php", "-r", _SET_LOCALE_PHP, "--", json.dumps({**job, "locales": locales})],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    pairs = re.findall(r"^(\d+)=(\S*)$", answer.stdout, flags=re.M)
    return {int(user_id): locale for user_id, locale in pairs}


@pytest.fixture
def speaking(network):
    """``speaking(customer, "nl_NL")`` gives a customer that WordPress locale for the test."""
    changed = []

    def _set(customer: dict, locale: str) -> dict:
        changed.append(customer["user_id"])
        assert set_locales(network, {customer["user_id"]: locale}) == {customer["user_id"]: locale}
        return customer

    yield _set
    if changed:
        set_locales(network, dict.fromkeys(changed, ""))


def open_account(page, customer: dict, password: str, menu: str) -> None:
    log_in(page, customer["site_url"], customer["login"], password)
    page.click(f"#adminmenu >> text={menu}")
    page.wait_for_selector("#sidecar-danger-zone")


def english_left(text: str, words: list[str]) -> list[str]:
    return [word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]


@pytest.mark.parametrize(("login", "locale"), [("alice", "nl_NL"), ("bob", "fr_FR")])
def test_account_page_in_the_users_language(
    new_page, customers, speaking, sidecar_url, login, locale
):
    words = LANGUAGES[locale]
    customer = speaking(customers[login], locale)
    page = new_page()
    open_account(page, customer, customer["password"], words["menu"])
    menu = page.locator("#adminmenu a[href*='page=sidecar-account'] .wp-menu-name")
    assert menu.inner_text().strip() == words["menu"]  # the shim's own catalogue
    for selector, expected in words["blocks"].items():
        text = page.inner_text(selector)
        assert [word for word in expected if word not in text] == [], selector
        assert english_left(text, ENGLISH) == [], selector

    page.click("#sidecar-billing-update")
    dialog = page.inner_text("#sidecar-billing-dialog")
    assert [word for word in words["dialog"] if word not in dialog] == []
    assert english_left(dialog, ENGLISH) == []
    options = page.locator("#sidecar-billing_country option").all_inner_texts()
    assert ("België" if locale == "nl_NL" else "Belgique") in options


def test_no_english_text_of_ours_is_left_on_the_account_page(
    new_page, customers, speaking, sidecar_url
):
    customer = speaking(customers["alice"], "nl_NL")
    page = new_page()
    open_account(page, customer, customer["password"], "Account")
    assert english_left(page.inner_text(".sidecar"), ENGLISH + ENGLISH_ELSEWHERE) == []


@pytest.fixture
def newcomer(network, created, wpdb):
    customer = new_customer(network, created, tag="lang")
    yield customer
    forget_customer(wpdb, customer["user_id"])


@pytest.mark.parametrize("locale", ["nl_NL", "fr_FR"])
def test_password_change_and_delete_site_in_the_users_language(
    new_page, newcomer, speaking, sidecar_url, wpdb, locale
):
    words = LANGUAGES[locale]
    customer = speaking(newcomer, locale)
    page = new_page()
    open_account(page, customer, customer["password"], words["menu"])

    new = "een heel nieuw wachtwoord" if locale == "nl_NL" else "un tout nouveau mot de passe"
    page.fill("#sidecar-current_password", customer["password"])
    page.fill("#sidecar-new_password", new)
    page.fill("#sidecar-new_password_again", new)
    page.click("#sidecar-password-save")
    page.wait_for_selector(f"text={words['password_changed']}")
    assert "page=sidecar-account" in page.url  # still logged in

    page.check("#sidecar-delete-site input[name=confirm_site]")
    page.fill("#sidecar-site_name", customer["site_title"])
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("#sidecar-delete-site-button")
    # The browser lands on the main site's front end, which WordPress shows in the site's
    # language (English here), not the user's: only the notice's presence is checked.
    page.wait_for_selector(".sidecar-front-notice")
    assert "sidecar_notice=site-deleted" in page.url
    assert customer["site_title"] in dialogs[0] and words["cannot_be_undone"] in dialogs[0]
    assert get_site(wpdb, customer["blog_id"]) is None
