import pytest

from declarations.models import DeclarationState, PublicSnapshot
from tests.factories import make_declaration


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(DeclarationState.values))
def test_every_state_is_reachable_through_the_services(state):
    declaration = make_declaration(state)

    assert declaration.state == state


@pytest.mark.django_db
def test_published_declaration_has_a_snapshot():
    declaration = make_declaration(DeclarationState.PUBLISHED)

    assert PublicSnapshot.objects.filter(declaration=declaration).count() == 1
