"""The demo's meetings: loaded through the real actions, idempotent, every follow-up state present."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tepat.accounts.actions import do_create_user, ensure_shipped_opds
from tepat.meetings import queries
from tepat.meetings.models import ActionItem, ActionStatus, Meeting, MeetingStatus

TODAY = date(2026, 11, 28)


@pytest.fixture
def demo(regions, monkeypatch):
    from tepat.demo.meetings import load_meetings

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    ensure_shipped_opds()
    users = {
        "analis": do_create_user("analis", role="analyst", acting_user=None)[0],
        "dinsos": do_create_user("dinsos", role="opd", opd_code="dinsos", acting_user=None)[0],
    }
    lines: list[str] = []
    load_meetings(users, lines.append)
    load_meetings(users, lines.append)
    return lines


def test_the_demo_year_has_two_rakor_held_a_technical_meeting_and_rakor_three_planned(demo):
    assert len(demo) == 1 and "4 rapat" in demo[0]
    assert list(Meeting.objects.order_by("date").values_list("type", "status", "date")) == [
        ("rakor", MeetingStatus.HELD, date(2026, 3, 11)),
        ("teknis", MeetingStatus.HELD, date(2026, 5, 20)),
        ("rakor", MeetingStatus.HELD, date(2026, 7, 15)),
        ("rakor", MeetingStatus.PLANNED, date(2026, 12, 9)),
    ]
    c = queries.compliance(2026, today=TODAY)
    assert (c.held, c.next_due, c.overdue, c.planned_in_time) == (2, date(2026, 12, 31), False, True)


def test_the_demo_items_are_in_every_state_and_the_open_ones_are_on_rakor_three(demo):
    statuses = set(ActionItem.objects.values_list("status", flat=True))
    assert statuses == set(ActionStatus.values)
    assert ActionItem.objects.overdue(TODAY).count() >= 3
    dinsos = ActionItem.objects.filter(owner__code="dinsos")
    assert {i.status for i in dinsos} == {ActionStatus.DONE, ActionStatus.IN_PROGRESS, ActionStatus.OPEN}
    assert any(i.is_overdue(TODAY) for i in dinsos)
    third = Meeting.objects.get(status=MeetingStatus.PLANNED)
    assert set(third.carried_items.all()) == set(ActionItem.objects.still_open())
    rtlh = ActionItem.objects.get(what__startswith="Menyusun daftar RTLH")
    assert (
        [m.date.month for m in rtlh.carried_to.order_by("date")] == [5, 7, 12]
        and rtlh.is_overdue(TODAY)
        and rtlh.status == ActionStatus.IN_PROGRESS
    )
    assert ActionItem.objects.filter(progress__evidence_path__gt="").count() == 2
