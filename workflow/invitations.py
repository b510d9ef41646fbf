"""Invitations: an account made for someone else (an external committee member) is taken up by its owner.

The account is created without a usable password, so nobody can sign in with it until the person follows
the link e-mailed to them and chooses a password. The link carries Django's password-reset token, which
stops working once the password is set (the token covers the password hash) and after
``PASSWORD_RESET_TIMEOUT`` (``INVITATION_TIMEOUT``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.functional import Promise
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

User = get_user_model()


def accounts_answering_to(address: str) -> Any:
    """Accounts that already answer to the address, as their e-mail or as their user name."""
    return User.objects.filter(Q(email__iexact=address) | Q(username__iexact=address))


def username_for(address: str) -> str:
    """An invited person signs in with their e-mail address; one too long for a user name gets a generated one
    (the invitation tells them which)."""
    username = address.lower()
    max_length = User._meta.get_field("username").max_length or 150
    return username if len(username) <= max_length else f"invited-{uuid.uuid4().hex[:12]}"


def invitation_link(user: Any) -> str:
    """The absolute one-time link where the user sets their password."""
    path = reverse(
        "web:invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_invitation(user_id: int, reason: str | Promise) -> None:
    """E-mail the invitation; an account that has meanwhile set a password is not invited again."""
    user = User.objects.get(pk=user_id)
    if user.has_usable_password() or not user.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "%(reason)s\n\nAn account was opened for you; your user name is %(username)s. Choose your password "
            "here (the link works once):\n%(link)s"
        ) % {"reason": reason, "username": user.get_username(), "link": invitation_link(user)}
        send_mail(
            _("Your account for conflict-of-interest declarations"), body, settings.DEFAULT_FROM_EMAIL, [user.email]
        )


def invite_after_commit(user: Any, reason: str | Promise) -> None:
    """Send the invitation once the transaction that made the account (or the seat) commits."""
    if not user.has_usable_password():
        transaction.on_commit(lambda: send_invitation(user.pk, reason))
