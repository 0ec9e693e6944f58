"""Downloads shared by the indicator pages: every chart as SVG/PNG, every table as xlsx/csv."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.safestring import mark_safe

import polars as pl

from tepat.charts import png, svg
from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes
from tepat.web.decorators import importer

TABLE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHART_TYPES = {"svg": "image/svg+xml", "png": "image/png"}

can_import = importer  # official figures, snapshots and the public release: `registry.import`


def inline_svg(chart) -> str:
    """The chart as SVG markup to embed in a page (rendered by vl-convert; no user text is raw HTML:
    Vega escapes text nodes)."""
    return mark_safe(svg(chart))


def chart_response(chart, fmt: str, name: str) -> HttpResponse:
    if fmt not in CHART_TYPES:
        raise Http404
    body = svg(chart).encode("utf-8") if fmt == "svg" else png(chart)
    response = HttpResponse(body, content_type=CHART_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def table_response(frame: pl.DataFrame, fmt: str, name: str) -> HttpResponse:
    if fmt not in TABLE_TYPES:
        raise Http404
    body = csv_bytes(frame) if fmt == "csv" else xlsx_bytes({name[:31]: frame})
    response = HttpResponse(body, content_type=TABLE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
