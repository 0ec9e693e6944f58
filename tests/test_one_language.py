"""The catalogue entries the language walk (tests/test_language_walk.py) looks for: an Indonesian msgid
visible on an English page is a string not translated where it is shown, an English msgstr on an
Indonesian page the reverse. The walk over every page replaced the 19-page walk that lived here."""

from __future__ import annotations

import re
from pathlib import Path


PO = Path(__file__).resolve().parent.parent / "tepat" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MIN_LENGTH = 14  # shorter msgids ("Desil", "Kelurahan", "Program") read the same in both languages


def _entries() -> list[tuple[str, str]]:
    """(Indonesian, English) catalogue entries that differ, long enough to be unambiguous, without placeholders."""
    text = PO.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"', text, re.M)
    return [
        (i, e)
        for i, e in entries
        if min(len(i), len(e)) >= MIN_LENGTH and i != e and "%" not in i + e and "{" not in i + e
    ]


def indonesian_msgids() -> list[str]:
    return [i for i, _ in _entries()]


def english_msgstrs() -> list[str]:
    return [e for _, e in _entries()]


def test_the_follow_up_filter_names_its_choices_in_the_users_language(client, cast):
    client.force_login(cast["analyst"])
    assert '<option value="terbuka" selected>terbuka</option>' in client.get("/tindak-lanjut/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/tindak-lanjut/").content.decode()
    assert (
        '<option value="terbuka" selected>open</option>' in body
        and '<option value="terlambat">overdue</option>' in body
    )
