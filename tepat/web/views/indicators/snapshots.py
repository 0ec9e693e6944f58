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
from tepat.indicators.registry import (
    LABEL,
    LEVELS,
    compare_snapshots,
    dimensions,
    is_public,
    region_names,
    small_cell,
    snapshot_measures,
)
from tepat.indicators.release import build, measure_cells, snapshot_frames
from tepat.lru import LRU
from tepat.web.views.indicators.common import can_import, table_response
from tepat.web.views.indicators.registry import level_choices


@require_POST
@can_import
def snapshot_create(request):
    snap = do_create_snapshot(request.POST.get("label", "").strip() or _("snapshot"), acting_user=request.user)
    messages.info(
        request, _("Snapshot #%(id)s disimpan: %(n)s keluarga.") % {"id": snap.pk, "n": snap.data["families"]}
    )
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
    measure = (
        request.GET.get("ukuran")
        if request.GET.get("ukuran") in measures
        else ("keluarga_d1" if "keluarga_d1" in measures else (measures[0] if measures else ""))
    )
    rows = compare_snapshots(before.data, after.data, level, measure) if before and after and measure else []
    if rows and is_public(request.user):
        hidden = _hidden(before, level, measure) | _hidden(after, level, measure)
        rows = [
            {**row, **({"sebelum": None, "sesudah": None, "perubahan": None} if row["region"] in hidden else {})}
            for row in rows
        ]
    names = region_names()
    for row in rows:
        row["region_name"] = names.get(row["region"], row["region"])
    return {
        "snapshots": snapshots,
        "before": before,
        "after": after,
        "level": level,
        "levels": level_choices(),
        "measures": measures,
        "measure": measure,
        "rows": rows,
    }


_RELEASES: LRU = LRU(8)


def _hidden(snapshot: RegistrySnapshot, level: str, measure: str) -> set[str]:
    """Regions whose `measure` the snapshot's own audited release hides (the same linked-table
    protection as the live public release, built from the counts the snapshot stored)."""
    small = small_cell()
    try:
        release = _RELEASES.get(
            (snapshot.pk, snapshot.created_at, small),
            lambda: build(snapshot_frames(snapshot.data, dimensions()), small),
        )
    except (ValueError, KeyError, TypeError):  # an older snapshot lacking a count the release needs: show nothing
        return set(snapshot.data.get("levels", {}).get(level, {}))
    if level not in release.frames.desil:
        return set()
    return release.hidden_regions(level, measure_cells(measure, dimensions()))


@login_required
def snapshots_page(request):
    context = {**comparison(request), "label": LABEL, "query": request.GET.urlencode()}
    return render(request, "web/indicators/snapshots.html", context)


@login_required
def snapshots_table(request, fmt: str):
    rows = comparison(request)["rows"]
    frame = (
        pl.DataFrame(
            rows,
            schema={
                "region": pl.String,
                "sebelum": pl.Float64,
                "sesudah": pl.Float64,
                "perubahan": pl.Float64,
                "region_name": pl.String,
            },
        )
        if rows
        else pl.DataFrame({"region": []})
    )
    return table_response(frame, fmt, "perubahan-snapshot")
