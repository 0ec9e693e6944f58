"""The review queue and the review page (analyst city-wide, camat their kecamatan, lurah their kelurahan)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.permissions import Action, can
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.linkage.actions import do_create_ganda_campaign, do_decide_pair, do_undo_pair
from tepat.linkage.models import Decision, Pair, PairKind, PairStatus
from tepat.linkage.review import side_by_side, waterfall, waterfall_svg
from tepat.linkage.serialize import with_records
from tepat.web.decorators import campaign_manager, reviewer

OPEN = (PairStatus.PENDING, PairStatus.UNSURE)
PAGE = 100


def pending_by_kelurahan(user) -> list[dict]:
    """Pending pairs in the user's scope per kelurahan (of the right record: a registry family in every
    kind, the left of a realisasi pair is its held row); empty for non-reviewers."""
    if not can(user, Action.LINKAGE_REVIEW):
        return []
    rows = (
        scoped(user, Pair.objects.filter(status__in=OPEN))
        .values("right_family__kelurahan__name")
        .annotate(n=Count("id"))
        .order_by("-n")[:15]
    )
    return [{"kelurahan": r["right_family__kelurahan__name"], "pairs": r["n"]} for r in rows]


@reviewer
def queue(request):
    status = request.GET.get("status") or "open"
    kind = request.GET.get("kind") or ""
    pairs = scoped(request.user, Pair.objects.all())
    pairs = pairs.filter(status__in=OPEN) if status == "open" else pairs.filter(status=status)
    pairs = pairs.filter(kind=kind) if kind in PairKind.values else pairs
    page = list(with_records(pairs).select_related("right_family__kelurahan")[:PAGE])
    log_access(request.user, AccessKind.VIEW, f"antrean tautan {request.GET.urlencode()}", records=2 * len(page))
    context = {
        "pairs": page,
        "total": pairs.count(),
        "status": status,
        "kind": kind,
        "kinds": PairKind.choices,
        "statuses": [("open", _("Perlu ditinjau")), *PairStatus.choices],
        "by_kelurahan": pending_by_kelurahan(request.user),
        "builds_campaigns": bool(can(request.user, Action.CAMPAIGNS_MANAGE)),
    }
    return render(request, "linkage/queue.html", context)


@reviewer
def review(request, pk: int):
    pair = get_in_scope_or_404(
        request.user,
        with_records(Pair.objects.select_related("model", "left_family__kelurahan", "right_family__kelurahan")),
        pk=pk,
    )
    log_access(request.user, AccessKind.VIEW, f"pasangan tautan {pair.pk}", records=2)
    context = {
        "pair": pair,
        "rows": side_by_side(pair, request.user),
        "svg": waterfall_svg(waterfall(pair)),
        "decisions": [
            (d, label) for d, label in Decision.choices if d in (Decision.SAME, Decision.DIFFERENT, Decision.UNSURE)
        ],
        "history": pair.decisions.select_related("user")[:50],
        "decided": pair.status != PairStatus.PENDING or pair.auto,
    }
    return render(request, "linkage/review.html", context)


@require_POST
@reviewer
def decide(request, pk: int):
    pair = get_in_scope_or_404(request.user, Pair.objects.all(), pk=pk)
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "").strip()
    keep = request.POST.get("keep")
    if not reason:
        messages.error(request, _("Tuliskan alasan keputusan."))
        return redirect("linkage_review", pk=pair.pk)
    try:
        if decision == Decision.UNDO:
            do_undo_pair(pair, acting_user=request.user, reason=reason)
        else:
            do_decide_pair(pair, decision, acting_user=request.user, reason=reason, keep=int(keep) if keep else None)
    except ValueError:
        messages.error(request, _("Keputusan tidak dikenal."))
        return redirect("linkage_review", pk=pair.pk)
    messages.success(request, _("Keputusan disimpan."))
    following = scoped(request.user, Pair.objects.filter(status=PairStatus.PENDING)).exclude(pk=pair.pk).first()
    return redirect("linkage_review", pk=following.pk) if following else redirect("linkage_queue")


@require_POST
@campaign_manager
def ganda_campaign(request):
    """A verivali campaign of the families of the pending pairs in scope (30 days from today)."""
    pending = scoped(request.user, Pair.objects.filter(status=PairStatus.PENDING))
    today = timezone.localdate()
    try:
        campaign = do_create_ganda_campaign(
            pending, acting_user=request.user, period_start=today, period_end=today + timedelta(days=30)
        )
    except ValueError:
        messages.error(request, _("Tidak ada pasangan menunggu tinjauan untuk dikunjungi."))
        return redirect("linkage_queue")
    messages.success(request, _("Kampanye verivali ganda dibuat: kunjungi keluarga pasangan yang menunggu tinjauan."))
    return redirect("verivali_campaign", pk=campaign.pk)
