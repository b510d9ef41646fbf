"""Browser tests: Playwright for Python driving Debian's Chromium against the live test server.

Chromium is Debian's package (``make install`` installs it); Playwright's own browser download is never used.
Each step's screenshot is saved under ``BROWSER_ARTEFACTS`` (default ``artefacts/browser/``) as a test artefact.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(os.environ.get("BROWSER_ARTEFACTS", Path(__file__).resolve().parents[2] / "artefacts" / "browser"))
# Playwright's synchronous API runs an event loop in the test's thread; the ORM calls the tests make
# themselves (setting up data, checking the database afterwards) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make install` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--headless", "--no-sandbox"], timeout=30_000
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (its own cookies), Mongolian unless told otherwise."""
    contexts = []

    def open_page(*, locale: str = "mn", width: int = 1280, height: int = 900) -> object:
        context = browser.new_context(  # type: ignore[attr-defined]
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request) -> Callable[[object, str], Path]:
    """Save a full-page screenshot of a step: artefacts/browser/<test>/<nn>-<step>.png."""
    folder = ARTEFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    counter = iter(range(1, 1000))

    def take(page: object, step: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^\w.-]+", "-", step)
        path = folder / f"{next(counter):02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
