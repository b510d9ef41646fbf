"""The Content Security Policy of every response (django-csp), relaxed on the API documentation pages only.

``CONTENT_SECURITY_POLICY`` (settings) is the site's policy: scripts and styles from the site's own files,
nothing inline, nothing from another origin. Swagger UI and ReDoc, served by drf-spectacular from the
sidecar's files, need a little more; each documentation page gets exactly what it needs, found by loading it
in Chromium under the site's policy, and no other page gets anything.
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts

# What each documentation page adds to the site's policy (appended to the directives named), by URL name.
DOCUMENTATION_PAGE_ADDITIONS: dict[str, dict[str, list[str]]] = {
    "api:swagger-ui": {
        # drf-spectacular writes Swagger UI's start-up script into the page, with the CSRF token in it, so it
        # differs on every request and no hash can name it.
        "script-src": ["'unsafe-inline'"],
        # The page's one <style> block, by its hash (tests/test_settings.py checks it still matches).
        "style-src": ["'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"],
    },
    "api:redoc": {
        # ReDoc (styled-components) writes its styles into <style> elements as it renders.
        "style-src": ["'unsafe-inline'"],
        # ReDoc's search index runs in a worker that its bundle creates from a blob: URL.
        "worker-src": ["blob:"],
    },
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the documentation pages' additions applied by URL name."""

    def get_policy_parts(self, request: Any, response: Any, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        additions = DOCUMENTATION_PAGE_ADDITIONS.get(match.view_name) if match is not None else None
        if additions and not report_only:
            parts.update = {**additions, **(parts.update or {})}
        return parts
