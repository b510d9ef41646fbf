"""External committee members: an account without a position, taken up through an e-mailed invitation.

The secretary seats a citizen (or an association's or NGO's representative) by name and e-mail; the
account cannot sign in until its owner follows the one-time link and chooses a password.
"""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from declarations.models import CommitteeMember
from tests.factories import PositionFactory, UserFactory
from tests.notice_factories import make_tender
from workflow import errors, tenders

User = get_user_model()
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/invitation/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "Шинэ-нууц-үг-2026"


def _seat(tender, *, email, full_name="Сүхийн Болд", kind="citizen"):
    return tenders.tender_add_member(
        actor=tender.secretary, tender_id=tender.pk, kind=kind, full_name=full_name, email=email
    )


def _footprint():
    return {
        "users": list(User.objects.order_by("pk").values_list("pk", "email", "password")),
        "members": list(CommitteeMember.objects.order_by("pk").values_list("pk", "user_id", "kind")),
    }


@pytest.mark.django_db
def test_a_new_external_member_gets_an_account_that_signs_in_only_after_the_invitation(
    django_capture_on_commit_callbacks, mailoutbox
):
    # given a tender being formed
    tender = make_tender("forming", members=[])

    # when the secretary seats a citizen by name and e-mail
    with django_capture_on_commit_callbacks(execute=True):
        member = _seat(tender, email="Bold@Example.mn")

    # then an account without a position and without a usable password exists, and one e-mail invites them
    account = member.user
    assert (member.kind, member.full_name, member.official_id) == ("citizen", "Сүхийн Болд", None)
    # (Django's ``create_user`` lower-cases the domain part)
    assert (account.email, account.is_active, account.has_usable_password()) == ("Bold@example.mn", True, False)
    assert not hasattr(account, "official")
    assert account.get_username() == "bold@example.mn"
    assert [message.to for message in mailoutbox] == [["Bold@example.mn"]]
    body = mailoutbox[0].body
    assert "your user name is bold@example.mn" in body
    assert tender.reference_number in body
    assert tender.title in body
    assert tender.organisation.name in body
    path = LINK.search(body).group(1)

    # when they follow the link and choose a password
    client = Client()
    form = client.get(path, follow=True)
    assert (form.status_code, form.context["validlink"]) == (200, True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )

    # then the password is set and they sign in with it; the link no longer works
    assert done.redirect_chain[-1][0] == "/invitation/done/"
    assert Client().login(username="bold@example.mn", password=NEW_PASSWORD) is True
    again = Client().get(path, follow=True)
    assert again.context["validlink"] is False


@pytest.mark.django_db
def test_an_invitation_link_with_a_wrong_token_sets_nothing():
    account = UserFactory(password=None, email="bold@example.mn")
    before = _footprint()

    client = Client()
    page = client.get(f"/invitation/{account.pk}/wrong-token/", follow=True)
    refused = client.post(
        f"/invitation/{account.pk}/set-password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert (page.status_code, page.context["validlink"]) == (200, False)
    assert (refused.status_code, refused.context["validlink"]) == (200, False)
    assert _footprint() == before


@pytest.mark.django_db
def test_an_external_member_seated_again_keeps_their_account(django_capture_on_commit_callbacks, mailoutbox):
    # given a citizen seated on one committee, who has set their password
    first = _seat(make_tender("forming", members=[]), email="bold@example.mn")
    first.user.set_password(NEW_PASSWORD)
    first.user.save()

    # when another secretary seats the same e-mail address, written in another case
    with django_capture_on_commit_callbacks(execute=True):
        second = _seat(make_tender("forming", members=[]), email="BOLD@example.MN", kind="ngo")

    # then it is the same account, and nobody is invited again
    assert second.user_id == first.user_id
    assert User.objects.filter(email__iexact="bold@example.mn").count() == 1
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_external_member_who_never_accepted_is_invited_again(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = _seat(make_tender("forming", members=[]), email="bold@example.mn")
        second = _seat(make_tender("forming", members=[]), email="bold@example.mn")

    assert second.user_id == first.user_id
    assert [message.to for message in mailoutbox] == [["bold@example.mn"], ["bold@example.mn"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", tenders.EXTERNAL_NEEDS_NAME),
        ("bold", tenders.EMAIL_INVALID),
        ("bold@", tenders.EMAIL_INVALID),
        ("bold@example.mn\nBcc: x@example.mn", tenders.EMAIL_INVALID),
        (["bold@example.mn"], tenders.EXTERNAL_NEEDS_NAME),
        ("official@example.mn", tenders.EMAIL_OF_ANOTHER_ACCOUNT),
        ("agency@example.mn", tenders.EMAIL_OF_ANOTHER_ACCOUNT),
    ],
)
def test_a_bad_or_taken_e_mail_address_seats_nobody(email, message, django_capture_on_commit_callbacks, mailoutbox):
    # given an official's account and an agency account (no position) with their own addresses
    PositionFactory(official__user__email="official@example.mn")
    UserFactory(email="agency@example.mn")
    tender = make_tender("forming", members=[])
    before = _footprint()

    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(errors.InvalidInput) as invalid:
        _seat(tender, email=email)

    # then the field and reason are named, and no account, seat or e-mail was made
    assert invalid.value.errors == {"email": [message]}
    assert _footprint() == before
    assert mailoutbox == []
