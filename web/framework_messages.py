"""Django's own messages on the page where an invited person chooses a password, declared for our catalogue.

Django's Mongolian catalogue leaves the password validators' help texts and errors and the set-password
form's labels in English. Django looks a message up in the project's ``LOCALE_PATHS`` catalogue first, so a
msgid translated in ``locale/*/LC_MESSAGES/django.po`` is answered from there. The application never imports
this module: it exists for ``makemessages``. Each msgid is Django's exact text (``AUTH_PASSWORD_VALIDATORS``
and ``SetPasswordForm``); ``tests/web/test_pages.py`` renders the page and its errors in both languages.
"""

from django.utils.translation import gettext_noop, ngettext

MESSAGES = (
    gettext_noop("New password"),
    gettext_noop("New password confirmation"),
    gettext_noop("The two password fields didn’t match."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop("This password is too common."),
    gettext_noop("This password is entirely numeric."),
)


def _plural_messages() -> None:  # pragma: no cover - never called; declares the plural msgids for makemessages
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        1,
    )
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        1,
    )
