"""Bahasa Indonesia unless the user chose English with the switch (the browser's language is ignored)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def language(get_response):
    choices = {code for code, _ in settings.LANGUAGES}

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        code = chosen if chosen in choices else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response

    return middleware
