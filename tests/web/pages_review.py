"""The review pages, for the every-page checks in tests/web/test_pages.py."""

import pytest


@pytest.fixture
def review_pages():
    return []
