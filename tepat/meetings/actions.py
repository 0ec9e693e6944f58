"""Every change to meetings and their follow-up: one function per state change, in a transaction, audited.

User-caused problems raise `MeetingError` (Indonesian / English, naming the field); a user who may not
make the change gets `django.core.exceptions.PermissionDenied`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from tepat.accounts.actor import actor_id, actor_user
from tepat.accounts.models import AuditAction, audit
from tepat.meetings.access import can_manage, can_report_on
from tepat.meetings.models import (
    ActionItem,
    ActionProgress,
    ActionStatus,
    Decision,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantKind,
)
from tepat.secure import open_private


class MeetingError(ValueError):
    """A change the user asked for that cannot be made; the message names the field, in both languages."""


EVIDENCE_SUFFIXES = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".doc", ".xls", ".odt", ".ods"})
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MEETING_FIELDS = ("type", "title", "date", "start_time", "end_time", "place", "chair", "agenda", "letter_number")


@dataclass(frozen=True)
class Guest:
    """A named invitee outside the OPDs and regions, e.g. BPS's statistician as narasumber."""

    institution: str
    name: str = ""
    position: str = ""
    is_speaker: bool = True


def _require_manager(user) -> None:
    if not can_manage(user) and actor_id(user) is not None:
        raise PermissionDenied("hanya sekretariat (Bapperida) / secretariat only")


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as problem:
        raise MeetingError(
            "; ".join(f"{field}: {' '.join(errors)}" for field, errors in problem.message_dict.items())
        ) from None


@transaction.atomic
def do_create_meeting(
    values: dict, *, acting_user, opds: Iterable = (), regions: Iterable = (), guests: Iterable[Guest] = ()
) -> Meeting:
    """A planned meeting with its invitees; every still-open action item of an earlier meeting is carried into it."""
    _require_manager(acting_user)
    meeting = Meeting(**{k: v for k, v in values.items() if k in MEETING_FIELDS})
    meeting.created_by = actor_user(acting_user)
    _clean(meeting)
    meeting.save()
    _invite(meeting, opds, regions, guests)
    carried = carry_over(meeting)
    audit(
        AuditAction.MEETING_CREATED,
        _target(meeting),
        acting_user=acting_user,
        date=str(meeting.date),
        invited=meeting.participants.count(),
        carried=carried,
    )
    return meeting


def carry_over(meeting: Meeting) -> int:
    """Link the open items of meetings dated before this one to it (idempotent); returns how many are linked now."""
    items = ActionItem.objects.still_open().filter(meeting__date__lt=meeting.date)
    meeting.carried_items.add(*items)
    return meeting.carried_items.count()


@transaction.atomic
def do_update_meeting(meeting: Meeting, values: dict, *, acting_user) -> Meeting:
    """Edit the meeting's details; a planned meeting picks up items that became carried-over by a new date."""
    _require_manager(acting_user)
    before = {f: str(getattr(meeting, f)) for f in MEETING_FIELDS}
    for name in MEETING_FIELDS:
        if name in values:
            setattr(meeting, name, values[name])
    _clean(meeting)
    meeting.save()
    if not meeting.is_held():
        carry_over(meeting)
    changes = {
        f: [before[f], str(getattr(meeting, f))] for f in MEETING_FIELDS if before[f] != str(getattr(meeting, f))
    }
    audit(AuditAction.MEETING_UPDATED, _target(meeting), acting_user=acting_user, changes=changes)
    return meeting


@transaction.atomic
def do_invite(
    meeting: Meeting, *, acting_user, opds: Iterable = (), regions: Iterable = (), guests: Iterable[Guest] = ()
) -> int:
    """Add invitees (an OPD or region already invited is skipped); returns how many were added."""
    _require_manager(acting_user)
    added = _invite(meeting, opds, regions, guests)
    audit(AuditAction.MEETING_INVITED, _target(meeting), acting_user=acting_user, added=added)
    return added


def _invite(meeting: Meeting, opds: Iterable, regions: Iterable, guests: Iterable[Guest]) -> int:
    have_opds = set(meeting.participants.values_list("opd_id", flat=True))
    have_regions = set(meeting.participants.values_list("region_id", flat=True))
    new = [
        Participant(meeting=meeting, kind=ParticipantKind.OPD, opd=o, position="Kepala")
        for o in opds
        if o.pk not in have_opds
    ]
    new += [
        Participant(meeting=meeting, kind=ParticipantKind.REGION, region=r) for r in regions if r.pk not in have_regions
    ]
    for guest in guests:
        if not guest.institution.strip():
            raise MeetingError("instansi undangan wajib diisi / the guest's institution is required")
        new.append(
            Participant(
                meeting=meeting,
                kind=ParticipantKind.GUEST,
                institution=guest.institution.strip(),
                name=guest.name.strip(),
                position=guest.position.strip(),
                is_speaker=guest.is_speaker,
            )
        )
    Participant.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def do_record_attendance(
    meeting: Meeting, present: Iterable[int], *, acting_user, today: date | None = None
) -> tuple[int, int]:
    """Participants whose ids are in `present` attended, every other invitee did not. Returns (present, invited)."""
    _require_manager(acting_user)
    if meeting.date > (today or timezone.localdate()):
        raise MeetingError(
            f"kehadiran baru dapat dicatat pada tanggal rapat ({meeting.date:%d-%m-%Y}) / "
            "attendance can be recorded from the meeting date on"
        )
    present = set(present)
    unknown = present - set(meeting.participants.values_list("pk", flat=True))
    if unknown:
        raise MeetingError(f"peserta {sorted(unknown)} tidak diundang ke rapat ini / not invited to this meeting")
    meeting.participants.filter(pk__in=present).update(attended=True)
    meeting.participants.exclude(pk__in=present).update(attended=False)
    counts = meeting.attendance()
    audit(
        AuditAction.MEETING_ATTENDANCE, _target(meeting), acting_user=acting_user, present=counts[0], invited=counts[1]
    )
    return counts


@transaction.atomic
def do_record_minutes(meeting: Meeting, text: str, *, acting_user) -> Meeting:
    _require_manager(acting_user)
    meeting.minutes = text.strip()
    meeting.save(update_fields=["minutes"])
    audit(AuditAction.MEETING_MINUTES, _target(meeting), acting_user=acting_user, characters=len(meeting.minutes))
    return meeting


@transaction.atomic
def do_cancel_meeting(meeting: Meeting, *, reason: str, acting_user) -> Meeting:
    """Cancel a meeting (planned, or held by mistake, e.g. a duplicate): it stays listed with its reason
    and no longer counts for the yearly compliance, its number or the next rakor. Not undone (create
    the meeting again); its open action items stay open and are carried to the next meeting as before."""
    _require_manager(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise MeetingError("alasan pembatalan wajib diisi / a reason for the cancellation is required")
    if meeting.is_cancelled():
        raise MeetingError("rapat ini sudah dibatalkan / this meeting is already cancelled")
    before = meeting.status
    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
    meeting.cancelled_at, meeting.cancelled_by = (
        timezone.now(),
        actor_user(acting_user),
    )
    meeting.save(update_fields=["status", "cancel_reason", "cancelled_at", "cancelled_by"])
    audit(AuditAction.MEETING_CANCELLED, _target(meeting), acting_user=acting_user, reason=reason, status_before=before)
    return meeting


@transaction.atomic
def do_hold_meeting(meeting: Meeting, *, acting_user, today: date | None = None) -> Meeting:
    """Mark the meeting as held (it then counts for the yearly compliance); not before its date."""
    _require_manager(acting_user)
    if meeting.is_cancelled():
        raise MeetingError("rapat ini dibatalkan / this meeting is cancelled")
    if meeting.date > (today or timezone.localdate()):
        raise MeetingError(
            f"rapat tanggal {meeting.date:%d-%m-%Y} belum berlangsung / the meeting has not taken place yet"
        )
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status"])
    audit(AuditAction.MEETING_HELD, _target(meeting), acting_user=acting_user, date=str(meeting.date))
    return meeting


@transaction.atomic
def do_add_decision(meeting: Meeting, text: str, *, acting_user) -> Decision:
    _require_manager(acting_user)
    if not text.strip():
        raise MeetingError("keputusan: wajib diisi / decision: required")
    number = (meeting.decisions.aggregate(n=models.Max("number"))["n"] or 0) + 1
    decision = Decision.objects.create(meeting=meeting, number=number, text=text.strip())
    audit(AuditAction.MEETING_DECISION, _target(meeting), acting_user=acting_user, number=number)
    return decision


@transaction.atomic
def do_add_action_item(
    meeting: Meeting, *, what: str, owner, due: date, acting_user, decision: Decision | None = None
) -> ActionItem:
    """An action item for one OPD, usually under one of the meeting's decisions."""
    _require_manager(acting_user)
    if decision is not None and decision.meeting_id != meeting.pk:
        raise MeetingError(f"keputusan {decision.number} bukan dari rapat ini / decision is from another meeting")
    item = ActionItem(meeting=meeting, decision=decision, what=what.strip(), owner=owner, due=due)
    _clean(item)
    item.save()
    audit(
        AuditAction.ACTION_ITEM_ADDED,
        f"tindak lanjut {item.pk}",
        acting_user=acting_user,
        meeting=meeting.pk,
        owner=owner.code,
        due=str(due),
    )
    return item


@transaction.atomic
def do_record_progress(item: ActionItem, *, note: str, acting_user, evidence=None) -> ActionProgress:
    """A progress note (optionally with an evidence file); an open item becomes in progress.

    `evidence` is an uploaded file (anything with `.name`, `.size` and `.chunks()`); it is stored under
    TEPAT_HOME/meetings/bukti/<item>/. Only the secretariat and the owning OPD's operators may report.
    """
    _require_reporter(acting_user, item)
    if not item.is_open():
        raise MeetingError(f"tindak lanjut sudah {item.get_status_display().lower()} / the item is already closed")
    if not note.strip():
        raise MeetingError("perkembangan: wajib diisi / progress: required")
    name, path = _store_evidence(item, evidence) if evidence else ("", "")
    if item.status == ActionStatus.OPEN:
        item.status = ActionStatus.IN_PROGRESS
        item.save(update_fields=["status"])
    progress = ActionProgress.objects.create(
        item=item,
        note=note.strip(),
        evidence_name=name,
        evidence_path=path,
        status_after=item.status,
        by=actor_user(acting_user),
    )
    audit(AuditAction.ACTION_PROGRESS, f"tindak lanjut {item.pk}", acting_user=acting_user, evidence=name)
    return progress


@transaction.atomic
def do_close_action_item(item: ActionItem, *, status: str, acting_user, note: str = "") -> ActionItem:
    """Done (the secretariat or the owning OPD) or dropped (the secretariat only, with a reason)."""
    _require_reporter(acting_user, item)
    if status not in (ActionStatus.DONE, ActionStatus.DROPPED):
        raise MeetingError(f"status {status!r}: pilih selesai atau dibatalkan / choose done or dropped")
    if status == ActionStatus.DROPPED and not can_manage(acting_user) and actor_id(acting_user) is not None:
        raise PermissionDenied("hanya sekretariat yang membatalkan / only the secretariat drops items")
    if status == ActionStatus.DROPPED and not note.strip():
        raise MeetingError("catatan: alasan pembatalan wajib diisi / note: a reason is required to drop an item")
    if not item.is_open():
        raise MeetingError(f"tindak lanjut sudah {item.get_status_display().lower()} / the item is already closed")
    item.status, item.closing_note, item.closed_at = status, note.strip(), timezone.now()
    item.save(update_fields=["status", "closing_note", "closed_at"])
    ActionProgress.objects.create(
        item=item, note=note.strip() or str(ActionStatus(status).label), status_after=status, by=actor_user(acting_user)
    )
    audit(AuditAction.ACTION_ITEM_CLOSED, f"tindak lanjut {item.pk}", acting_user=acting_user, status=status)
    return item


def _require_reporter(user, item: ActionItem) -> None:
    if actor_id(user) is not None and not can_report_on(user, item):
        raise PermissionDenied("hanya OPD penanggung jawab / only the owning OPD")


def evidence_root() -> Path:
    return Path(settings.TEPAT_HOME) / "meetings"


def _store_evidence(item: ActionItem, upload) -> tuple[str, str]:
    original = Path(upload.name).name
    suffix = Path(original).suffix.lower()
    if suffix not in EVIDENCE_SUFFIXES:
        raise MeetingError(
            f"bukti {original!r}: jenis berkas {suffix or '-'} tidak diterima ({', '.join(sorted(EVIDENCE_SUFFIXES))}) / "
            "file type not accepted"
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise MeetingError(f"bukti {original!r}: lebih dari 10 MB / larger than 10 MB")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(original).stem)[:80] or "bukti"
    relative = Path("bukti") / str(item.pk) / f"{uuid.uuid4().hex[:12]}-{safe}{suffix}"
    target = evidence_root() / relative
    with open_private(target) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return original[:200], relative.as_posix()


def _target(meeting: Meeting) -> str:
    return f"rapat {meeting.pk} {meeting.title}"
