"""Red flags: a declared company (the official's own or a family member's) is a bidder or counterparty.

Compared on the company registration number and on the normalised name (case, spacing and quotes
folded), against the companies of the official's latest accepted declaration. A flag never blocks by
itself; the reviewer resolves it with a written reason before acknowledging the notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from declarations.models import (
    Bidder,
    Declaration,
    DeclarationState,
    DeclaredCompany,
    Notice,
    NoticeState,
    RedFlag,
    RedFlagKind,
)

FINAL_STATES = (DeclarationState.ACCEPTED, DeclarationState.PUBLISHED)


def declared_companies_of(official_id: int | None) -> list[DeclaredCompany]:
    """The companies of the official's latest accepted (or published) declaration, latest revision."""
    if official_id is None:
        return []
    declaration = (
        Declaration.objects.filter(official_id=official_id, state__in=FINAL_STATES)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    if declaration is None:
        return []
    revision = declaration.revisions.order_by("-number").first()
    return list(DeclaredCompany.objects.filter(revision=revision)) if revision else []


def _matches(company: DeclaredCompany, *, name_normalised: str, register_number: str) -> str | None:
    if register_number and company.register_number and company.register_number == register_number:
        return "register_number"
    if name_normalised and company.name_normalised == name_normalised:
        return "name"
    return None


def _evidence(company: DeclaredCompany, *, name: str, register_number: str, matched_on: str) -> dict[str, Any]:
    return {
        "company_name": company.name,
        "holder": company.holder,
        "relationship": company.relationship,
        "declaration_id": company.declaration_id,
        "revision_id": company.revision_id,
        "matched_name": name,
        "matched_register_number": register_number,
        "matched_on": matched_on,
    }


def scan_notice(notice: Notice, *, bidders: Iterable[Bidder] | None = None) -> list[RedFlag]:
    """Attach a flag for every declared company that is one of the tender's bidders or the counterparty."""
    companies = declared_companies_of(notice.official_id)
    if not companies:
        return []
    found: list[RedFlag] = []
    if notice.tender is not None:
        for bidder in bidders if bidders is not None else notice.tender.bidders.all():
            for company in companies:
                matched_on = _matches(
                    company, name_normalised=bidder.name_normalised, register_number=bidder.register_number
                )
                if matched_on:
                    flag, _created = RedFlag.objects.get_or_create(
                        notice=notice,
                        kind=RedFlagKind.BIDDER_IS_DECLARED_COMPANY,
                        company=company,
                        bidder=bidder,
                        defaults={
                            "matched_on": matched_on,
                            "evidence": _evidence(
                                company, name=bidder.name, register_number=bidder.register_number, matched_on=matched_on
                            ),
                        },
                    )
                    found.append(flag)
    if notice.counterparty_name or notice.counterparty_register_number:
        for company in companies:
            matched_on = _matches(
                company,
                name_normalised=notice.counterparty_name_normalised,
                register_number=notice.counterparty_register_number,
            )
            if matched_on:
                flag, _created = RedFlag.objects.get_or_create(
                    notice=notice,
                    kind=RedFlagKind.COUNTERPARTY_IS_DECLARED_COMPANY,
                    company=company,
                    bidder=None,
                    defaults={
                        "matched_on": matched_on,
                        "evidence": _evidence(
                            company,
                            name=notice.counterparty_name,
                            register_number=notice.counterparty_register_number,
                            matched_on=matched_on,
                        ),
                    },
                )
                found.append(flag)
    return found


# A flag is attached only where a reviewer can still resolve it. An acknowledged notice is final: the new
# bidder reaches its member through the supplementary notice the tender asks for, scanned on submission.
OPEN_FOR_REVIEW = (NoticeState.SUBMITTED, NoticeState.UNDER_REVIEW)


def scan_bidder(bidder: Bidder) -> list[RedFlag]:
    """A new bidder is compared with every member's notice for the tender that is waiting for review."""
    notices = Notice.objects.filter(tender_id=bidder.tender_id, state__in=OPEN_FOR_REVIEW)
    found: list[RedFlag] = []
    for notice in notices.select_related("tender"):
        found += scan_notice(notice, bidders=[bidder])
    return found
