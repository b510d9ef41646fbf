"""The notices pages, for the every-page checks in tests/web/test_pages.py."""

import pytest


@pytest.fixture
def notices_pages():
    return []
