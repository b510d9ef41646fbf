"""The API's body parsers: DRF's JSON, form and multipart parsers, refusing what no field can hold.

Whatever a client sends, a body the services cannot take is a 400 (or a 413) naming the reason, never a
server error:

- JSON nested deeper than ``MAX_NESTING`` levels is refused; Python's JSON parser would raise
  ``RecursionError`` at about a thousand levels, and recursive code after it sooner.
- A form body whose bytes are not text in its encoding is refused (Django would store replacement characters).
- A text (a value or a key) holding a NUL character or a lone UTF-16 surrogate (``"\\ud800"`` is valid JSON) is
  refused, naming the field: PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded in
  UTF-8, neither to store it nor to send it back.

Bodies larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` are refused by Django before a parser reads them
(``RequestDataTooBig``, answered 413 by ``api.errors``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from declarations.content import MSG_CONTROL_CHARACTERS
from workflow import errors

MAX_NESTING = 32
NESTED_TOO_DEEPLY = _("The request body is nested more than %(max)d levels deep.")
INVALID_UNICODE = _("This value is not valid Unicode text: it holds a lone surrogate.")
NOT_TEXT = _("The request body is not valid %(encoding)s text.")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_NUL = "\x00"


class BodyRejected(ParseError):
    """A body that parses but that the API refuses as a whole; ``detail`` is the reason, in the user's language."""


def _field_path(prefix: str, key: Any) -> str:
    """``prefix.key`` or ``prefix[index]``; a key that is not valid text is shown with replacement characters."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    name = _LONE_SURROGATE.sub("\ufffd", str(key)).replace(_NUL, "\ufffd")
    return f"{prefix}.{name}" if prefix else name


def _text_problem(text: str) -> Any:
    if _NUL in text:
        return MSG_CONTROL_CHARACTERS
    if _LONE_SURROGATE.search(text):
        return INVALID_UNICODE
    return None


def _children(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, Mapping):
        return iter(value.items())
    if isinstance(value, list):
        return enumerate(value)
    return iter(())


def check_body(data: Any) -> None:
    """Refuse a body nested too deeply (``BodyRejected``) or holding text no field can take (``InvalidInput``,
    every such field by its path). Iterative, so that no depth can exhaust the stack."""
    problems: dict[str, list[Any]] = {}
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem is not None:
                problems.setdefault(path or "non_field_errors", []).append(problem)
            continue
        if isinstance(value, Mapping | list) and depth >= MAX_NESTING:
            raise BodyRejected(NESTED_TOO_DEEPLY % {"max": MAX_NESTING})
        for key, child in _children(value):
            child_path = _field_path(path, key)
            if isinstance(key, str) and _text_problem(key) is not None:
                problems.setdefault(child_path, []).append(_text_problem(key))
                continue
            stack.append((child_path, child, depth + 1))
    if problems:
        raise errors.InvalidInput(dict(sorted(problems.items())))


def _form_fields(data: QueryDict) -> dict[str, Any]:
    return {key: values[0] if len(values) == 1 else values for key, values in data.lists()}


def _text_encoding(parser_context: Any) -> str:
    """The request's charset, if it is a text encoding (as DRF checks it: ``bz2_codec`` would decompress)."""
    encoding = str((parser_context or {}).get("encoding", settings.DEFAULT_CHARSET))
    try:
        "".encode(encoding)
    except (LookupError, UnicodeError):
        raise ParseError from None
    return encoding


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise BodyRejected(NESTED_TOO_DEEPLY % {"max": MAX_NESTING}) from None
        check_body(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read()
        encoding = _text_encoding(parser_context)
        # Django's QueryDict decodes invalid bytes as replacement characters, which would then be stored.
        try:
            parse_qsl(raw.decode(encoding), keep_blank_values=True, encoding=encoding, errors="strict")
        except UnicodeDecodeError:
            raise BodyRejected(NOT_TEXT % {"encoding": encoding}) from None
        except ValueError:
            pass  # too many fields: QueryDict raises TooManyFieldsSent
        data = QueryDict(raw, encoding=encoding)
        check_body(_form_fields(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        check_body(_form_fields(result.data))
        return result
