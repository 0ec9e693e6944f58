"""Number filters for templates, in the active language (tepat.formatting).

    {% load angka %}{{ families|angka }} {{ share|persen }} {{ share|persen:2 }} {{ cost|rupiah }} {{ ratio|angka:2 }}
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
def satu_bahasa(issue) -> str:
    """A rule issue's message in the active language (not "Indonesian / English")."""
    return formatting.one_language(issue)
