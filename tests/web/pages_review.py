"""The review pages, for the every-page checks in tests/web/test_pages.py, and the scene the review tests share."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from declarations.content import sample_content
from declarations.models import Declaration, DeclarationState
from tests.factories import OrganisationFactory, PositionFactory, assign_to_agency, make_declaration, make_reviewer
from workflow import services

S = DeclarationState


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def previous_content(full_name: str) -> dict[str, Any]:
    """Last year's content: the sample, with a smaller loan (30 million of a 45.6 million income)."""
    content = sample_content(full_name=full_name)
    content["loans"][0].update(amount="30000000.00", amount_mnt="30000000.00", outstanding_mnt="20000000.00")
    return content


def changed_content(full_name: str) -> dict[str, Any]:
    """This year's content: the apartment revalued, the car sold, a new bank account and business income,
    a higher salary, and the spouse's company share down to half."""
    content = copy.deepcopy(previous_content(full_name))
    content["real_estate"][0]["value_mnt"] = "300000000.00"
    content["vehicles"] = []
    content["bank_accounts"].append(
        {
            "bank_name": "Төрийн банк",
            "account_number": "3400112233",
            "currency": "MNT",
            "balance": "5000000.00",
            "balance_mnt": "5000000.00",
        }
    )
    content["income"][0]["amount_mnt"] = "42000000.00"
    content["income"].append({"source": "Говь-Алт ХХК", "kind": "business", "amount_mnt": "10000000.00"})
    content["family_members"][0]["companies"][0]["share_percent"] = "50.00"
    return content


def flagged_content(full_name: str, *, land_value: str) -> dict[str, Any]:
    """No income and no securities: the loan is above 80% of the (zero) income, and assets may outgrow it."""
    content = sample_content(full_name=full_name)
    content["income"] = []
    content["securities"] = []
    content["real_estate"][1]["value_mnt"] = land_value
    return content


@dataclass
class ReviewScene:
    aimag: Any
    department: Any
    reviewer: Any  # the aimag's ЭБАТ
    agency: Any  # an agency reviewer, assigned two referred declarations
    filer: Any  # official A's user
    accepted: Declaration  # A's 2023 declaration, accepted
    resubmitted: Declaration  # A's 2024 declaration: returned with a remark, corrected and submitted again
    correction: Declaration  # A's correction of the 2023 declaration, submitted
    under_review: Declaration  # B's 2024 declaration, under review, with machine findings
    first: Declaration  # C's first declaration, submitted: nothing to compare with
    referred: Declaration  # D's declaration, referred and assigned to the agency reviewer
    concluded: Declaration  # E's declaration, concluded by the agency with internal notes
    elsewhere: Declaration  # a submitted declaration outside the ЭБАТ's scope


def review_scene() -> ReviewScene:
    aimag = OrganisationFactory(kind="governor_office", name="Дорноговь аймгийн ЗДТГ")
    department = OrganisationFactory(parent=aimag, name="Санхүүгийн хэлтэс")
    reviewer = make_reviewer(aimag)

    def position(name: str) -> Any:
        return PositionFactory(organisation=department, title="Хэлтсийн дарга", official__full_name=name)

    a = position("Батбаярын Тэмүүжин")
    accepted = make_declaration(
        S.ACCEPTED, position=a, reviewer=reviewer, year=2023, content=previous_content(a.official.full_name)
    )
    returned = make_declaration(
        S.RETURNED, position=a, reviewer=reviewer, year=2024, content=changed_content(a.official.full_name)
    )
    resubmitted = services.declaration_resubmit(actor=a.official.user, declaration_id=returned.pk)
    correction = services.declaration_create_correction(actor=a.official.user, corrects_id=accepted.pk)
    correction = services.declaration_submit(actor=a.official.user, declaration_id=correction.pk)

    b = position("Должингийн Оюунбилэг")
    make_declaration(
        S.ACCEPTED,
        position=b,
        reviewer=reviewer,
        year=2023,
        content=flagged_content(b.official.full_name, land_value="45000000.00"),
    )
    under_review = make_declaration(
        S.UNDER_REVIEW,
        position=b,
        reviewer=reviewer,
        year=2024,
        content=flagged_content(b.official.full_name, land_value="95000000.00"),
    )

    first = make_declaration(S.SUBMITTED, position=position("Ганбатын Сэлэнгэ"), year=2024)

    referred = make_declaration(S.REFERRED, position=position("Мөнхийн Дөлгөөн"), reviewer=reviewer, year=2024)
    agency = assign_to_agency(referred)
    concluded = make_declaration(S.REFERRED, position=position("Цэрэнгийн Номин"), reviewer=reviewer, year=2024)
    assign_to_agency(concluded, agency=agency)
    concluded = services.declaration_conclude(
        actor=agency,
        declaration_id=concluded.pk,
        finding="no_violation",
        legal_article="Нийтийн албанд нийтийн болон хувийн ашиг сонирхлыг зохицуулах тухай хууль, 8.1",
        reasoning="Хөрөнгийн өсөлт өв залгамжлалаар тайлбарлагдсан.",
        internal_notes="Өв залгамжлалын гэрчилгээг шалгасан.",
    )
    elsewhere = make_declaration(
        S.SUBMITTED, position=PositionFactory(organisation=OrganisationFactory(name="Өмнөговь аймгийн ЗДТГ"))
    )
    return ReviewScene(
        aimag=aimag,
        department=department,
        reviewer=reviewer,
        agency=agency,
        filer=a.official.user,
        accepted=accepted,
        resubmitted=resubmitted,
        correction=correction,
        under_review=under_review,
        first=first,
        referred=referred,
        concluded=concluded,
        elsewhere=elsewhere,
    )


@pytest.fixture
def review_pages(monkeypatch):
    """The queue (two a page, so that it has pages) and the review page in each state it is shown in."""
    from web import review

    monkeypatch.setattr(review, "PAGE_SIZE", 2)
    scene = review_scene()
    reviewer, agency = signed_in(scene.reviewer), signed_in(scene.agency)

    def page(client: Client, declaration: Declaration):
        return lambda headers: client.get(f"/review/declarations/{declaration.pk}/", **headers)

    return [
        ("review queue", lambda headers: reviewer.get("/review/", **headers)),
        ("review queue, second page", lambda headers: reviewer.get("/review/", {"page": 2}, **headers)),
        ("review queue, filtered", lambda headers: reviewer.get("/review/", {"state": "under_review"}, **headers)),
        ("review queue, nothing found", lambda headers: reviewer.get("/review/", {"year": 1999}, **headers)),
        ("review queue, wrong filter", lambda headers: reviewer.get("/review/", {"year": "last"}, **headers)),
        ("review queue, agency", lambda headers: agency.get("/review/", **headers)),
        ("review, submitted again, with comparison", page(reviewer, scene.resubmitted)),
        ("review, correction", page(reviewer, scene.correction)),
        ("review, under review, with findings", page(reviewer, scene.under_review)),
        ("review, submitted, nothing to compare", page(reviewer, scene.first)),
        ("review, accepted", page(reviewer, scene.accepted)),
        ("review, referred, for the ЭБАТ", page(reviewer, scene.referred)),
        ("review, referred, for the agency", page(agency, scene.referred)),
        ("review, concluded, for the agency", page(agency, scene.concluded)),
        (
            "review, return without a comment",
            lambda headers: reviewer.post(
                f"/review/declarations/{scene.under_review.pk}/return/",
                {
                    "return-comment": "",
                    "remarks-TOTAL_FORMS": "3",
                    "remarks-INITIAL_FORMS": "0",
                    "remarks-0-path": "real_estate[1].value_mnt",
                    "remarks-0-message": "",
                    "remarks-1-path": "",
                    "remarks-1-message": "Газрын үнэлгээг шалгана уу.",
                },
                **headers,
            ),
        ),
    ]
