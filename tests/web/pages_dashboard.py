"""The dashboard pages, for the every-page checks in tests/web/test_pages.py."""

import pytest


@pytest.fixture
def dashboard_pages():
    return []
