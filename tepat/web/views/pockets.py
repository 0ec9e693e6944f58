"""Poverty pockets: kelurahan ranking, choropleth and hotspot maps, downloads, and boundary upload.

Every logged-in role sees the aggregates of its scope (the viewer: the whole city with cells under
5 families suppressed); uploading boundaries is for importers (analyst, admin).
"""

from __future__ import annotations

from urllib.parse import urlencode

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tepat.accounts.permissions import Action, can
from tepat.jobs.run import run_for_page
from tepat.pockets.maps import QUIET, RENDERERS, rendered
from tepat.pockets.measures import CONTIGUITIES, MEASURES, METHODS, Pockets, label_text, method_text, pockets
from tepat.pockets.models import BoundarySet
from tepat.registry.runner import store_upload
from tepat.programs.frames import data_as_of, registry_state
from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes
from tepat.web.decorators import importer

MAX_UPLOAD = 20 * 1024 * 1024
SHEETS = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def options(params) -> dict[str, str]:
    """The chosen measure, hotspot method and contiguity (404 for unknown values)."""
    chosen = {
        "measure": params.get("measure", "desil1"),
        "method": params.get("method", "moran"),
        "contiguity": params.get("contiguity", "queen"),
    }
    if chosen["measure"] not in MEASURES or chosen["method"] not in METHODS or chosen["contiguity"] not in CONTIGUITIES:
        raise Http404
    return chosen


@login_required
def pockets_page(request):
    chosen = options(request.GET)
    state = registry_state()
    result = pockets(request.user, **chosen, state=state)
    query = urlencode(chosen)
    significant = [row for row in result.rows if row.spot and row.spot.label not in QUIET]
    context = {
        **chosen,
        "result": result,
        "query": query,
        "measures": MEASURES,
        "methods": {key: method_text(key) for key in METHODS},
        "contiguities": CONTIGUITIES,
        "map_svg": mark_safe(rendered(result, "peta") or ""),
        "hotspot_svg": mark_safe(rendered(result, "hotspot") or ""),
        "significant": significant,
        "table": [(row, row.shown(result.unit)) for row in result.rows],
        "drill": bool(can(request.user, Action.REGISTRY_VIEW)),
        "can_upload": bool(can(request.user, Action.REGISTRY_IMPORT)),
        "data_as_of": data_as_of(state),
    }
    return render(request, "web/pockets.html", context)


@login_required
def pockets_map(request, which: str, kind: str):
    if which not in ("peta", "hotspot") or kind not in RENDERERS:
        raise Http404
    chosen = options(request.GET)
    body = rendered(pockets(request.user, **chosen), which, kind)
    if body is None:
        raise Http404
    response = HttpResponse(body, content_type=RENDERERS[kind][1])
    response["Content-Disposition"] = f'attachment; filename="kantong-{which}-{chosen["measure"]}.{kind}"'
    return response


def ranking_frame(result: Pockets) -> pl.DataFrame:
    rows = [
        {
            "peringkat": row.rank,
            "kode_kelurahan": row.code,
            "kelurahan": row.name,
            "kecamatan": row.kecamatan,
            "jumlah_keluarga": row.families,
            "keluarga_terhitung": row.counted,
            "nilai": row.value,
            "keterangan": row.shown(result.unit) if row.value is None else "",
            "hotspot": label_text(row.spot.label) if row.spot else "",
            "p": row.spot.p if row.spot else None,
        }
        for row in result.rows
    ]
    schema = {
        "peringkat": pl.Int64,
        "kode_kelurahan": pl.String,
        "kelurahan": pl.String,
        "kecamatan": pl.String,
        "jumlah_keluarga": pl.Int64,
        "keluarga_terhitung": pl.Int64,
        "nilai": pl.Float64,
        "keterangan": pl.String,
        "hotspot": pl.String,
        "p": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


@login_required
def pockets_ranking(request, kind: str):
    if kind not in SHEETS:
        raise Http404
    chosen = options(request.GET)
    frame = ranking_frame(pockets(request.user, **chosen))
    body = csv_bytes(frame) if kind == "csv" else xlsx_bytes({"Peringkat": frame})
    response = HttpResponse(body, content_type=SHEETS[kind])
    response["Content-Disposition"] = f'attachment; filename="kantong-peringkat-{chosen["measure"]}.{kind}"'
    return response


@importer
def boundary_upload(request):
    """GET: the current boundaries and the form; POST: validate and store a GeoJSON file (all or nothing)."""
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or upload.size > MAX_UPLOAD:
            problems = [_("Pilih berkas GeoJSON (paling besar 20 MB) / Choose a GeoJSON file (at most 20 MB)")]
        else:
            result, problem = run_for_page(
                "boundaries",
                acting_user=request.user,
                path=str(store_upload(upload)),
                file_name=upload.name,
                source=request.POST.get("source", "").strip(),
                code_property=request.POST.get("code_property", "").strip() or None,
            )
            problems = [problem] if problem else result.get("problems", [])
            if not problems:
                messages.success(request, _("Batas wilayah disimpan: %(n)d poligon.") % {"n": result["polygons"]})
                return redirect("boundary_upload")
    context = {"current": BoundarySet.current(), "history": BoundarySet.objects.all()[:10], "problems": problems}
    return render(request, "web/pockets_boundaries.html", context, status=400 if problems else 200)
