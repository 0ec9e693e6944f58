"""The convergence and gap page (the team's main analysis), its drill-down and downloads.

Every figure is computed within the user's scope (tepat.programs.gaps); names, definitions and
charts come from tepat.programs.gap_report. Downloads are the page's tables (xlsx/csv), the
drill-down's are the families behind a figure with NIK/No KK masked per role; both are logged.
"""

from __future__ import annotations

import polars as pl
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.permissions import Action, can
from tepat.accounts.scope import scoped
from tepat.charts import svg
from tepat.programs.gap_labels import BY, KEYS, MEASURES as TERMS
from tepat.programs.gap_report import Names, gap_chart, headers, summary_frame, summary_table
from tepat.lru import LRU
from tepat.programs.gaps import MEASURES, cached_measure, measure_key
from tepat.registry.models import Family
from tepat.jobs import exports as export_jobs
from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes_fast
from tepat.web.decorators import gaps_reader
from tepat.web.views.indicators.common import TABLE_TYPES

_CHARTS: LRU[str] = LRU(48)  # rendered SVG per (measure_key, language): rendering a 31 x 11 heat map takes ~0.3 s
SHOWN = 500  # families listed on a drill-down page (the download has them all)


def _measure(request, with_key: bool = False):
    name, by = request.GET.get("measure", "konvergensi"), request.GET.get("by", "")
    if name not in MEASURES or by not in BY:
        raise Http404
    key = measure_key(request.user, name, by or None)
    measure = cached_measure(request.user, name, by or None, key=key)
    return (name, by, measure, key) if with_key else (name, by, measure)


def _chart_svg(key: tuple, measure, name: str, by: str, names: Names) -> str:
    def draw() -> str:
        chart = gap_chart(measure, name, by, names)
        return svg(chart) if chart is not None else ""

    return mark_safe(_CHARTS.get((key, get_language()), draw))  # Vega escapes every text node


def _choices(selected: str, options: dict) -> list[dict]:
    return [
        {"value": k, "label": str(v[0].label if isinstance(v, tuple) else v), "selected": k == selected}
        for k, v in options.items()
    ]


@gaps_reader
def gaps(request):
    """Convergence and gap tables with a chart per measure; every count links to the families behind it."""
    name, by, measure, key = _measure(request, with_key=True)
    names = Names.load()
    context = {
        "measures": _choices(name, TERMS),
        "bys": _choices(by, BY),
        "name": name,
        "by": by,
        "term": TERMS[name][0],
        "table": summary_table(measure, name, by, names),
        "chart_svg": _chart_svg(key, measure, name, by, names),
        "query": request.GET.urlencode(),
        "can_export": bool(can(request.user, Action.REGISTRY_EXPORT)),
    }
    return render(request, "web/gaps.html", context)


def _detail(request):
    """(slug, by, measure, column, keys, detail frame) of a drill-down request; 404 on a bad column."""
    name, by, measure = _measure(request)
    keys = {k: request.GET[k] for k in measure.keys if k in request.GET}
    column = request.GET.get("column", "")
    try:
        detail = measure.cell(column, **keys)
    except ValueError as problem:
        raise Http404(str(problem)) from problem
    return name, by, measure, column, keys, detail


def _family_ids(detail: pl.DataFrame) -> list[int]:
    """The registry families behind a cell, most deprived desil first (a family once)."""
    if "family_id" not in detail.columns:
        return []
    table = detail.filter(pl.col("family_id").is_not_null())
    order = ["desil", "family_id"] if "desil" in table.columns else ["family_id"]
    return table.sort(order, nulls_last=True)["family_id"].unique(maintain_order=True).to_list()


@gaps_reader
def gaps_drill(request):
    name, by, measure, column, keys, detail = _detail(request)
    ids = _family_ids(detail)
    shown = {
        f.pk: f for f in scoped(request.user, Family.objects.filter(pk__in=ids[:SHOWN])).select_related("kelurahan")
    }
    families = [shown[i] for i in ids[:SHOWN] if i in shown]
    log_access(request.user, AccessKind.VIEW, f"kesenjangan {name} {request.GET.urlencode()}", records=len(families))
    names = Names.load()
    term = next(h for h in headers(measure, names) if h["key"] == column)
    context = {
        "name": name,
        "by": by,
        "term": TERMS[name][0],
        "column": term,
        "families": families,
        "total": len(ids),
        "rows": detail.height,
        "keys": [{"label": str(KEYS[k]), "name": names.of(k, v), "code": v} for k, v in keys.items()],
        "query": request.GET.urlencode(),
        "can_export": bool(can(request.user, Action.REGISTRY_EXPORT)),
        "more": len(ids) > SHOWN,
    }
    return render(request, "web/gaps_drill.html", context)


def _download(body: bytes, kind: str, stem: str) -> HttpResponse:
    response = HttpResponse(body, content_type=TABLE_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localtime():%Y%m%d-%H%M}.{kind}"'
    return response


def _exporting(request, kind: str) -> None:
    if kind not in TABLE_TYPES or not bool(can(request.user, Action.REGISTRY_EXPORT)):
        raise Http404


@gaps_reader
def gaps_export(request, kind: str):
    """The page's table as xlsx/csv, named and labelled like the page. Logged (no personal data, but
    counts of the user's scope)."""
    _exporting(request, kind)
    name, by, measure = _measure(request)
    frame = summary_frame(measure, Names.load())
    log_access(
        request.user, AccessKind.EXPORT, f"kesenjangan {name} ({kind}) {request.GET.urlencode()}", records=frame.height
    )
    body = csv_bytes(frame) if kind == "csv" else xlsx_bytes_fast({str(TERMS[name][0].label): frame})
    return _download(body, kind, f"kesenjangan-{name}")


@gaps_reader
def gaps_drill_export(request, kind: str):
    """Every family behind one figure (scope applied, NIK/No KK masked per role), as xlsx/csv. Logged.
    Written now up to TEPAT_EXPORT_JOB_ROWS families, else by the worker (tepat.jobs.exports)."""
    _exporting(request, kind)
    name, by, measure, column, keys, detail = _detail(request)
    ids = _family_ids(detail)
    params = {
        "ids": ids,
        "sheet": "Keluarga",
        "file_name": f"kesenjangan-{name}-{column}-{timezone.localtime():%Y%m%d-%H%M}.{kind}",
        "what": f"kesenjangan {name} ({kind}) {request.GET.urlencode()}",
    }
    return export_jobs.respond(request, "families", kind, params, rows=len(ids))
