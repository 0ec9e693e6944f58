"""Registry snapshots: store the aggregated indicators now (analyst/admin), compare two (every role;
the viewer's comparison hides regions with fewer than 5 families in either snapshot)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import polars as pl

from tepat.indicators.actions import do_create_snapshot
from tepat.indicators.models import RegistrySnapshot
from tepat.indicators.registry import LABEL, LEVELS, compare_snapshots, is_public, region_names, small_cell, snapshot_measures
from tepat.web.views.indicators.common import can_import, table_response


@require_POST
@can_import
def snapshot_create(request):
    snap = do_create_snapshot(request.POST.get("label", "").strip() or _("snapshot"), acting_user=request.user)
    messages.info(request, _("Snapshot #%(id)s disimpan: %(n)s keluarga.") % {"id": snap.pk, "n": snap.data["families"]})
    return redirect("indicators_snapshots")


def _pick(request, name: str, default):
    value = request.GET.get(name, "")
    return RegistrySnapshot.objects.filter(pk=int(value)).first() if value.isdigit() else default


def comparison(request) -> dict:
    snapshots = list(RegistrySnapshot.objects.all()[:50])
    after = _pick(request, "sesudah", snapshots[0] if snapshots else None)
    before = _pick(request, "sebelum", snapshots[1] if len(snapshots) > 1 else None)
    level = request.GET.get("level", "kecamatan") if request.GET.get("level") in LEVELS else "kecamatan"
    measures = snapshot_measures(after.data) if after else []
    measure = request.GET.get("ukuran") if request.GET.get("ukuran") in measures else ("keluarga_d1" if "keluarga_d1" in measures else (measures[0] if measures else ""))
    rows = compare_snapshots(before.data, after.data, level, measure) if before and after and measure else []
    if rows and is_public(request.user):
        rows = _suppressed(rows, before.data, after.data, level)
    names = region_names()
    for row in rows:
        row["region_name"] = names.get(row["region"], row["region"])
    return {"snapshots": snapshots, "before": before, "after": after, "level": level, "levels": list(LEVELS),
            "measures": measures, "measure": measure, "rows": rows}


def _suppressed(rows: list[dict], before: dict, after: dict, level: str) -> list[dict]:
    """Regions with 1-4 families in either snapshot show nothing (counts of so few families identify them)."""
    threshold = small_cell()

    def small(data: dict, region: str) -> bool:
        families = data["levels"].get(level, {}).get(region, {}).get("keluarga") or 0
        return 0 < families < threshold

    return [{**row, **({"sebelum": None, "sesudah": None, "perubahan": None} if small(before, row["region"]) or small(after, row["region"]) else {})}
            for row in rows]


@login_required
def snapshots_page(request):
    context = {**comparison(request), "label": LABEL, "query": request.GET.urlencode()}
    return render(request, "web/indicators/snapshots.html", context)


@login_required
def snapshots_table(request, fmt: str):
    rows = comparison(request)["rows"]
    frame = pl.DataFrame(rows, schema={"region": pl.String, "sebelum": pl.Float64, "sesudah": pl.Float64, "perubahan": pl.Float64,
                                       "region_name": pl.String}) if rows else pl.DataFrame({"region": []})
    return table_response(frame, fmt, "perubahan-snapshot")
