"""Build the public version of a declaration's content by the publication allowlist (DESIGN §5).

Only fields whose spec says ``public=True`` are copied; everything else is dropped, not masked, so a new
field stays private until someone decides otherwise in the schema.
"""

from __future__ import annotations

from typing import Any

from .schema import FormSchema, SectionSpec, get_form

# Only scalars are copied: a malformed content cannot smuggle a private object through a public key.
_SCALARS = (str, int, float, bool)


def redact(content: dict[str, Any], *, form_version: str) -> dict[str, Any]:
    """The public version of validated content: the same sections and rows, with public fields only."""
    schema = get_form(form_version)
    source = content if isinstance(content, dict) else {}
    return {section.name: _redact_section(source.get(section.name), section) for section in schema.sections}


def field_policy(form_version: str) -> list[tuple[str, bool]]:
    """Every field path pattern of the form with its publication flag, in schema order.

    Patterns read like ``"personal.register_number"`` and ``"family_members[].companies[].company_name"``.
    """
    return _policy(get_form(form_version))


def public_field_paths(form_version: str) -> list[str]:
    """The path patterns of the published fields."""
    return [path for path, public in field_policy(form_version) if public]


def _policy(schema: FormSchema) -> list[tuple[str, bool]]:
    policy: list[tuple[str, bool]] = []
    for section in schema.sections:
        _section_policy(section, section.name, policy)
    return policy


def _section_policy(section: SectionSpec, path: str, policy: list[tuple[str, bool]]) -> None:
    prefix = f"{path}[]" if section.many else path
    for spec in section.fields:
        policy.append((f"{prefix}.{spec.name}", spec.public))
    for sub in section.subsections:
        _section_policy(sub, f"{prefix}.{sub.name}", policy)


def _redact_section(value: object, section: SectionSpec) -> Any:
    if section.many:
        if not isinstance(value, list):
            return []
        return [_redact_object(row, section) for row in value if isinstance(row, dict)]
    return _redact_object(value, section) if isinstance(value, dict) else {}


def _redact_object(obj: dict[str, Any], section: SectionSpec) -> dict[str, Any]:
    public: dict[str, Any] = {}
    for spec in section.fields:
        value = obj.get(spec.name)
        if spec.public and isinstance(value, _SCALARS):
            public[spec.name] = value
    for sub in section.subsections:
        public[sub.name] = _redact_section(obj.get(sub.name), sub)
    return public
