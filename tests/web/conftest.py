"""The pages of each area of the site, for the checks that every page renders in Mongolian and English.

Each area lists its pages in a fixture of its own module, ``tests/web/pages_<area>.py``, named
``<area>_pages``: a list of ``(name, request)`` where ``request(headers)`` returns a response and
``headers`` carries Accept-Language. ``tests/web/test_pages.py`` renders every one of them in both languages.
"""

from tests.web.pages_dashboard import dashboard_pages
from tests.web.pages_filing import filing_pages
from tests.web.pages_notices import notices_pages
from tests.web.pages_pdf import pdf_pages
from tests.web.pages_review import review_pages

AREA_PAGES = ("filing_pages", "review_pages", "notices_pages", "dashboard_pages", "pdf_pages")

__all__ = ["AREA_PAGES", "dashboard_pages", "filing_pages", "notices_pages", "pdf_pages", "review_pages"]
