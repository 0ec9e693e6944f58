"""The enumerator's side: my families, the phone visit form, usulan baru, the confirmation, photos."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.natural import natural_key
from tepat.verivali.actions import SubmissionRejected, acts_for_others, do_submit_visit
from tepat.verivali.forms import form_context, visit_payload
from tepat.verivali.models import Campaign, CampaignFamily, CampaignStatus, VisitPhoto, VisitSource, Visit
from tepat.web.decorators import verivali_user, visitor
from tepat.web.views.verivali.common import LINES, line_rows


def _walking_order(cf: CampaignFamily) -> tuple:
    """Kelurahan, RW, RT, then the address with its house number as a number ("No. 38" before "No. 146")."""
    family = cf.family
    return (
        cf.campaign_id,
        family.kelurahan.name,
        natural_key(family.rw),
        natural_key(family.rt),
        natural_key(family.alamat),
    )


@visitor
def my_families(request):
    """Families assigned to me in running campaigns, not yet visited first (phone-first list), in
    walking order; `q` keeps those whose head's name or address contains it."""
    mine = CampaignFamily.objects.filter(
        enumerator=request.user, campaign__status=CampaignStatus.ACTIVE
    ).select_related("campaign", "family__kelurahan")
    query = request.GET.get("q", "").strip()
    if query:
        mine = mine.filter(Q(family__kepala_keluarga__icontains=query) | Q(family__alamat__icontains=query))
    mine = sorted(mine, key=_walking_order)
    visited = set(Visit.objects.filter(enumerator=request.user).values_list("campaign_id", "family_id"))
    campaigns: dict[int, dict] = {}
    for cf in mine:
        entry = campaigns.setdefault(cf.campaign_id, {"campaign": cf.campaign, "todo": [], "done": []})
        entry["done" if (cf.campaign_id, cf.family_id) in visited else "todo"].append(cf)
    log_access(request.user, AccessKind.VIEW, "verivali: keluarga yang ditugaskan", records=len(mine))
    running = Campaign.objects.filter(status=CampaignStatus.ACTIVE) if acts_for_others(request.user) else []
    return render(
        request,
        "web/verivali/my_families.html",
        {"campaigns": list(campaigns.values()), "running": running, "q": query},
    )


def _campaign_family(request, pk: int, family_pk: int) -> CampaignFamily:
    """The campaign family this user may visit: their own assignment, or any for analyst/admin."""
    chosen = CampaignFamily.objects.select_related("campaign", "family__kelurahan")
    if not acts_for_others(request.user):
        chosen = chosen.filter(enumerator=request.user, campaign__status=CampaignStatus.ACTIVE)
    return get_in_scope_or_404(request.user, chosen, campaign_id=pk, family_id=family_pk)


@visitor
def visit_form(request, pk: int, family_pk: int):
    cf = _campaign_family(request, pk, family_pk)
    return _form(request, cf.campaign, cf.family)


@visitor
def proposal_form(request, pk: int):
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=pk)
    return _form(request, campaign, None)


def _form(request, campaign: Campaign, family):
    error = None
    if request.method == "POST":
        code = request.POST.get("kelurahan", "") if family is None else ""
        try:
            visit = do_submit_visit(
                campaign,
                visit_payload(request.POST, request.FILES, family, kelurahan_code=code, user=request.user),
                acting_user=request.user,
                source=VisitSource.WEB,
                raw=_raw(request),
            )
        except SubmissionRejected as problem:
            error = problem
        else:
            return redirect("verivali_visit_done", pk=visit.pk)
    if family is not None:
        log_access(request.user, AccessKind.VIEW, f"verivali: formulir kunjungan keluarga {family.pk}")
    context = {
        "campaign": campaign,
        "family": family,
        "error": error,
        "submission_key": f"uuid:{uuid.uuid4()}",
        "kelurahan_choices": _proposal_kelurahan(request, campaign) if family is None else [],
        **form_context(family, request.user),
    }
    return render(request, "web/verivali/visit_form.html", context, status=400 if error else 200)


def _raw(request) -> dict:
    """The web submission as received (files by name and size), kept on the visit."""
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    data["_files"] = {key: [f"{f.name} ({f.size} B)" for f in request.FILES.getlist(key)] for key in request.FILES}
    return data


def _proposal_kelurahan(request, campaign: Campaign):
    kelurahan = campaign.kelurahan.all()
    if not acts_for_others(request.user):
        kelurahan = kelurahan.filter(
            families__verivali_campaigns__campaign=campaign, families__verivali_campaigns__enumerator=request.user
        ).distinct()
    return kelurahan


@verivali_user
def visit_done(request, pk: int):
    visits = Visit.objects.select_related("campaign", "family", "change_request", "kelurahan")
    visit = get_in_scope_or_404(
        request.user, visits.prefetch_related(Prefetch("change_request__lines", LINES.queryset)), pk=pk
    )
    log_access(request.user, AccessKind.VIEW, f"verivali: kunjungan {visit.pk}")
    return render(
        request,
        "web/verivali/visit_done.html",
        {
            "visit": visit,
            "request_": visit.change_request,
            "lines": line_rows(visit.change_request, request.user),
            "photos": visit.photos.all(),
        },
    )


@verivali_user
def photo(request, pk: int):
    item = VisitPhoto.objects.select_related("visit").filter(pk=pk).first()
    if item is None or not scoped(request.user, Visit.objects.filter(pk=item.visit_id)).exists():
        raise Http404
    path = item.absolute_path()
    if not path.exists():
        raise Http404
    log_access(request.user, AccessKind.VIEW, f"verivali: foto {item.pk} kunjungan {item.visit_id}")
    return FileResponse(path.open("rb"), content_type=f"image/{item.image_format.lower()}")
