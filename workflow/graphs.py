"""The state graphs as data, read from the django-fsm transitions declared on the models."""

from __future__ import annotations

from django.db import models
from django_fsm import FSMFieldMixin

from declarations.models import Declaration, Nomination, Notice, Obligation, Tender


def transitions_of(model: type[models.Model], field_name: str = "state") -> list[tuple[str, str, str]]:
    """Every (source, transition name, target) of the model's state field, in declaration order."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, FSMFieldMixin)
    order = {value: index for index, (value, _label) in enumerate(field.choices or [])}
    edges = {(str(t.source), t.name, str(t.target)) for t in field.get_all_transitions(model)}
    return sorted(edges, key=lambda edge: (order.get(edge[0], len(order)), order.get(edge[2], len(order)), edge[1]))


def mermaid(model: type[models.Model], field_name: str = "state") -> str:
    """A Mermaid state diagram of the model's graph, as the README shows it."""
    state_field = model._meta.get_field(field_name)
    assert isinstance(state_field, FSMFieldMixin)
    initial = state_field.get_default()
    lines = ["stateDiagram-v2", f"    [*] --> {initial}"]
    lines += [f"    {source} --> {target}: {name}" for source, name, target in transitions_of(model, field_name)]
    return "\n".join(lines)


GRAPHS: dict[str, type[models.Model]] = {
    "declaration": Declaration,
    "notice": Notice,
    "tender": Tender,
    "nomination": Nomination,
    "obligation": Obligation,
}
