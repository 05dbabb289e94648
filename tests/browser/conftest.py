"""A headless Chromium for the browser tests (Debian's, not a downloaded one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web.catalogs import compile_catalogs

CHROMIUM = os.environ.get("CONNECTOR_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session", autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM} (scripts/ensure-debian-packages chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test: no cookies carry over."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to test-artifacts/ (gitignored), to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        # A full-page capture keeps the sticky action bar where the viewport ended,
        # over the middle of the form; let it sit at the end for the picture.
        # Through the CSSOM: the pages' policy refuses an injected <style> element.
        page.evaluate(
            """() => document.querySelectorAll('.form-actions').forEach(
                (el) => el.style.setProperty('position', 'static', 'important'))"""
        )
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
