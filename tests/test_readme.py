"""The README stays true: the state diagram is the code's, and every environment variable is documented."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from declarations.models import Declaration
from workflow.graphs import GRAPHS, mermaid, transitions_of

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_readme_state_diagrams_are_generated_from_the_code(capsys, graph):
    call_command("state_graph", graph)

    printed = capsys.readouterr().out.strip()
    assert printed == mermaid(GRAPHS[graph])
    assert f"```mermaid\n{printed}\n```" in README


def test_state_graph_lists_each_transition_once():
    edges = transitions_of(Declaration)

    assert len(edges) == len(set(edges)) == 12
    assert ("under_review", "return_for_correction", "returned") in edges


def test_every_environment_variable_read_by_the_settings_is_in_the_readme():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "config").rglob("*.py"))
    names = set(re.findall(r"""(?:os\.environ(?:\.get)?|env_bool|env_list)\(\s*["']([A-Z_]+)["']""", source))
    names |= set(re.findall(r"""os\.environ\[["']([A-Z_]+)["']\]""", source))
    names |= set(re.findall(r"""env=["']([A-Z_]+)["']""", source))

    assert "DATABASE_URL" in names
    undocumented = sorted(name for name in names if f"`{name}`" not in README)
    assert undocumented == []


def test_readme_shows_the_two_commands():
    assert "make run" in README
    assert "make test" in README
