"""Read-only questions about meetings, for pages and for reports (briefing pack, LP2KD, periodic reports).

Every function takes `today` so a report can be reproduced for a reference date; it defaults to the
local date. None of them returns personal data from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tepat.accounts.models import Opd
from tepat.meetings.compliance import Compliance, assess
from tepat.meetings.models import (
    OPEN_STATUSES,
    ActionItem,
    ActionStatus,
    Decision,
    Meeting,
    MeetingStatus,
    MeetingType,
)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def meetings_in_year(year: int) -> QuerySet[Meeting]:
    """Meetings dated in `year`, oldest first, with invitation and attendance counts annotated
    (`invited`, `present`)."""
    meetings = Meeting.objects.filter(date__year=year).order_by("date", "start_time", "pk")
    return meetings.annotate(
        invited=Count("participants", distinct=True),
        present=Count("participants", filter=Q(participants__attended=True), distinct=True),
    )


def compliance(year: int, *, today: date | None = None) -> Compliance:
    """Rakor held in `year` against the legal minimum of three, and when the next one is due
    (rule and reasons: tepat/meetings/compliance.py). Two small queries."""
    rakor = Meeting.objects.filter(date__year=year, type=MeetingType.RAKOR)
    held = list(rakor.filter(status=MeetingStatus.HELD).values_list("date", flat=True))
    planned = list(rakor.filter(status=MeetingStatus.PLANNED).values_list("date", flat=True))
    return assess(year, held, _today(today), planned)


def counted_rakor(year: int) -> list[Meeting]:
    """The rakor that the compliance count of `year` counts (held, not cancelled), oldest first: the
    page lists them beside the count so a duplicate shows. One query."""
    return list(
        Meeting.objects.filter(date__year=year, type=MeetingType.RAKOR, status=MeetingStatus.HELD).order_by(
            "date", "start_time", "pk"
        )
    )


def same_day(type: str, day: date, *, exclude: int | None = None) -> list[Meeting]:
    """Meetings (not cancelled) of this type on this date: a second one is probably a duplicate. One query."""
    found = (
        Meeting.objects.filter(type=type, date=day).exclude(status=MeetingStatus.CANCELLED).order_by("start_time", "pk")
    )
    return list(found.exclude(pk=exclude) if exclude else found)


def next_planned_rakor(*, today: date | None = None) -> Meeting | None:
    return (
        Meeting.objects.filter(type=MeetingType.RAKOR, status=MeetingStatus.PLANNED, date__gte=_today(today))
        .order_by("date", "start_time")
        .first()
    )


def open_action_items(*, opd: Opd | None = None) -> QuerySet[ActionItem]:
    """Items neither done nor dropped, by OPD name then due date (owner and origin meeting joined)."""
    items = (
        ActionItem.objects.still_open()
        .select_related("owner", "meeting", "decision")
        .order_by("owner__name", "due", "pk")
    )
    return items.filter(owner=opd) if opd is not None else items


@dataclass
class OpdFollowUp:
    """One OPD's open action items, for the 'open action items by OPD' table."""

    opd: Opd
    items: list[ActionItem] = field(default_factory=list)
    today: date | None = None

    @property
    def open(self) -> int:
        return sum(1 for i in self.items if i.status == ActionStatus.OPEN)

    @property
    def in_progress(self) -> int:
        return sum(1 for i in self.items if i.status == ActionStatus.IN_PROGRESS)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.is_overdue(self.today))

    @property
    def total(self) -> int:
        return len(self.items)


def open_items_by_opd(*, today: date | None = None) -> list[OpdFollowUp]:
    """Each OPD with at least one open item, most overdue first, then by name. One query."""
    groups: dict[int, OpdFollowUp] = {}
    for item in open_action_items():
        groups.setdefault(item.owner_id, OpdFollowUp(item.owner, today=_today(today))).items.append(item)
    return sorted(groups.values(), key=lambda g: (-g.overdue, g.opd.name))


class DecisionState(models.TextChoices):
    """How far a decision is followed up; the labels are printed as they are in tables and documents."""

    FOLLOWED_UP = "tuntas", "Tuntas"  # every (non-dropped) action item done
    IN_PROCESS = "proses", "Dalam proses"  # some action item still open
    NONE = "tanpa_tindak_lanjut", "Tanpa tindak lanjut"  # no action item (or all dropped)


def decision_state(decision: Decision) -> DecisionState:
    """Followed up when it has action items and all of them that were not dropped are done."""
    statuses = [i.status for i in decision.action_items.all() if i.status != ActionStatus.DROPPED]
    if not statuses:
        return DecisionState.NONE
    return DecisionState.FOLLOWED_UP if all(s == ActionStatus.DONE for s in statuses) else DecisionState.IN_PROCESS


@dataclass
class MeetingFollowUp:
    """Decisions and action items of one meeting, counted by state."""

    meeting: Meeting
    decisions: int = 0
    decisions_followed_up: int = 0
    decisions_in_process: int = 0
    decisions_without_items: int = 0
    items: int = 0
    done: int = 0
    in_progress: int = 0
    open: int = 0
    overdue: int = 0
    dropped: int = 0

    @property
    def percent_followed_up(self) -> float | None:
        """Share of decisions followed up, in percent (None when the meeting took no decision)."""
        return round(100 * self.decisions_followed_up / self.decisions, 1) if self.decisions else None


def decisions_followed_up(year: int, *, today: date | None = None) -> list[MeetingFollowUp]:
    """Per meeting of `year` (oldest first): decisions followed up / in process / without items, and
    the action items by status with the overdue ones. Three queries."""
    today = _today(today)
    meetings = (
        Meeting.objects.filter(date__year=year)
        .order_by("date", "pk")
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.prefetch_related("action_items")), "action_items"
        )
    )
    return [_follow_up(meeting, today) for meeting in meetings]


def _follow_up(meeting: Meeting, today: date) -> MeetingFollowUp:
    row = MeetingFollowUp(meeting)
    for decision in meeting.decisions.all():
        state = decision_state(decision)
        row.decisions += 1
        row.decisions_followed_up += state == DecisionState.FOLLOWED_UP
        row.decisions_in_process += state == DecisionState.IN_PROCESS
        row.decisions_without_items += state == DecisionState.NONE
    for item in meeting.action_items.all():
        row.items += 1
        row.done += item.status == ActionStatus.DONE
        row.in_progress += item.status == ActionStatus.IN_PROGRESS
        row.open += item.status == ActionStatus.OPEN
        row.dropped += item.status == ActionStatus.DROPPED
        row.overdue += item.is_overdue(today)
    return row


def follow_up_totals(rows: list[MeetingFollowUp]) -> MeetingFollowUp:
    """The sum of `decisions_followed_up` rows (its `meeting` is None)."""
    counts = [f.name for f in fields(MeetingFollowUp) if f.name != "meeting"]
    return MeetingFollowUp(meeting=None, **{name: sum(getattr(row, name) for row in rows) for name in counts})  # type: ignore[arg-type]


__all__ = [
    "OPEN_STATUSES",
    "Compliance",
    "DecisionState",
    "MeetingFollowUp",
    "OpdFollowUp",
    "compliance",
    "decision_state",
    "decisions_followed_up",
    "follow_up_totals",
    "meetings_in_year",
    "next_planned_rakor",
    "open_action_items",
    "open_items_by_opd",
]
