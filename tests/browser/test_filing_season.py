"""The whole path in a real browser: a filer files, the ЭБАТ returns it with a remark, the filer corrects and
resubmits, the ЭБАТ accepts and publishes, the record shows in the public register without private fields;
a committee member declares no conflict and the tender clears.

Each step leaves a screenshot under artefacts/browser/<test>/.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from declarations.models import Declaration, DeclarationState, Notice, NoticeState, PublicSnapshot, TenderState
from tests.factories import OrganisationFactory, PositionFactory, UserFactory, make_reviewer
from tests.notice_factories import make_tender
from workflow.models import TransitionLog

PASSWORD = "test-password-123"  # tests.factories.UserFactory's
FULL_NAME = "Батбаярын Тэмүүжин"
REGISTER_NUMBER = "УБ90051234"
ADDRESS = "Сүхбаатар дүүрэг, 1-р хороо, 5-12"
PHONE = "99112233"


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def office(transactional_db):
    # The live server needs committed data, so the test database is emptied after each test, the notice
    # categories the migrations seed included: seed them again.
    seed_categories = importlib.import_module("declarations.migrations.0003_seed_notice_categories").seed
    seed_categories(django_apps, None)
    organisation = OrganisationFactory(kind="governor_office", name="Сайншанд сумын ЗДТГ")
    position = PositionFactory(
        organisation=organisation,
        title="Санхүүгийн мэргэжилтэн",
        official__full_name=FULL_NAME,
        official__user=UserFactory(username="filer"),
    )
    reviewer = make_reviewer(organisation)
    reviewer.username = "ebat"
    reviewer.save(update_fields=["username"])
    return {"organisation": organisation, "position": position, "reviewer": reviewer}


@pytest.mark.browser
def test_a_declaration_from_draft_to_the_public_register(office, new_page, screenshot):
    filer = new_page(locale="en")
    sign_in(filer, "filer")

    # The filer opens a new annual declaration and fills in the personal data and one apartment.
    filer.goto("/declarations/")
    filer.get_by_role("link", name="Start a new declaration").click()
    filer.get_by_label("Position").select_option(index=1)
    filer.get_by_label("Kind of declaration").select_option("annual")
    filer.get_by_label("Year").fill("2025")
    screenshot(filer, "new-declaration")
    filer.get_by_role("button", name="Open the declaration").click()
    filer.wait_for_url(re.compile(r"/declarations/\d+/edit/$"))
    declaration = Declaration.objects.get(official=office["position"].official)
    filer.locator("#f-personal-full_name").fill(FULL_NAME)
    filer.locator("#f-personal-register_number").fill(REGISTER_NUMBER)
    filer.locator("#f-personal-birth_date").fill("1990-05-12")
    filer.locator("#f-personal-address").fill(ADDRESS)
    filer.locator("#f-personal-phone").fill(PHONE)
    filer.get_by_role("button", name="Add a row (Real estate)").click()
    filer.locator("#f-real_estate-0-kind").select_option("apartment")
    filer.locator("#f-real_estate-0-address").fill("Баянзүрх дүүрэг, 26-р хороо")
    filer.locator("#f-real_estate-0-area_m2").fill("64.5")
    filer.locator("#f-real_estate-0-value_mnt").fill("180000000")
    filer.locator("#f-real_estate-0-acquired_on").fill("2019-03-01")

    # The draft saves itself.
    expect(filer.locator("#autosave-status")).to_contain_text("Saved at", timeout=15_000)
    screenshot(filer, "draft-saved-automatically")
    declaration.refresh_from_db()
    assert declaration.content["personal"]["phone"] == PHONE
    assert declaration.content["real_estate"][0]["value_mnt"] == "180000000.00"

    # The filer leaves, comes back, finds everything restored and submits.
    filer.goto("/")
    filer.goto("/declarations/")
    filer.get_by_role("link", name="Continue filling in").click()
    expect(filer.locator("#f-personal-address")).to_have_value(ADDRESS)
    expect(filer.locator("#f-real_estate-0-value_mnt")).to_have_value(re.compile(r"^180000000(\.00)?$"))
    screenshot(filer, "draft-restored")
    filer.get_by_role("button", name="Save and continue to the summary").click()
    filer.get_by_label("I confirm that the information in this declaration is true and complete.").check()
    screenshot(filer, "summary")
    filer.get_by_role("button", name="Submit the declaration").click()
    expect(filer.get_by_text("Your declaration was submitted.")).to_be_visible()
    screenshot(filer, "submitted")
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.SUBMITTED

    # The ЭБАТ takes it into review and returns it with a remark on the apartment's value.
    ebat = new_page(locale="en")
    sign_in(ebat, "ebat")
    ebat.goto("/review/")
    screenshot(ebat, "review-queue")
    ebat.locator(f"#review-{declaration.pk}").click()
    ebat.get_by_role("button", name="Start review").click()
    expect(ebat.get_by_text("The review has started.")).to_be_visible()
    ebat.get_by_label("Comment for the filer").fill("Орон сууцны үнэлгээг шалгана уу.")
    ebat.locator("#id_remarks-0-path").select_option("real_estate[0].value_mnt")
    ebat.locator("#id_remarks-0-message").fill("Үнэлгээ гэрчилгээтэй таарахгүй байна.")
    screenshot(ebat, "return-with-remark")
    ebat.get_by_role("button", name="Return for correction").click()
    expect(ebat.get_by_text("The declaration was returned to its filer for correction.")).to_be_visible()
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.RETURNED

    # The filer sees the remark beside the field, corrects the value and resubmits.
    filer.goto(f"/declarations/{declaration.pk}/edit/")
    expect(filer.locator("#f-real_estate-0-value_mnt-remarks")).to_contain_text("Үнэлгээ гэрчилгээтэй таарахгүй байна.")
    expect(filer.locator("#return-note")).to_contain_text("Орон сууцны үнэлгээг шалгана уу.")
    screenshot(filer, "remark-beside-the-field")
    filer.locator("#f-real_estate-0-value_mnt").fill("210000000")
    filer.get_by_role("button", name="Save and continue to the summary").click()
    filer.get_by_label("I confirm that the information in this declaration is true and complete.").check()
    filer.get_by_role("button", name="Submit the declaration").click()
    expect(filer.locator("#declaration-state")).to_be_visible()
    screenshot(filer, "resubmitted")
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.SUBMITTED
    assert declaration.content["real_estate"][0]["value_mnt"] == "210000000.00"

    # The ЭБАТ accepts and publishes.
    ebat.goto(f"/review/declarations/{declaration.pk}/")
    ebat.get_by_role("button", name="Start review").click()
    ebat.get_by_role("button", name="Accept the declaration").click()
    expect(ebat.get_by_text("The declaration was accepted.")).to_be_visible()
    ebat.get_by_role("button", name="Publish").click()
    expect(ebat.get_by_text("The declaration was published in the public register.")).to_be_visible()
    screenshot(ebat, "published")
    declaration.refresh_from_db()
    assert declaration.state == DeclarationState.PUBLISHED
    assert list(
        TransitionLog.objects.filter(object_id=declaration.pk, content_type__model="declaration")
        .order_by("id")
        .values_list("transition", flat=True)
    ) == [
        "submit",
        "start_review",
        "return_for_correction",
        "resubmit",
        "start_review",
        "accept",
        "publish",
    ]

    # Anyone finds the record in the public register, without the private fields.
    public = new_page(locale="en")
    public.goto("/register/")
    public.get_by_label("Name of the official").fill("тэмүүжин")
    public.get_by_role("button", name="Search").click()
    snapshot = PublicSnapshot.objects.get(declaration=declaration)
    public.locator(f'a[href="/register/{snapshot.pk}/"]').first.click()
    public.wait_for_url(f"**/register/{snapshot.pk}/")
    expect(public.get_by_role("heading", name=FULL_NAME)).to_be_visible()
    record = public.locator("main").inner_text()
    screenshot(public, "public-record")
    assert "210000000" in record.replace(",", "").replace(" ", "")
    for private in (REGISTER_NUMBER, ADDRESS, PHONE, "1990-05-12", "Баянзүрх дүүрэг"):
        assert private not in record
    assert private not in public.content()


@pytest.mark.browser
def test_a_committee_member_declares_no_conflict_and_the_tender_clears(office, new_page, screenshot):
    organisation = office["organisation"]
    member_position = PositionFactory(organisation=organisation, official__user=UserFactory(username="member"))
    secretary = PositionFactory(organisation=organisation, official__user=UserFactory(username="secretary"))
    tender = make_tender(
        TenderState.DECLARING,
        organisation=organisation,
        secretary=secretary.official.user,
        members=[member_position],
        bidders=[("Хөх Тэнгэр Констракшн ХХК", "6012345")],
    )
    notice = Notice.objects.get(filer=member_position.official.user, tender=tender)

    # The secretary sees the gate closed, and why.
    desk = new_page(locale="en")
    sign_in(desk, "secretary")
    desk.goto(f"/tenders/{tender.pk}/")
    expect(desk.get_by_role("button", name="Clear the committee")).to_have_count(0)
    screenshot(desk, "gate-closed")

    # The member declares no conflict on the tender's notice, seeing the tender and its bidders.
    member = new_page(locale="en")
    sign_in(member, "member")
    member.goto("/notices/")
    member.get_by_role("link", name="Declare").first.click()
    expect(member.locator("#tender-reference")).to_contain_text(tender.reference_number)
    expect(member.locator("#bidders")).to_contain_text("Хөх Тэнгэр Констракшн ХХК")
    member.get_by_label("No conflict of interest").check()
    screenshot(member, "no-conflict")
    member.locator("#submit-notice").click()
    expect(member.get_by_text("The notice was submitted.")).to_be_visible()
    screenshot(member, "notice-submitted")
    notice.refresh_from_db()
    assert (notice.state, notice.outcome) == (NoticeState.SUBMITTED, "no_conflict")

    # The ЭБАТ acknowledges it.
    ebat = new_page(locale="en")
    sign_in(ebat, "ebat")
    ebat.goto(f"/review/notices/{notice.pk}/")
    ebat.get_by_role("button", name="Start review").click()
    ebat.get_by_role("button", name="Acknowledge the notice").click()
    screenshot(ebat, "notice-acknowledged")
    notice.refresh_from_db()
    assert notice.state == NoticeState.ACKNOWLEDGED

    # The gate opens and the secretary clears the committee.
    desk.goto(f"/tenders/{tender.pk}/")
    desk.get_by_role("button", name="Clear the committee").click()
    expect(desk.get_by_text("The committee is cleared")).to_be_visible()
    screenshot(desk, "tender-cleared")
    tender.refresh_from_db()
    assert tender.state == TenderState.CLEARED
