"""Response headers every page gets: a strict Content-Security-Policy, and no caching of anything a signed-in user sees.

- `Content-Security-Policy` (settings.TEPAT_CONTENT_SECURITY_POLICY): scripts and styles only from our
  static files, so no inline <script>, no on*= handler and no style= attribute may appear in a template
  (tests/test_security_headers.py checks the templates; tests/browser/ checks the pages for violations).
- `Cache-Control: no-store` on every response to a signed-in user: personal-data pages and downloads are
  never kept by the browser or a proxy (a shared office computer's back button or disk cache). This covers
  more than the logged pages (tepat.accounts.masking.log_access) on purpose: a page that shows names without
  logging them (e.g. the realisasi table) is not cached either.

Cost: two header assignments per response.
"""
from __future__ import annotations

from django.conf import settings


def headers(get_response):
    policy = settings.TEPAT_CONTENT_SECURITY_POLICY

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response

    return middleware
