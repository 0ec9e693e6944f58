"""Meeting pages: the list with the yearly rakor compliance, create/edit, the meeting page (invitees,
attendance, minutes, decisions, action items, documents) and the follow-up pages of action items.

Every write goes through tepat.meetings.actions. The secretariat (analyst, admin) manages meetings;
any signed-in user reads them; action items are listed for the secretariat and the owning OPD only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind, Opd
from tepat.meetings import actions, queries, tables
from tepat.meetings.access import can_manage, can_report_on, visible_items
from tepat.meetings.documents import DOCUMENTS, file_name
from tepat.meetings.forms import (
    ActionItemForm,
    CancelForm,
    CloseForm,
    DecisionForm,
    InviteesForm,
    MeetingForm,
    MinutesForm,
    NewMeetingForm,
    ProgressForm,
)
from tepat.meetings.models import OPEN_STATUSES, ActionItem, ActionStatus, Meeting
from tepat.regions.models import Region
from tepat.registry.spreadsheet import xlsx_bytes
from tepat.web.decorators import follow_up, secretariat
from tepat.web.forms import form_errors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(sheets: dict, name: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _year(request) -> int:
    try:
        return int(request.GET.get("tahun", ""))
    except ValueError:
        return timezone.localdate().year


# --- the list ------------------------------------------------------------------------------------------------


def _list_context(user, year: int) -> dict:
    today = timezone.localdate()
    follow = queries.decisions_followed_up(year, today=today)
    return {
        "year": year,
        "years": [year - 1, year, year + 1],
        "today": today,
        "compliance": queries.compliance(year, today=today),
        "meetings": list(queries.meetings_in_year(year)),
        "counted": queries.counted_rakor(year),
        "follow": follow,
        "totals": queries.follow_up_totals(follow),
        "by_opd": queries.open_items_by_opd(today=today) if can_manage(user) else [],
        "next_rakor": queries.next_planned_rakor(today=today),
        "can_manage": can_manage(user),
    }


@login_required
def meeting_list(request):
    return render(request, "web/meetings/list.html", _list_context(request.user, _year(request)))


@login_required
def meeting_export(request):
    c = _list_context(request.user, _year(request))
    sheets = {
        "Rapat": tables.meetings_frame(c["meetings"]),
        "Kepatuhan rakor": tables.compliance_frame(c["compliance"]),
        "Tindak lanjut per rapat": tables.follow_up_frame(c["follow"]),
    }
    if c["by_opd"]:
        sheets["Terbuka per OPD"] = tables.open_by_opd_frame(c["by_opd"])
    return _xlsx(sheets, f"rapat-{c['year']}.xlsx")


# --- create / edit -------------------------------------------------------------------------------------------


def _same_day(request, form, exclude: int | None = None) -> list[Meeting]:
    """Other meetings of the posted type on the posted date, unless the user confirmed that this one is
    not a duplicate (`same_day_ok`); empty when the form is not posted or not valid."""
    if request.method != "POST" or request.POST.get("same_day_ok") or not form.is_valid():
        return []
    return queries.same_day(form.cleaned_data["type"], form.cleaned_data["date"], exclude=exclude)


@secretariat
def meeting_create(request):
    initial = {
        "opds": Opd.objects.all(),
        "regions": Region.objects.filter(level="kecamatan"),
        "date": timezone.localdate(),
    }
    form = NewMeetingForm(request.POST or None, initial=initial)
    same_day = _same_day(request, form)
    if request.method == "POST" and form.is_valid() and not same_day:
        try:
            meeting = actions.do_create_meeting(form.cleaned_data, acting_user=request.user, **form.invitees())
        except actions.MeetingError as problem:
            form.add_error(None, str(problem))
        else:
            carried = meeting.carried_items.count()
            messages.success(
                request, _("Rapat dibuat; %(n)s tindak lanjut terbuka masuk ke acaranya.") % {"n": carried}
            )
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "web/meetings/edit.html", {"form": form, "meeting": None, "same_day": same_day})


@secretariat
def meeting_edit(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    # The form gets its own copy: validating writes the posted values into its instance, and the action
    # audits the changes against `meeting` as stored.
    form = MeetingForm(request.POST or None, instance=Meeting.objects.get(pk=pk))
    same_day = _same_day(request, form, exclude=pk)
    if request.method == "POST" and form.is_valid() and not same_day:
        try:
            actions.do_update_meeting(meeting, form.cleaned_data, acting_user=request.user)
        except actions.MeetingError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, _("Rapat disimpan."))
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "web/meetings/edit.html", {"form": form, "meeting": meeting, "same_day": same_day})


# --- the meeting page ------------------------------------------------------------------------------------------


@login_required
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    today = timezone.localdate()
    items = list(meeting.action_items.select_related("owner", "decision").order_by("decision__number", "due", "pk"))
    mine = set(visible_items(request.user, ActionItem.objects.filter(meeting=meeting)).values_list("pk", flat=True))
    context = {
        "meeting": meeting,
        "today": today,
        "can_manage": can_manage(request.user),
        "participants": meeting.participants.select_related("opd", "region"),
        "attendance": meeting.attendance(),
        "decisions": meeting.decisions.all(),
        "items": items,
        "linked": mine,
        "carried": list(meeting.carried_items_in_order()),
        "documents": DOCUMENTS,
        "invite_form": InviteesForm(),
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": DecisionForm(),
        "item_form": ActionItemForm(meeting=meeting),
        "cancel_form": CancelForm(),
        "may_record_attendance": meeting.date <= today,
    }
    return render(request, "web/meetings/detail.html", context)


def _submit(request, meeting: Meeting, form, act, success: str):
    """One POST form of the meeting page: check the bound `form` (None: nothing to check), run act(form), which
    calls one action, and go back to the page with the form's errors, the action's MeetingError or `success`."""
    if form is not None and not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("meeting_detail", pk=meeting.pk)
    try:
        act(form)
    except actions.MeetingError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, success)
    return redirect("meeting_detail", pk=meeting.pk)


@require_POST
@secretariat
def meeting_invite(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _submit(
        request,
        meeting,
        InviteesForm(request.POST),
        lambda form: actions.do_invite(meeting, acting_user=request.user, **form.invitees()),
        _("Undangan ditambahkan."),
    )


@require_POST
@secretariat
def meeting_attendance(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    try:
        present = [int(value) for value in request.POST.getlist("present")]
    except ValueError:
        raise Http404 from None
    return _submit(
        request,
        meeting,
        None,
        lambda _form: actions.do_record_attendance(meeting, present, acting_user=request.user),
        _("Kehadiran dicatat."),
    )


@require_POST
@secretariat
def meeting_minutes(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _submit(
        request,
        meeting,
        MinutesForm(request.POST),
        lambda form: actions.do_record_minutes(meeting, form.cleaned_data["minutes"], acting_user=request.user),
        _("Notulen disimpan."),
    )


@require_POST
@secretariat
def meeting_hold(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _submit(
        request,
        meeting,
        None,
        lambda _form: actions.do_hold_meeting(meeting, acting_user=request.user),
        _("Rapat dicatat terlaksana."),
    )


@require_POST
@secretariat
def meeting_cancel(request, pk: int):
    """Cancel with a reason (a duplicate or a meeting that did not take place): listed, never counted."""
    meeting = get_object_or_404(Meeting, pk=pk)
    return _submit(
        request,
        meeting,
        CancelForm(request.POST),
        lambda form: actions.do_cancel_meeting(meeting, reason=form.cleaned_data["reason"], acting_user=request.user),
        _("Rapat dibatalkan; tidak lagi dihitung."),
    )


@require_POST
@secretariat
def meeting_decision(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _submit(
        request,
        meeting,
        DecisionForm(request.POST),
        lambda form: actions.do_add_decision(meeting, form.cleaned_data["text"], acting_user=request.user),
        _("Keputusan dicatat."),
    )


@require_POST
@secretariat
def meeting_action_item(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    return _submit(
        request,
        meeting,
        ActionItemForm(request.POST, meeting=meeting),
        lambda form: actions.do_add_action_item(meeting, acting_user=request.user, **form.cleaned_data),
        _("Tindak lanjut dicatat."),
    )


@login_required
def meeting_document(request, pk: int, name: str):
    meeting = get_object_or_404(Meeting, pk=pk)
    document = DOCUMENTS.get(name)
    if document is None:
        raise Http404
    response = HttpResponse(document.build(meeting), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(meeting, name)}"'
    return response


@login_required
def meeting_tables(request, pk: int):
    meeting = get_object_or_404(Meeting, pk=pk)
    today = timezone.localdate()
    sheets = {
        "Peserta": tables.participants_frame(meeting),
        "Keputusan": tables.decisions_frame(meeting),
        "Tindak lanjut": tables.action_items_frame(meeting.action_items.all(), today),
        "Tindak lanjut sebelumnya": tables.action_items_frame(meeting.carried_items.all(), today),
    }
    return _xlsx(sheets, f"rapat-{meeting.date:%Y-%m-%d}-{meeting.pk}.xlsx")


# --- follow-up ------------------------------------------------------------------------------------------------

STATUS_FILTERS = {
    "terbuka": OPEN_STATUSES,
    "terlambat": OPEN_STATUSES,
    "selesai": (ActionStatus.DONE,),
    "semua": tuple(ActionStatus.values),
}
STATUS_FILTER_LABELS = {
    "terbuka": _lazy("terbuka"),
    "terlambat": _lazy("terlambat"),
    "selesai": _lazy("selesai"),
    "semua": _lazy("semua"),
}


def _items(request):
    """The action items this user may see, filtered by ?status= (terbuka, terlambat, selesai, semua) and ?opd=."""
    today = timezone.localdate()
    status = request.GET.get("status", "terbuka")
    status = status if status in STATUS_FILTERS else "terbuka"
    items = visible_items(request.user, ActionItem.objects.select_related("owner", "meeting"))
    items = items.filter(status__in=STATUS_FILTERS[status]).order_by("due", "pk")
    if status == "terlambat":
        items = items.filter(due__lt=today)
    opd = request.GET.get("opd", "")
    if opd and can_manage(request.user):
        items = items.filter(owner__code=opd)
    return items, status, opd, today


@follow_up
def action_items(request):
    items, status, opd, today = _items(request)
    context = {
        "items": list(items),
        "status": status,
        "opd": opd,
        "today": today,
        "can_manage": can_manage(request.user),
        "opds": Opd.objects.order_by("name") if can_manage(request.user) else [],
        "filters": list(STATUS_FILTER_LABELS.items()),
    }
    return render(request, "web/meetings/items.html", context)


@follow_up
def action_items_export(request):
    items, status, _opd, today = _items(request)
    return _xlsx({"Tindak lanjut": tables.action_items_frame(items, today)}, f"tindak-lanjut-{status}.xlsx")


def _visible_item(request, pk: int) -> ActionItem:
    items = visible_items(request.user, ActionItem.objects.select_related("owner", "meeting", "decision"))
    return get_object_or_404(items, pk=pk)


@follow_up
def action_item_detail(request, pk: int):
    item = _visible_item(request, pk)
    may_report = can_report_on(request.user, item) and item.is_open()
    if request.method == "POST" and not may_report:
        raise Http404
    form = ProgressForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_progress(
                item, note=form.cleaned_data["note"], evidence=form.cleaned_data["evidence"], acting_user=request.user
            )
        except actions.MeetingError as problem:
            form.add_error("evidence" if form.cleaned_data["evidence"] else "note", str(problem))
        else:
            messages.success(request, _("Perkembangan dicatat."))
            return redirect("action_item_detail", pk=item.pk)
    context = {
        "item": item,
        "today": timezone.localdate(),
        "form": form,
        "may_report": may_report,
        "close_form": CloseForm(may_drop=can_manage(request.user)),
        "progress": item.progress.select_related("by"),
        "carried_to": item.carried_to.order_by("date"),
    }
    return render(request, "web/meetings/item.html", context)


@require_POST
@follow_up
def action_item_close(request, pk: int):
    item = _visible_item(request, pk)
    form = CloseForm(request.POST, may_drop=can_manage(request.user))
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("action_item_detail", pk=item.pk)
    try:
        actions.do_close_action_item(
            item, status=form.cleaned_data["status"], note=form.cleaned_data["note"], acting_user=request.user
        )
    except PermissionDenied:
        raise Http404 from None
    except actions.MeetingError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Tindak lanjut ditutup."))
    return redirect("action_item_detail", pk=item.pk)


@follow_up
def action_evidence(request, pk: int, progress: int):
    item = _visible_item(request, pk)
    entry = get_object_or_404(item.progress.exclude(evidence_path=""), pk=progress)
    path = (actions.evidence_root() / entry.evidence_path).resolve()
    if not path.is_file() or actions.evidence_root().resolve() not in path.parents:
        raise Http404
    log_access(
        request.user, AccessKind.EXPORT, f"bukti tindak lanjut {item.pk} laporan {entry.pk}: {entry.evidence_name}"
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=entry.evidence_name)
