"""Response headers every page gets: a strict Content-Security-Policy, and no caching of anything a signed-in user sees.

- `Content-Security-Policy` (settings.TEPAT_CONTENT_SECURITY_POLICY): scripts and styles only from our
  static files, so no inline <script>, no on*= handler and no style= attribute may appear in a template
  (tests/test_security_headers.py checks the templates; tests/browser/ checks the pages for violations).
- `Cache-Control: no-store` on every response to a signed-in user: personal-data pages and downloads are
  never kept by the browser or a proxy (a shared office computer's back button or disk cache). This covers
  more than the logged pages (tepat.accounts.masking.log_access) on purpose: a page that shows names without
  logging them (e.g. the realisasi table) is not cached either.

- `refresh_session`: a signed-in session ends SESSION_COOKIE_AGE (a working day) after its last request;
  the session (and its cookie) is rewritten with a new end at most every TEPAT_SESSION_REFRESH_SECONDS,
  so the end is exact to within that interval and a page view costs no database write in between.

Cost: two header assignments per response; a session write per user every few minutes.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

SEEN = "_tepat_seen"  # when the session was last rewritten (epoch seconds)


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


def refresh_session(get_response):
    every = settings.TEPAT_SESSION_REFRESH_SECONDS

    def middleware(request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if now - session.get(SEEN, 0) >= every:
                session[SEEN] = now  # modified: SessionMiddleware saves it with a new expiry and re-sends the cookie
        return get_response(request)

    return middleware
