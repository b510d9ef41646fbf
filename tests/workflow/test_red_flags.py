"""Red flags: a company in the official's accepted declaration is a bidder or the counterparty (DESIGN §2).

Matched on the registration number, or on the name with case, spacing and quotes folded; the companies
come from the official's latest accepted declaration, their own and their family members'.
"""

import pytest

from declarations.content import sample_content
from declarations.models import DeclaredCompany, Notice, RedFlag
from tests.factories import OrganisationFactory, PositionFactory, make_declaration, make_reviewer
from tests.notice_factories import (
    RETURN_COMMENT,
    advance_notice_from_submitted,
    declare,
    latest_notice,
    make_accepted_declaration,
    make_notice,
    make_tender,
)
from workflow import errors, notices, redflags, tenders


def _flags(notice):
    return list(
        RedFlag.objects.filter(notice=notice)
        .order_by("pk")
        .values_list("kind", "matched_on", "company__name", "bidder__name", "resolved_at")
    )


def _committee_notice(position, *, bidders, **fields):
    """The official sits on a declaring tender with ``bidders`` and submits their committee notice."""
    tender = make_tender("declaring", organisation=position.organisation, members=[position], bidders=bidders)
    return declare(latest_notice(tender.members.get()), **fields)


@pytest.mark.django_db
def test_a_bidder_with_the_registration_number_of_a_declared_company_is_flagged():
    # given an official whose accepted declaration lists Говь-Алт ХХК, 2345678
    position = PositionFactory()
    declaration = make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")])
    company = DeclaredCompany.objects.get(declaration=declaration, register_number="2345678")

    # when they submit a committee notice for a tender where the company bids under another name
    notice = _committee_notice(position, bidders=[("Алтан Говь Трейд ХХК", "2345678")])

    # then
    flag = RedFlag.objects.get(notice=notice)
    assert (flag.kind, flag.matched_on, flag.company_id, flag.bidder.name, flag.resolved_at) == (
        "bidder_declared_company",
        "register_number",
        company.pk,
        "Алтан Говь Трейд ХХК",
        None,
    )
    assert flag.evidence == {
        "company_name": "Говь-Алт ХХК",
        "holder": "self",
        "relationship": "",
        "declaration_id": declaration.pk,
        "revision_id": declaration.revisions.get().pk,
        "matched_name": "Алтан Говь Трейд ХХК",
        "matched_register_number": "2345678",
        "matched_on": "register_number",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("bidder_name", ['"ГОВЬ"  ххк', "говь ххк", "„Говь“ ХХК", " 'Говь'\tХХК "])
def test_a_bidder_whose_name_differs_only_in_case_spacing_and_quotes_is_flagged(bidder_name):
    # given an official whose accepted declaration lists «Говь» ХХК
    position = PositionFactory()
    make_accepted_declaration(position, companies=[("«Говь» ХХК", "3456789")])

    # when a bidder without a registration number has the same name, written differently
    notice = _committee_notice(position, bidders=[(bidder_name, "")])

    # then
    assert _flags(notice) == [("bidder_declared_company", "name", "«Говь» ХХК", bidder_name.strip(), None)]
    evidence = RedFlag.objects.get(notice=notice).evidence
    assert (evidence["matched_name"], evidence["matched_register_number"], evidence["matched_on"]) == (
        bidder_name.strip(),
        "",
        "name",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "number"), [("Говь Алт ХХК", ""), ("Говь ХК", ""), ("Хангай ХХК", "3456780")])
def test_a_bidder_with_another_name_and_number_is_not_flagged(name, number):
    # given an official whose accepted declaration lists «Говь» ХХК, 3456789
    position = PositionFactory()
    make_accepted_declaration(position, companies=[("«Говь» ХХК", "3456789")])

    # when
    notice = _committee_notice(position, bidders=[(name, number)])

    # then
    assert _flags(notice) == []


@pytest.mark.django_db
def test_a_family_members_company_is_flagged_with_the_family_member_as_holder():
    # given an official whose spouse owns Сарнай Эм Хангамж ХХК, 5123456 (the sample declaration)
    position = PositionFactory()
    declaration = make_accepted_declaration(position, companies=[])

    # when the spouse's company bids
    notice = _committee_notice(position, bidders=[("Сарнай Эм Хангамж ХХК", "5123456")])

    # then
    flag = RedFlag.objects.get(notice=notice)
    assert flag.matched_on == "register_number"
    assert flag.evidence == {
        "company_name": "Сарнай Эм Хангамж ХХК",
        "holder": "family",
        "relationship": "spouse",
        "declaration_id": declaration.pk,
        "revision_id": declaration.revisions.get().pk,
        "matched_name": "Сарнай Эм Хангамж ХХК",
        "matched_register_number": "5123456",
        "matched_on": "register_number",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("declaration_state", [None, "draft", "submitted", "under_review", "returned"])
def test_no_flag_when_the_official_has_no_accepted_declaration(declaration_state):
    # given an official whose only declaration listing the company is not accepted, or who has none
    position = PositionFactory()
    if declaration_state is not None:
        content = sample_content(full_name=position.official.full_name, companies=[("Говь-Алт ХХК", "2345678")])
        make_declaration(declaration_state, position=position, content=content)

    # when
    notice = _committee_notice(position, bidders=[("Говь-Алт ХХК", "2345678")])

    # then
    assert _flags(notice) == []


@pytest.mark.django_db
def test_a_published_declaration_counts_as_accepted():
    position = PositionFactory()
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], state="published")

    notice = _committee_notice(position, bidders=[("Говь-Алт ХХК", "2345678")])

    assert _flags(notice) == [("bidder_declared_company", "register_number", "Говь-Алт ХХК", "Говь-Алт ХХК", None)]


@pytest.mark.django_db
def test_only_the_latest_accepted_declaration_is_compared():
    # given an official who declared Говь-Алт ХХК in 2024, and no longer in 2025
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    full_name = position.official.full_name
    with_company = sample_content(full_name=full_name, companies=[("Говь-Алт ХХК", "2345678")])
    make_declaration("accepted", position=position, reviewer=reviewer, year=2024, content=with_company)
    without = sample_content(full_name=full_name, companies=[("Хангай ХХК", "3456780")])
    make_declaration("accepted", position=position, reviewer=reviewer, year=2025, content=without)

    # when
    notice = _committee_notice(position, bidders=[("Говь-Алт ХХК", "2345678")])

    # then
    assert _flags(notice) == []


@pytest.mark.django_db
def test_a_bidder_added_after_submission_flags_the_notice_already_submitted():
    # given an official with an accepted declaration listing Говь-Алт ХХК, who submitted a clean notice
    position = PositionFactory()
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")])
    submitted = _committee_notice(position, bidders=[("Хөх Тэнгэр Констракшн ХХК", "6012345")])
    assert _flags(submitted) == []

    # when the secretary adds Говь-Алт ХХК as a bidder
    bidder = tenders.tender_add_bidder(
        actor=submitted.tender.secretary, tender_id=submitted.tender_id, name="ГОВЬ-АЛТ ххк", register_number=""
    )

    # then the submitted notice is flagged for that bidder; the supplementary draft is not scanned yet
    assert list(RedFlag.objects.values_list("notice_id", "bidder_id", "matched_on")) == [
        (submitted.pk, bidder.pk, "name")
    ]
    supplementary = latest_notice(submitted.tender.members.get())
    assert (supplementary.state, supplementary.is_supplementary) == ("draft", True)

    # when the member files the supplementary notice, it is flagged on its own
    declare(supplementary)
    assert _flags(supplementary) == [("bidder_declared_company", "name", "Говь-Алт ХХК", "ГОВЬ-АЛТ ххк", None)]


@pytest.mark.django_db
def test_a_bidder_added_does_not_flag_a_draft_or_returned_notice():
    # given two members with the company declared: one returned, one never submitted
    organisation = OrganisationFactory()
    reviewer = make_reviewer(organisation)
    returned_position, draft_position = PositionFactory.create_batch(2, organisation=organisation)
    for position in (returned_position, draft_position):
        make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    tender = make_tender("declaring", organisation=organisation, members=[returned_position, draft_position])
    returned = declare(latest_notice(tender.members.get(official=returned_position.official)))
    notices.notice_start_review(actor=reviewer, notice_id=returned.pk)
    notices.notice_return_for_correction(actor=reviewer, notice_id=returned.pk, comment=RETURN_COMMENT)

    # when
    tenders.tender_add_bidder(
        actor=tender.secretary, tender_id=tender.pk, name="Говь-Алт ХХК", register_number="2345678"
    )

    # then
    assert RedFlag.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["acknowledged", "published"])
def test_a_bidder_added_after_acknowledgement_reaches_the_member_through_the_supplementary_notice(state):
    # given a member whose clean notice is already acknowledged (and perhaps published)
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    tender = make_tender("declaring", organisation=position.organisation, members=[position])
    acknowledged = advance_notice_from_submitted(
        declare(latest_notice(tender.members.get())), "acknowledged", reviewer=reviewer
    )
    if state == "published":
        notices.notice_publish(actor=reviewer, notice_id=acknowledged.pk)

    # when the secretary adds a company of the member's declaration as a bidder
    tenders.tender_add_bidder(actor=tender.secretary, tender_id=tender.pk, name="Говь-Алт ХХК", register_number="")

    # then the final notice carries no flag nobody could resolve; the supplementary notice is flagged once filed
    assert _flags(acknowledged) == []
    assert Notice.objects.get(pk=acknowledged.pk).state == state
    supplementary = latest_notice(tender.members.get())
    assert (supplementary.state, supplementary.is_supplementary) == ("draft", True)
    declare(supplementary)
    assert _flags(supplementary) == [("bidder_declared_company", "name", "Говь-Алт ХХК", "Говь-Алт ХХК", None)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("counterparty", "matched_on"),
    [
        ({"counterparty_name": "Өөр нэр ХХК", "counterparty_register_number": "2345678"}, "register_number"),
        ({"counterparty_name": "  «ГОВЬ-АЛТ»   ХХК"}, "name"),
    ],
)
def test_the_counterparty_of_an_ordinary_notice_is_flagged(counterparty, matched_on):
    # given an official whose accepted declaration lists Говь-Алт ХХК
    position = PositionFactory()
    declaration = make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")])

    # when they submit a notice before a contract with that company
    notice = make_notice("submitted", position=position, **counterparty)

    # then
    flag = RedFlag.objects.get(notice=notice)
    assert (flag.kind, flag.matched_on, flag.bidder_id) == ("counterparty_declared_company", matched_on, None)
    stored = Notice.objects.get(pk=notice.pk)
    assert flag.evidence == {
        "company_name": "Говь-Алт ХХК",
        "holder": "self",
        "relationship": "",
        "declaration_id": declaration.pk,
        "revision_id": declaration.revisions.get().pk,
        "matched_name": stored.counterparty_name,
        "matched_register_number": stored.counterparty_register_number,
        "matched_on": matched_on,
    }


@pytest.mark.django_db
def test_a_notice_without_a_counterparty_or_tender_is_not_flagged():
    position = PositionFactory()
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")])

    notice = make_notice("submitted", position=position)

    assert _flags(notice) == []


@pytest.mark.django_db
def test_an_external_members_notice_is_never_flagged():
    # given a citizen on the committee of a tender where a company bids
    tender = make_tender("declaring", members=[], externals=[("Сүхийн Болд", "bold@example.mn")])

    # when they submit their notice
    notice = declare(latest_notice(tender.members.get()))

    # then there is no declaration to compare with
    assert redflags.declared_companies_of(notice.official_id) == []
    assert _flags(notice) == []


@pytest.mark.django_db
def test_scanning_again_creates_no_duplicates():
    # given a committee notice flagged for a bidder and for its counterparty
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    notice = _committee_notice(position, bidders=[("Говь-Алт ХХК", "2345678")], counterparty_register_number="2345678")
    first = _flags(notice)
    assert [kind for kind, *_ in first] == ["bidder_declared_company", "counterparty_declared_company"]

    # when the notice and the bidder are scanned again, and the notice is returned and resubmitted
    again = redflags.scan_notice(notice)
    redflags.scan_bidder(notice.tender.bidders.get())
    notices.notice_start_review(actor=reviewer, notice_id=notice.pk)
    notices.notice_return_for_correction(actor=reviewer, notice_id=notice.pk, comment=RETURN_COMMENT)
    notices.notice_resubmit(actor=position.official.user, notice_id=notice.pk)

    # then the same flags are found, and none is added
    assert sorted(flag.pk for flag in again) == sorted(RedFlag.objects.values_list("pk", flat=True))
    assert _flags(notice) == first


@pytest.mark.django_db
def test_a_resolved_flag_stays_resolved_when_scanned_again():
    # given a flagged notice whose flag the reviewer resolved
    position = PositionFactory()
    reviewer = make_reviewer(position.organisation)
    make_accepted_declaration(position, companies=[("Говь-Алт ХХК", "2345678")], reviewer=reviewer)
    notice = make_notice("under_review", position=position, reviewer=reviewer, counterparty_register_number="2345678")
    flag = RedFlag.objects.get(notice=notice)
    notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason="Хувьцааг худалдсан.")

    # when
    redflags.scan_notice(notice)

    # then
    assert list(RedFlag.objects.values_list("pk", "resolution_reason", "resolved_by")) == [
        (flag.pk, "Хувьцааг худалдсан.", reviewer.pk)
    ]
    with pytest.raises(errors.StateConflict) as conflict:
        notices.notice_resolve_flag(actor=reviewer, notice_id=notice.pk, flag_id=flag.pk, reason="Дахин.")
    assert str(conflict.value.message) == "This red flag is already resolved."
