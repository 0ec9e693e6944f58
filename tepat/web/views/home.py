from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import scoped
from tepat.engine.disclosure import Suppressed
from tepat.indicators import registry
from tepat.linkage.views import pending_by_kelurahan
from tepat.programs.frames import data_as_of, registry_state
from tepat.programs.preview import scope_key
from tepat.registry.models import ImportBatch
from tepat.web.views.dashboard import cached, dashboard


def desil_counts(user, state) -> tuple[list[tuple[str, str]], list[int | None], list[list[int]]]:
    """Active families of the user's aggregate scope by kecamatan x desil: (kecamatan code+name, the
    desils present, counts). Read from the registry indicators' family table (cached per scope and
    registry state; the dashboard's pocket map reads the same table); the grouping is kept per (scope, snapshot)."""
    return cached(("desil_counts", scope_key(user), state.name), lambda: _desil_counts(user, state))


def _desil_counts(user, state):
    frame = registry.desil_table(registry.cached_family_table(user, state=state), "kecamatan")
    columns = {d: f"keluarga_d{d}" for d in registry.DESILS} | {None: "keluarga_tanpa_desil"}
    desils = [d for d, column in columns.items() if frame[column].sum()]
    names = registry.region_names()
    rows = [(code, names.get(code, code)) for code in frame["region"]]
    return rows, desils, [list(row) for row in frame.select(columns[d] for d in desils).rows()]


def _plain(cells: list[list[int]]) -> Suppressed:
    return Suppressed(cells, [sum(row) for row in cells], [sum(column) for column in zip(*cells)], sum(map(sum, cells)))


def _released(rows: list[tuple[str, str]], desils: list[int | None], state: tuple) -> Suppressed:
    """The kecamatan x desil table as the audited public release shows it (the viewer)."""
    release = registry.public_release(state=state)
    categories = [f"d{d}" if d else "tanpa_desil" for d in desils]

    def shown(level: str, region: str, category: str) -> int | None:
        return release.shown(("keluarga", level, region, category))

    return Suppressed(
        [[shown("kecamatan", code, c) for c in categories] for code, _ in rows],
        [shown("kecamatan", code, "jumlah") for code, _ in rows],
        [shown("kota", registry.CITY, c) for c in categories],
        shown("kota", registry.CITY, "jumlah"),
    )


@login_required
def home(request):
    state = registry_state()
    rows, desils, cells = desil_counts(request.user, state)
    aggregate_only = policy_for(request.user).scope == Scope.NONE
    table = (_released(rows, desils, state) if aggregate_only else _plain(cells)) if rows else None
    body = (
        [{"name": name, "cells": table.cells[i], "total": table.row_totals[i]} for i, (_, name) in enumerate(rows)]
        if table
        else []
    )
    batches = scoped(request.user, ImportBatch.objects.all())[:5]
    context = {
        "table": table,
        "body": body,
        "desils": desils,
        "batches": batches,
        "suppressed": aggregate_only,
        "panels": dashboard(request.user, state),
        "linkage_pending": pending_by_kelurahan(request.user),
        "data_as_of": data_as_of(state),
    }
    return render(request, "web/home.html", context)
