"""The pdf pages, for the every-page checks in tests/web/test_pages.py.

A PDF is not a web page: what is listed here are the HTML previews of the printouts (the same template the
PDF is laid out from) and the page shown when nothing was filed yet. The PDF's own text in both languages is
checked in tests/web/test_pdf.py.
"""

import pytest
from django.test import Client

from declarations.content import sample_content
from declarations.models import DeclarationState, NoticeState, TenderState
from tests.factories import PositionFactory, make_declaration, make_reviewer
from tests.notice_factories import conflict_fields, in_days, latest_notice, make_notice, make_tender
from workflow import services


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pdf_pages():
    position = PositionFactory(official__full_name="Батбаярын Тэмүүжин")
    reviewer = make_reviewer(position.organisation)
    user = position.official.user
    filer = _client(user)
    # An accepted declaration with an empty section ("Nothing declared."), its correction, and a draft.
    content = sample_content(full_name=position.official.full_name)
    content["vehicles"] = []
    declaration = make_declaration(
        DeclarationState.ACCEPTED, position=position, reviewer=reviewer, year=2024, content=content
    )
    correction = services.declaration_create_correction(actor=user, corrects_id=declaration.pk)
    services.declaration_submit(actor=user, declaration_id=correction.pk)
    draft = make_declaration(DeclarationState.DRAFT, position=position, year=2025)
    # A committee member's acknowledged notice (the bidders), a late notice declaring a conflict, a draft.
    tender = make_tender(
        TenderState.DECLARING, organisation=position.organisation, members=[position], reviewer=reviewer, gate_open=True
    )
    committee_notice = latest_notice(tender.members.get())
    late = make_notice(
        NoticeState.SUBMITTED,
        position=position,
        **conflict_fields(
            action_date=in_days(-3),
            counterparty_name="Говь-Алт ХХК",
            counterparty_register_number="2345678",
            proposed_handling="continue_with_conditions",
            handling_conditions="Шийдвэрийг хамтран гаргана.",
        ),
    )
    draft_notice = make_notice(NoticeState.DRAFT, position=position)

    def get(url):
        return lambda headers: filer.get(url, **headers)

    return [
        ("declaration printout", get(f"/declarations/{declaration.pk}/pdf/preview/")),
        ("declaration printout, correction", get(f"/declarations/{correction.pk}/pdf/preview/")),
        ("declaration printout, nothing filed yet", get(f"/declarations/{draft.pk}/pdf/preview/")),
        ("notice printout, committee member", get(f"/notices/{committee_notice.pk}/pdf/preview/")),
        ("notice printout, late, conflict", get(f"/notices/{late.pk}/pdf/preview/")),
        ("notice printout, nothing filed yet", get(f"/notices/{draft_notice.pk}/pdf/preview/")),
    ]
