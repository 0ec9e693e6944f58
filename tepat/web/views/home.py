from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import scoped
from tepat.engine.suppression import suppress
from tepat.indicators import registry
from tepat.programs.frames import data_as_of, registry_state
from tepat.registry.models import ImportBatch
from tepat.web.views.dashboard import dashboard

SMALL_CELL = 5


def desil_counts(user, state) -> tuple[list[tuple[str, str]], list[int | None], list[list[int]]]:
    """Active families of the user's aggregate scope by kecamatan x desil: (kecamatan code+name, the
    desils present, counts). Read from the registry indicators' family table (cached per scope and
    registry state; the dashboard's pocket map reads the same table)."""
    frame = registry.desil_table(registry.cached_family_table(user, state=state), "kecamatan")
    columns = {d: f"keluarga_d{d}" for d in registry.DESILS} | {None: "keluarga_tanpa_desil"}
    desils = [d for d, column in columns.items() if frame[column].sum()]
    names = registry.region_names()
    rows = [(code, names.get(code, code)) for code in frame["region"]]
    return rows, desils, [list(row) for row in frame.select(columns[d] for d in desils).rows()]


@login_required
def home(request):
    state = registry_state()
    rows, desils, cells = desil_counts(request.user, state)
    aggregate_only = policy_for(request.user).scope == Scope.NONE
    table = suppress(cells, threshold=SMALL_CELL if aggregate_only else 0) if rows else None
    body = [{"name": name, "cells": table.cells[i], "total": table.row_totals[i]} for i, (_, name) in enumerate(rows)] if table else []
    batches = scoped(request.user, ImportBatch.objects.all())[:5]
    context = {"table": table, "body": body, "desils": desils, "batches": batches, "suppressed": aggregate_only,
               "panels": dashboard(request.user, state), "data_as_of": data_as_of(state)}
    return render(request, "web/home.html", context)
