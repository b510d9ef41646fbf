"""Map domain errors to HTTP answers: 400 invalid input, 401 not signed in, 403 forbidden, 404 not visible,
409 wrong state, 413 a body too large to read.

Every error body has ``detail`` (a sentence in the user's language) and ``code``; invalid input adds
``errors`` (field path → messages); a wrong state adds ``state`` and ``allowed_transitions``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.parsers import BodyRejected
from workflow import errors

INVALID_INPUT = _("The input is invalid.")
EXPECTED_OBJECT = _("Send a JSON object.")
# DRF builds "JSON parse error - %s" without gettext; the parser's own sentence is English and technical.
MALFORMED_REQUEST = _("The request body could not be read: send well-formed JSON.")
# Django refuses these before a parser runs (``DATA_UPLOAD_MAX_MEMORY_SIZE``, ``DATA_UPLOAD_MAX_NUMBER_FIELDS``,
# ``DATA_UPLOAD_MAX_NUMBER_FILES``) with a SuspiciousOperation, which would be an HTML 400.
BODY_TOO_LARGE = _("The request body is too large: send at most %(max)d bytes.")
TOO_MANY_FIELDS = _("The request has too many fields or files.")


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as a flat {field path: [messages]} mapping."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = key if not prefix else (f"{prefix}.{key}" if key != "non_field_errors" else prefix)
            for sub_path, messages in _flatten(value, path).items():
                flat.setdefault(sub_path, []).extend(messages)
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for sub_path, messages in _flatten(item, f"{prefix}[{index}]").items():
                    flat.setdefault(sub_path, []).extend(messages)
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def invalid_input_response(errors_by_path: dict[str, list[Any]]) -> Response:
    return Response(
        {
            "detail": str(INVALID_INPUT),
            "code": "invalid",
            "errors": {path: [str(m) for m in messages] for path, messages in errors_by_path.items()},
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, errors.InvalidInput):
        return invalid_input_response(exc.errors)
    if isinstance(exc, errors.ObjectNotFound | Http404):
        return Response({"detail": str(errors.NOT_FOUND), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, errors.ActionForbidden):
        return Response({"detail": str(exc.message), "code": "forbidden"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, errors.TransitionNotAllowed):
        return Response(
            {
                "detail": str(exc.message),
                "code": "invalid_state",
                "state": exc.state,
                "allowed_transitions": exc.allowed,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, errors.StateConflict):
        return Response({"detail": str(exc.message), "code": "conflict"}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF answers 403 when the first authentication class (the session) names no scheme; a client of
        # the API must learn that it can authenticate, and how: 401 with the token scheme, always.
        return Response(
            {"detail": str(exc.detail), "code": exc.default_code},
            status=status.HTTP_401_UNAUTHORIZED,
            headers={"WWW-Authenticate": TokenAuthentication.keyword},
        )
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": str(BODY_TOO_LARGE % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": str(TOO_MANY_FIELDS), "code": "too_many_fields"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BodyRejected):
        return Response({"detail": str(exc.detail), "code": exc.default_code}, status=exc.status_code)
    if isinstance(exc, exceptions.ParseError):
        return Response({"detail": str(MALFORMED_REQUEST), "code": exc.default_code}, status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        return invalid_input_response(_flatten(exc.detail))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = {"detail": str(exc.detail), "code": exc.default_code}
    return response
