"""One number and date format per language: every template formats through tepat.formatting's filters
(`angka`, `persen`, `rupiah`, `tanggal`), and a page shows the same figure the Indonesian way in
Indonesian and the English way in English."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tepat import formatting

TEMPLATES = Path(__file__).resolve().parent.parent / "tepat"
# Django's own number and date filters: a second format beside tepat.formatting
FORBIDDEN = re.compile(r"\|\s*(intcomma|floatformat|intword|naturaltime|naturalday)\b|\{%\s*load[^%]*\bhumanize\b")
# |date: only for machine values (an <input type="date"> value, a year in a link); the official documents
# under templates/reports/ are Indonesian whatever the reader's language and keep tepat.reports.formatting
DATE_FILTER = re.compile(r"""\|\s*date\s*:\s*(["'])(?!Y-m-d\1|Y\1)""")


def offences(text: str) -> list[str]:
    """The number/date formatting in a template's text that does not go through tepat.formatting."""
    return [m.group(0) for m in FORBIDDEN.finditer(text)] + [m.group(0) for m in DATE_FILTER.finditer(text)]


def test_the_check_finds_djangos_own_formatting():
    bad = '{% load i18n humanize %}{{ n|intcomma }} {{ x|floatformat:2 }} {{ d|date:"d-m-Y" }} {{ e | date : "j F Y" }}'
    assert len(offences(bad)) == 5
    good = "{{ n|angka }} {{ x|angka:2 }} {{ d|tanggal }} <input value=\"{{ d|date:'Y-m-d' }}\">"
    assert offences(good) == []


def test_no_template_formats_numbers_or_dates_outside_the_one_helper():
    found = {}
    for path in TEMPLATES.rglob("*.html"):
        left = offences(path.read_text(encoding="utf-8"))
        if "templates/reports/" in path.as_posix():
            left = [o for o in left if not o.lstrip("| ").startswith("date")]
        if left:
            found[str(path.relative_to(TEMPLATES))] = left
    assert found == {}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["1.234,5", "1,03%", "Rp750.000", "01-04-2026", "-12", "–"]),
        ("en", ["1,234.5", "1.03%", "Rp750,000", "1 Apr 2026", "-12", "–"]),
    ],
)
def test_the_helper_writes_each_language_its_own_way(language, expected):
    shown = [
        formatting.number(1234.45, 1, language),  # half up, as written: 1234.45 -> 1234.5
        formatting.percent(0.0103, 2, language),
        formatting.money(750000, language),
        formatting.date(date(2026, 4, 1), "tanggal", language),
        formatting.number(-12.4, 0, language),
        formatting.number(None, 0, language),
    ]
    assert shown == expected


def test_a_datetime_is_shown_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    at = datetime(2026, 4, 1, 23, 30, tzinfo=UTC)
    assert formatting.date(at, "waktu", "id") == "02-04-2026 06.30"
    assert formatting.date(at, "waktu", "en") == "2 Apr 2026 06:30"


def test_a_page_shows_money_and_dates_in_the_readers_language(client, cast, import_file, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.models import Program
    from tepat.registry.models import Family
    from tests.files import family_rows, write_xlsx

    ensure_shipped_opds()
    ensure_catalogue(2026)
    import_file(write_xlsx(tmp_path / "a.xlsx", family_rows("A", base=1)))
    family = Family.objects.get(source_key="A")
    client.force_login(cast["opd"])
    client.post(
        f"/keluarga/{family.pk}/realisasi/",
        {
            "program": Program.objects.get(code="pkh").pk,
            "date": "2026-04-01",
            "amount": "1234500",
            "status": "tersalur",
        },
    )
    indonesian = client.get(f"/keluarga/{family.pk}/").content.decode()
    assert "Rp1.234.500" in indonesian and "01-04-2026" in indonesian and "Rp1,234,500" not in indonesian
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/keluarga/{family.pk}/").content.decode()
    assert "Rp1,234,500" in english and "1 Apr 2026" in english and "Rp1.234.500" not in english
