from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tepat.indicators.models import Observation
from tepat.indicators.tracker import trackers


@login_required
def indicator_targets(request):
    """Official figures against their legal targets, with the arithmetic shown (aggregates: every role)."""
    context = {"trackers": trackers(), "observations": Observation.objects.select_related("region").order_by("indicator", "year")}
    return render(request, "web/indicators.html", context)
