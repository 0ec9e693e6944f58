from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import aggregate_families, scoped
from tepat.registry.models import ImportBatch

SMALL_CELL = 5


def desil_table(families) -> dict:
    """Active families by kecamatan x desil, as rows for the template. One GROUP BY query."""
    counts = (
        families.filter(is_active=True)
        .values("kelurahan__parent__code", "kelurahan__parent__name", "desil")
        .annotate(n=Count("id"))
        .order_by("kelurahan__parent__code")
    )
    rows: dict[str, dict] = defaultdict(lambda: {"cells": defaultdict(int), "total": 0})
    desils = set()
    for item in counts:
        row = rows[item["kelurahan__parent__code"]]
        row["name"] = item["kelurahan__parent__name"]
        row["cells"][item["desil"]] += item["n"]
        row["total"] += item["n"]
        desils.add(item["desil"])
    order = sorted(d for d in desils if d is not None) + ([None] if None in desils else [])
    table = [{"code": code, "name": r["name"], "cells": [r["cells"][d] for d in order], "total": r["total"]} for code, r in sorted(rows.items())]
    return {"desils": order, "rows": table, "total": sum(r["total"] for r in table)}


def suppress(table: dict) -> dict:
    """Aggregate-only viewers never see a cell under 5 families (primary suppression)."""
    for row in table["rows"]:
        row["cells"] = [c if c == 0 or c >= SMALL_CELL else f"<{SMALL_CELL}" for c in row["cells"]]
    return table


@login_required
def home(request):
    policy = policy_for(request.user)
    table = desil_table(aggregate_families(request.user))
    if policy.scope == Scope.NONE:
        table = suppress(table)
    batches = scoped(request.user, ImportBatch.objects.all())[:5]
    return render(request, "web/home.html", {"table": table, "batches": batches})
