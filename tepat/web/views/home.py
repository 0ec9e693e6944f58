from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import aggregate_families, scoped
from tepat.engine.suppression import suppress
from tepat.programs.frames import WHOLE_REGISTRY, registry_state
from tepat.programs.preview import scope_key
from tepat.registry.models import ImportBatch
from tepat.web.views.dashboard import cached, dashboard

SMALL_CELL = 5


def desil_counts(families) -> tuple[list[tuple[str, str]], list[int | None], list[list[int]]]:
    """Active families by kecamatan x desil in one GROUP BY: (kecamatan code+name, desils, counts)."""
    counts = (
        families.filter(is_active=True)
        .values("kelurahan__parent__code", "kelurahan__parent__name", "desil")
        .annotate(n=Count("id"))
    )
    rows = sorted({(c["kelurahan__parent__code"], c["kelurahan__parent__name"]) for c in counts})
    present = {c["desil"] for c in counts}
    desils = sorted(d for d in present if d is not None) + ([None] if None in present else [])
    index = {(c["kelurahan__parent__code"], c["desil"]): c["n"] for c in counts}
    return rows, desils, [[index.get((code, d), 0) for d in desils] for code, _ in rows]


def cached_desil_counts(user, state: tuple):
    """desil_counts of the user's aggregate families, kept per (aggregate scope, registry state)."""
    scope = policy_for(user).scope
    key = ("desil_counts", WHOLE_REGISTRY if scope in (Scope.CITY, Scope.NONE) else scope_key(user), state)
    return cached(key, lambda: desil_counts(aggregate_families(user)))


@login_required
def home(request):
    state = registry_state()
    rows, desils, cells = cached_desil_counts(request.user, state)
    aggregate_only = policy_for(request.user).scope == Scope.NONE
    table = suppress(cells, threshold=SMALL_CELL if aggregate_only else 0) if rows else None
    body = [{"name": name, "cells": table.cells[i], "total": table.row_totals[i]} for i, (_, name) in enumerate(rows)] if table else []
    batches = scoped(request.user, ImportBatch.objects.all())[:5]
    context = {"table": table, "body": body, "desils": desils, "batches": batches, "suppressed": aggregate_only,
               "panels": dashboard(request.user, state)}
    return render(request, "web/home.html", context)
