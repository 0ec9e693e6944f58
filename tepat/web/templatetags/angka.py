"""Number filters for templates, in the active language (tepat.formatting).

{% load angka %}{{ families|angka }} {{ share|persen }} {{ share|persen:2 }} {{ cost|rupiah }} {{ ratio|angka:2 }}
{% sel_kecil as n %}  the small-cell threshold, for the notes under suppressed tables
{{ day|tanggal }} {{ at|tanggal:"waktu" }} (styles: tepat.formatting.DATE_STYLES)
"""

from __future__ import annotations

from django import template

from tepat import formatting

register = template.Library()


@register.filter
def angka(value, decimals: int = 0) -> str:
    return formatting.number(value, int(decimals))


@register.filter
def persen(value, decimals: int = 1) -> str:
    return formatting.percent(value, int(decimals))


@register.filter
def rupiah(value) -> str:
    return formatting.money(value)


@register.filter
def tanggal(value, style: str = "tanggal") -> str:
    return formatting.date(value, style)


@register.filter
def satu_bahasa(issue) -> str:
    """A rule issue's message in the active language (not "Indonesian / English")."""
    return formatting.one_language(issue)


@register.filter
def label_bahasa(item) -> str:
    """An item with words in both languages (`label(language)`, e.g. a checklist item) in the active one."""
    return item.label(formatting.language_code())


@register.filter
def periode(period) -> str:
    """A report period's label ("Tahun 2026", "Triwulan III 2026", kept Indonesian for the documents) with
    its first word in the active language."""
    from django.utils.translation import gettext

    names = {"Tahun": gettext("Tahun"), "Triwulan": gettext("Triwulan"), "Semester": gettext("Semester")}
    word, _, rest = period.label.partition(" ")
    return f"{names.get(word, word)} {rest}"


@register.filter
def status_bahasa(tracking) -> str:
    """A target tracking's status ("sesuai jalur" / "on track") in the active language."""
    return tracking.status_label(formatting.language_code())


@register.filter
def nilai(value) -> str:
    """A value of the change history as a word: True/False as yes/no, empty as "(kosong)" / "(empty)"
    (not "∅", and False is not empty), numbers in the language's format, text as it is."""
    from django.utils.translation import gettext as _

    if value is True or value is False:
        return _("ya") if value else _("tidak")
    if value is None or value == "" or value == []:
        return _("(kosong)")
    if isinstance(value, int | float):
        return formatting.number(value, 0 if isinstance(value, int) else 2)
    return str(value)


@register.simple_tag
def sel_kecil() -> int:
    """The one small-cell threshold (TEPAT_SMALL_CELL, default the engine's SMALL_CELL), as the pages state it."""
    from tepat.indicators.registry import small_cell

    return small_cell()
