"""What a printout (the PDF on demand) of a filing shows: only what was filed, never a working copy.

A declaration prints its latest frozen revision: a draft that was never submitted has none, so there is
nothing to print. A notice has no revisions: it prints once it has left the draft state, with the bidders
its filer declared against when it was a committee member's notice. Who may print is who may see the
filing: the views fetch it through ``workflow.policies`` first.
"""

from __future__ import annotations

from declarations.models import Bidder, CommitteeMember, Declaration, DeclarationRevision, Notice, NoticeState


def latest_revision(declaration: Declaration) -> DeclarationRevision | None:
    """The declaration's latest frozen revision (its last submission); ``None`` when it was never submitted."""
    return declaration.revisions.order_by("-number").first()


def notice_is_filed(notice: Notice) -> bool:
    """A notice is filed once submitted; a draft (a tender's committee notice waiting too) has nothing to print."""
    return notice.state != NoticeState.DRAFT


def declared_bidders(notice: Notice) -> list[Bidder]:
    """The bidders a committee member's notice declares against: the tender's bidders registered by the time the
    notice was (last) submitted. A bidder added later is declared against in a supplementary notice."""
    if notice.tender_id is None:
        return []
    bidders = Bidder.objects.filter(tender_id=notice.tender_id).order_by("pk")
    if notice.submitted_at is not None:
        bidders = bidders.filter(added_at__lte=notice.submitted_at)
    return list(bidders)


def notice_filer_name(notice: Notice) -> str:
    """The name of the person who filed the notice: the official, or an external committee member (a citizen or
    a representative, who holds no position) as the secretary registered them on the committee."""
    if notice.official is not None:
        return notice.official.full_name
    if notice.tender_id is not None:
        seat = CommitteeMember.objects.filter(tender_id=notice.tender_id, user_id=notice.filer_id).first()
        if seat is not None:
            return seat.full_name
    filer = notice.filer
    return filer.get_full_name() or filer.get_username()
