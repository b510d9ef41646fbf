"""Phone-width screens and the keyboard: the pages fit 360 pixels without sideways scrolling, and a keyboard
user reaches the content first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PositionFactory, UserFactory, make_declaration, make_reviewer

PASSWORD = "test-password-123"  # tests.factories.UserFactory's
PHONE_WIDTH = 360


@pytest.mark.browser
def test_the_pages_fit_a_phone_screen(transactional_db, browser, live_server, screenshot):
    position = PositionFactory(official__user=UserFactory(username="filer"))
    reviewer = make_reviewer(position.organisation)
    declaration = make_declaration("submitted", position=position, reviewer=reviewer, year=2025)
    draft = make_declaration("draft", position=position, year=2024)
    context = browser.new_context(
        base_url=live_server.url, locale="mn", viewport={"width": PHONE_WIDTH, "height": 740}, bypass_csp=True
    )
    page = context.new_page()
    page.goto("/login/")
    page.locator("#id_username").fill("filer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/")
    try:
        wide = {}
        for path in ("/", "/register/", "/declarations/", f"/declarations/{draft.pk}/edit/", "/notices/", "/inbox/"):
            page.goto(path)
            screenshot(page, f"phone{path}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                wide[path] = width
        assert wide == {}
    finally:
        context.close()
    assert declaration.pk


@pytest.mark.browser
def test_a_keyboard_user_skips_to_the_content_and_reaches_every_field(transactional_db, new_page):
    page = new_page(locale="en")
    page.goto("/")
    page.bring_to_front()

    # The first Tab reaches the skip link; following it, the next Tab is inside the page's content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("link", name="Sign in")).to_be_focused()

    # The sign-in form starts in its first field and Tab walks the fields and the button in order.
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("button", name="Sign in")).to_be_focused()
