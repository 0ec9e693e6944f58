from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import scoped
from tepat.programs.gaps import MEASURES, gap_inputs
from tepat.registry.models import Family
from tepat.web.decorators import rule_editor

BY = {"": None, "kecamatan": "kecamatan", "kelurahan": "kelurahan"}


def _measure(request):
    name, by = request.GET.get("measure", "konvergensi"), request.GET.get("by", "")
    if name not in MEASURES or by not in BY:
        raise Http404
    return name, by, MEASURES[name](gap_inputs(request.user), BY[by])


def _cells(measure, name: str, by: str, row: dict) -> list[dict]:
    keys = {k: row[k] for k in measure.keys}
    cells = []
    for column, value in row.items():
        if column in measure.counts and value:
            query = urlencode({"measure": name, "by": by, "column": column, **{k: v for k, v in keys.items() if v is not None}})
            cells.append({"value": value, "link": f"rinci/?{query}", "num": True})
        elif column in measure.rates:
            cells.append({"value": "-" if value is None else f"{value:.0%}", "num": True})
        else:
            cells.append({"value": value, "num": isinstance(value, (int, float))})
    return cells


@rule_editor
def gaps(request):
    """Convergence and gap tables; every count links to the families behind it."""
    name, by, measure = _measure(request)
    rows = [_cells(measure, name, by, row) for row in measure.summary.to_dicts()]
    context = {"measures": list(MEASURES), "name": name, "by": by, "columns": measure.summary.columns, "rows": rows}
    return render(request, "web/gaps.html", context)


@rule_editor
def gaps_drill(request):
    name, by, measure = _measure(request)
    keys = {k: request.GET[k] for k in measure.keys if k in request.GET}
    try:
        detail = measure.cell(request.GET.get("column", ""), **keys)
    except ValueError as problem:
        raise Http404(str(problem)) from problem
    ids = [i for i in detail["family_id"].to_list() if i is not None] if "family_id" in detail.columns else []
    families = scoped(request.user, Family.objects.filter(pk__in=ids)).select_related("kelurahan").order_by("desil", "id")[:500]
    log_access(request.user, AccessKind.VIEW, f"kesenjangan {name} {request.GET.urlencode()}", records=len(families))
    context = {"name": name, "column": request.GET.get("column"), "keys": keys, "families": families, "total": len(ids)}
    return render(request, "web/gaps_drill.html", context)
