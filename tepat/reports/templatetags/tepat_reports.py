from __future__ import annotations

from django import template

from tepat.reports import formatting

register = template.Library()
register.filter("decimal", formatting.decimal)
register.filter("rupiah", formatting.rupiah)
register.filter("share", formatting.share)
register.filter("percent", formatting.percent)
