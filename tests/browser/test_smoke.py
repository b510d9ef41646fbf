"""The browser reaches the site: the home page in Mongolian, the language switch, signing in."""

import pytest

from tests.factories import UserFactory

PASSWORD = "test-password-123"


@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_to_english_and_signs_in(new_page, screenshot):
    UserFactory(username="official")
    page = new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "mn"
    screenshot(page, "home-mn")

    # Choosing a language submits the switch's form (web/static/web/site.js) and comes back to the page.
    with page.expect_navigation():
        page.get_by_label("Хэл").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("official")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("button", name="Sign out").is_visible()
    screenshot(page, "signed-in")
