import pytest


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """Tests assert English messages unless a test asks for Mongolian explicitly."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def tree():
    """The register's organisations and reviewers (``tests.register_factories``)."""
    from tests.register_factories import register_tree

    return register_tree()


@pytest.fixture
def records(tree):
    """Five published records in the register (``tests.register_factories``)."""
    from tests.register_factories import register_records

    return register_records(tree)
