"""The frameworks' own messages that the API can send to its users, declared here so they get translated.

Django REST framework ships no Mongolian catalogue, so its messages ("Authentication credentials were not
provided.", "A valid integer is required.", …) would reach Mongolian users in English. The form fields behind
django-filter's query filters are Django's, whose Mongolian catalogue words them differently from the rest of
the API (and translates "Value must be valid JSON." wrongly). Django looks a message up in the project's
``LOCALE_PATHS`` catalogue before the installed apps' catalogues and its own, so a msgid translated in
``locale/*/LC_MESSAGES/django.po`` is answered from there wherever it is raised, with the project's wording.

The application never imports this module: it exists for ``makemessages``, which extracts the
``gettext_noop`` calls below into the catalogue (and would drop the entries if no source declared them). Each
msgid is the library's exact text, placeholders included: DRF fills its ``{name}`` placeholders with
``str.format`` after translating, Django's forms fill ``%(name)s`` ones with ``%``, so a translation keeps
them exactly. ``tests/api/test_framework_messages.py`` makes a real request produce each of them and compares
the answer word for word, in Mongolian and in English, so a library upgrade that rewords one fails there.

Only messages the API can produce are here. Left out on purpose:

- DRF's parse errors ("JSON parse error - …", "Multipart form parse error - …", "Unsupported charset …") and
  the session authentication's "CSRF Failed: …" are built with ``%`` from strings DRF never passes to
  gettext, so no catalogue can translate them; ``api.errors`` would have to replace them.
- "Invalid cursor": ``api.pagination`` answers a foreign cursor with its own message.
- 'Must include "username" and "password".': the token serializer's fields reject a missing or blank value
  first, so its ``validate`` never sees one.
- Messages of fields, parsers and features the API's input does not use (booleans, dates and lists in a
  body, string lengths: the transition bodies are validated by ``workflow.services``), throttling,
  page-number pagination, basic authentication, and DRF's "Not found." (``api.errors`` answers every 404
  with the project's own message).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

# Django REST framework: authentication, content negotiation and permissions (the exception handler in
# ``api.errors`` puts them into ``detail``).
REQUEST_MESSAGES: tuple[str, ...] = (
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("User inactive or deleted."),
    # ``api.errors`` answers Django's PermissionDenied with DRF's default 403.
    gettext_noop("You do not have permission to perform this action."),
    # Translators: {method} is an HTTP method such as DELETE; keep the placeholder as it is.
    gettext_noop('Method "{method}" not allowed.'),
    # Translators: "Accept" is the name of an HTTP header; the API answers only in JSON.
    gettext_noop("Could not satisfy the request Accept header."),
    # Translators: {media_type} is the request's Content-Type, such as text/plain.
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    # The token endpoint (``POST /api/v1/auth/token/``) with a wrong username or password.
    gettext_noop("Unable to log in with provided credentials."),
)

# Django REST framework: the input serializers' errors, under ``errors`` (``api.serializers`` and the token
# endpoint's serializer).
FIELD_MESSAGES: tuple[str, ...] = (
    # Translators: {datatype} is a Python type name such as list or str.
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("This field may not be blank."),
    gettext_noop("Not a valid string."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("String value too large."),
    # Translators: {input} is the value that was sent.
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("Value must be valid JSON."),
)

# Django's form fields, through django-filter's query filters on the declaration lists (``api.filters``).
FILTER_MESSAGES: tuple[str, ...] = (
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Enter a valid date/time."),
    # Translators: a local time that the clocks skipped or repeated, in a time zone such as Asia/Ulaanbaatar.
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; "
        "it may be ambiguous or it may not exist."
    ),
)

MESSAGES: tuple[str, ...] = REQUEST_MESSAGES + FIELD_MESSAGES + FILTER_MESSAGES
