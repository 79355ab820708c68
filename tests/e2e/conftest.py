"""Browser fixtures: Debian's Chromium driven by Playwright (no browser is downloaded)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

CHROMIUM = os.environ.get("SIDECAR_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh, isolated browser contexts (separate cookie jars)."""
    contexts = []

    def _open():
        context = browser.new_context()
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def log_in(page, site_url: str, login: str, password: str) -> None:
    """Log in through wp-login.php like a person and wait for the dashboard. A log-in whose
    dashboard has not appeared after 45 s is tried once more (now and then, under load, the
    built-in PHP server leaves one request hanging; the cause is not found yet); a second
    failure fails the test with the page it stopped on."""
    for attempt in (1, 2):
        page.goto(f"{site_url.rstrip('/')}/wp-login.php")
        page.fill("#user_login", login)
        page.fill("#user_pass", password)
        page.click("#wp-submit")
        try:
            page.wait_for_selector("#adminmenu", timeout=45_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise AssertionError(f"the log-in of {login} stopped at {page.url}") from None
