"""The lurah's musyawarah page: open requests of the kelurahan, current vs proposed, decisions, meetings."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.regions.models import Level, Region
from tepat.verivali.actions import DecisionRefused, decides_for, do_decide_many, do_record_musyawarah
from tepat.verivali.forms import DecisionForm, MusyawarahForm
from tepat.formatting import language_code
from tepat.verivali.payload import checklist_items
from tepat.verivali.models import ChangeRequest, Musyawarah, RequestStatus, conflicting_with
from tepat.web.decorators import musyawarah_user, verivali_user
from tepat.web.forms import form_errors
from tepat.web.views.verivali.common import LINES, line_rows

OPEN = (RequestStatus.PENDING, RequestStatus.CONFLICT)


def _kelurahan_choices(user):
    with_requests = scoped(user, ChangeRequest.objects.all()).values("kelurahan_id")
    return Region.objects.filter(level=Level.KELURAHAN, pk__in=with_requests).order_by("name")


def _own_kelurahan(user) -> bool:
    """A kelurahan-scoped user (the lurah) sees their own kelurahan and chooses none."""
    return policy_for(user).scope == Scope.KELURAHAN


def _choices(user):
    """The kelurahan the page offers to choose from (none for the lurah)."""
    return [] if _own_kelurahan(user) else _kelurahan_choices(user)


def _kelurahan(request) -> Region | None:
    """The lurah's own kelurahan; others choose one of those with requests they may see (?kelurahan=code)."""
    if _own_kelurahan(request.user):
        return request.user.region
    code = request.GET.get("kelurahan") or request.POST.get("kelurahan")
    choices = _kelurahan_choices(request.user)
    return choices.filter(code=code).first() if code else choices.first()


def _open_requests(user, kelurahan: Region):
    requests = scoped(user, ChangeRequest.objects.filter(kelurahan=kelurahan, status__in=OPEN))
    return requests.select_related("visit__enumerator", "family", "conflict_with", "campaign").order_by(
        "created_at", "id"
    )


def _cards(pending: list[ChangeRequest], user) -> list[tuple]:
    """(request, its lines as shown, the later requests waiting on it) per card: three queries for the page."""
    later: dict[int, list[ChangeRequest]] = {}
    for other in conflicting_with(pending):
        later.setdefault(other.conflict_with_id, []).append(other)
    return [(r, line_rows(r, user), later.get(r.pk, [])) for r in pending]


@musyawarah_user
def musyawarah_page(request):
    kelurahan = _kelurahan(request)
    if kelurahan is None:
        return render(request, "web/verivali/musyawarah.html", {"kelurahan": None, "choices": _choices(request.user)})
    pending = list(_open_requests(request.user, kelurahan).prefetch_related(LINES))
    meetings = Musyawarah.objects.filter(kelurahan=kelurahan)
    decided = (
        scoped(request.user, ChangeRequest.objects.filter(kelurahan=kelurahan))
        .exclude(status__in=OPEN)
        .select_related("family", "musyawarah", "decided_by", "created_family", "visit")
        .order_by("-decided_at")[:50]
    )
    decided = list(decided)
    # Every request the page shows: the open ones (with their lines) and the last 50 decided (family, decision).
    log_access(
        request.user, AccessKind.VIEW, f"verivali: musyawarah {kelurahan.code}", records=len(pending) + len(decided)
    )
    return render(
        request,
        "web/verivali/musyawarah.html",
        {
            "kelurahan": kelurahan,
            "choices": _choices(request.user),
            "decides": decides_for(request.user, kelurahan),
            "pending": _cards(pending, request.user),
            "meetings": meetings,
            "decided": decided,
            "meeting_form": MusyawarahForm(),
            "latest_meeting": meetings.first(),
            "edited_after": scoped(
                request.user, ChangeRequest.objects.filter(kelurahan=kelurahan, visit__edited_after_decision=True)
            )
            .exclude(status__in=OPEN)
            .select_related("family", "visit")
            .order_by("-decided_at"),
        },
    )


def _back(kelurahan: Region):
    return redirect(f"{_url()}?kelurahan={kelurahan.code}")


def _url() -> str:
    from django.urls import reverse

    return reverse("verivali_musyawarah")


@require_POST
@musyawarah_user
def meeting_create(request):
    kelurahan = _kelurahan(request)
    if kelurahan is None:
        raise Http404
    form = MusyawarahForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(kelurahan)
    try:
        meeting = do_record_musyawarah(form.cleaned_data, kelurahan=kelurahan, acting_user=request.user)
    except DecisionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("Musyawarah %(d)s di %(p)s dicatat.") % {"d": meeting.held_on.strftime("%d-%m-%Y"), "p": meeting.place},
        )
    return _back(kelurahan)


@require_POST
@musyawarah_user
def decide(request):
    """Approve or reject the checked requests (one or many) with one reason and the meeting that decided them."""
    kelurahan = _kelurahan(request)
    if kelurahan is None:
        raise Http404
    requests = list(_open_requests(request.user, kelurahan))
    form = DecisionForm(request.POST, requests=requests, meetings=Musyawarah.objects.filter(kelurahan=kelurahan))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(kelurahan)
    data = form.cleaned_data
    ids = set(data["ids"])
    chosen = [r for r in requests if r.pk in ids]
    result = do_decide_many(
        chosen,
        acting_user=request.user,
        approve=data["decision"] == DecisionForm.APPROVE,
        reason=data["reason"],
        musyawarah=data["musyawarah"],
    )
    if result.decided:
        messages.success(request, _("%(n)s usulan diputuskan.") % {"n": len(result.decided)})
    for item, refused in result.refused:
        messages.error(request, f"#{item.pk}: {refused}")
    return _back(kelurahan)


@verivali_user
def request_detail(request, pk: int):
    item = get_in_scope_or_404(
        request.user,
        ChangeRequest.objects.select_related(
            "visit__enumerator",
            "family",
            "campaign",
            "musyawarah",
            "decided_by",
            "conflict_with",
            "kelurahan",
            "created_family",
        ).prefetch_related(LINES),
        pk=pk,
    )
    log_access(request.user, AccessKind.VIEW, f"verivali: usulan {item.pk}")
    return render(
        request,
        "web/verivali/request_detail.html",
        {
            "item": item,
            "visit": item.visit,
            "lines": line_rows(item, request.user),
            "photos": item.visit.photos.all(),
            "history": item.applied.all().order_by("id"),
            "checklist": [
                (c.label(language_code()), item.visit.checklist[c.code])
                for c in checklist_items()
                if c.code in item.visit.checklist
            ],
        },
    )
