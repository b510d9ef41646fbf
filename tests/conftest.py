import pytest


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """Tests assert English messages unless a test asks for Mongolian explicitly."""
    settings.LANGUAGE_CODE = "en"
