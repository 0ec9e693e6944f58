"""Meetings: invitations, attendance, decisions, action items, carry-over, compliance, OPD scope."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from tepat.accounts.models import AuditEvent, Opd
from tepat.meetings import queries
from tepat.meetings.actions import (
    Guest,
    MeetingError,
    do_add_action_item,
    do_add_decision,
    do_close_action_item,
    do_create_meeting,
    do_hold_meeting,
    do_record_attendance,
    do_record_minutes,
    do_record_progress,
    evidence_root,
)
from tepat.meetings.compliance import assess
from tepat.meetings.models import ActionItem, ActionStatus, MeetingStatus, MeetingType
from tepat.regions.models import Region

TODAY = date(2026, 11, 28)


def values(day: date, type: str = MeetingType.RAKOR, title: str = "Rakor TKPKD") -> dict:
    return {
        "type": type,
        "title": title,
        "date": day,
        "start_time": time(9),
        "place": "Aula Bapperida",
        "chair": "Asisten Administrasi Umum",
        "agenda": "1. Pembukaan\n2. Paparan BPS\n\n- Tanya jawab",
    }


@pytest.fixture
def opds(cast):
    Opd.objects.get_or_create(code="perkim", defaults={"name": "Dinas Perumahan dan Kawasan Permukiman"})
    return {o.code: o for o in Opd.objects.all()}


@pytest.fixture
def held_rakor(cast, opds):
    """Rakor I in March: 3 invitees (2 came), 2 decisions, 3 action items."""
    analyst = cast["analyst"]
    meeting = do_create_meeting(
        values(date(2026, 3, 11), title="Rakor TKPKD I"),
        acting_user=analyst,
        opds=[opds["dinsos"], opds["perkim"]],
        regions=[Region.objects.get(code="12.74.05")],
        guests=[Guest("BPS Kota Tanjungbalai", "Hendra", "Statistisi Ahli Muda")],
    )
    dinsos, _perkim, camat, bps = meeting.participants.order_by("pk")
    do_record_attendance(meeting, [dinsos.pk, bps.pk], acting_user=analyst, today=TODAY)
    do_hold_meeting(meeting, acting_user=analyst, today=TODAY)
    verivali = do_add_decision(meeting, "Verivali P3KE selesai sebelum Juni", acting_user=analyst)
    rtlh = do_add_decision(meeting, "Rumah tidak layak huni desil 1 diprioritaskan", acting_user=analyst)
    items = {
        "muskel": do_add_action_item(
            meeting,
            what="Musyawarah kelurahan di 31 kelurahan",
            owner=opds["dinsos"],
            due=date(2026, 5, 31),
            decision=verivali,
            acting_user=analyst,
        ),
        "rtlh": do_add_action_item(
            meeting,
            what="Daftar RTLH desil 1",
            owner=opds["perkim"],
            due=date(2026, 12, 15),
            decision=rtlh,
            acting_user=analyst,
        ),
        "data": do_add_action_item(
            meeting,
            what="Data PBI APBD",
            owner=opds["dinsos"],
            due=date(2026, 4, 30),
            decision=verivali,
            acting_user=analyst,
        ),
    }
    return meeting, items


def test_it_records_attendance_and_names_each_invitee(held_rakor):
    meeting, _ = held_rakor
    assert meeting.attendance() == (2, 4)
    labels = [p.label() for p in meeting.participants.order_by("pk")]
    assert labels == [
        "Dinas Sosial",
        "Dinas Perumahan dan Kawasan Permukiman",
        "Camat Datuk Bandar",
        "BPS Kota Tanjungbalai",
    ]
    assert [p.attended for p in meeting.participants.order_by("pk")] == [True, False, False, True]
    assert meeting.agenda_items() == ["Pembukaan", "Paparan BPS", "Tanya jawab"]


def test_it_flags_overdue_items_only_while_they_are_open(held_rakor, cast):
    _, items = held_rakor
    assert items["data"].is_overdue(TODAY) and items["muskel"].is_overdue(TODAY)
    assert not items["rtlh"].is_overdue(TODAY)
    do_close_action_item(items["data"], status=ActionStatus.DONE, acting_user=cast["opd"], note="Data dikirim")
    items["data"].refresh_from_db()
    assert not items["data"].is_overdue(TODAY) and items["data"].days_overdue(TODAY) == 0
    assert items["muskel"].days_overdue(TODAY) == (TODAY - date(2026, 5, 31)).days
    assert set(ActionItem.objects.overdue(TODAY)) == {items["muskel"]}


def test_open_items_carry_into_the_next_meeting_and_again_while_still_open(held_rakor, cast):
    _, items = held_rakor
    analyst = cast["analyst"]
    do_close_action_item(items["data"], status=ActionStatus.DONE, acting_user=analyst)
    second = do_create_meeting(values(date(2026, 7, 15), title="Rakor TKPKD II"), acting_user=analyst)
    assert set(second.carried_items.all()) == {items["muskel"], items["rtlh"]}
    do_close_action_item(items["muskel"], status=ActionStatus.DONE, acting_user=analyst)
    third = do_create_meeting(values(date(2026, 12, 9), title="Rakor TKPKD III"), acting_user=analyst)
    assert list(third.carried_items.all()) == [items["rtlh"]]
    assert [m.title for m in items["rtlh"].carried_to.order_by("date")] == ["Rakor TKPKD II", "Rakor TKPKD III"]
    created = AuditEvent.objects.filter(action="meeting_created", target__contains="Rakor TKPKD III").get()
    assert created.details["carried"] == 1


def test_a_later_meeting_does_not_carry_items_into_an_earlier_one(held_rakor, cast):
    earlier = do_create_meeting(
        values(date(2026, 2, 1), MeetingType.TEKNIS, "Rapat teknis"), acting_user=cast["analyst"]
    )
    assert earlier.carried_items.count() == 0


def test_compliance_counts_only_held_rakor_of_the_year(held_rakor, cast):
    analyst = cast["analyst"]
    teknis = do_create_meeting(values(date(2026, 5, 20), MeetingType.TEKNIS, "Rapat teknis RTLH"), acting_user=analyst)
    do_hold_meeting(teknis, acting_user=analyst, today=TODAY)
    second = do_create_meeting(values(date(2026, 7, 15), title="Rakor TKPKD II"), acting_user=analyst)
    do_create_meeting(values(date(2026, 12, 9), title="Rakor TKPKD III"), acting_user=analyst)
    c = queries.compliance(2026, today=TODAY)
    assert (c.held, c.met, c.remaining) == (1, False, 2)
    assert c.next_due == date(2026, 8, 31) and c.overdue
    do_hold_meeting(second, acting_user=analyst, today=TODAY)
    c = queries.compliance(2026, today=TODAY)
    assert (c.held, c.next_due, c.overdue, c.planned_in_time) == (2, date(2026, 12, 31), False, True)
    assert [t.ok() for t in c.terms] == [True, True, False]
    assert queries.compliance(2025, today=TODAY).cannot_meet


@pytest.mark.parametrize(
    "held, today, due, late",
    [
        ([], date(2026, 2, 1), date(2026, 4, 30), False),
        ([], date(2026, 5, 1), date(2026, 4, 30), True),
        ([date(2026, 1, 20)], date(2026, 6, 1), date(2026, 8, 31), False),
        ([date(2026, 1, 20), date(2026, 2, 3)], date(2026, 9, 1), date(2026, 12, 31), False),
        ([date(2026, 3, 1), date(2026, 7, 1), date(2026, 10, 1)], date(2026, 11, 1), None, False),
        ([date(2025, 12, 30)], date(2026, 1, 5), date(2026, 4, 30), False),
    ],
)
def test_the_next_rakor_is_due_by_the_end_of_the_next_third_of_the_year(held, today, due, late):
    c = assess(2026, held, today)
    assert (c.next_due, c.overdue) == (due, late)


def test_a_meeting_cannot_be_held_or_attended_before_its_date(cast):
    meeting = do_create_meeting(values(date(2026, 12, 9)), acting_user=cast["analyst"])
    with pytest.raises(MeetingError, match="belum berlangsung"):
        do_hold_meeting(meeting, acting_user=cast["analyst"], today=TODAY)
    with pytest.raises(MeetingError, match="kehadiran"):
        do_record_attendance(meeting, [], acting_user=cast["analyst"], today=TODAY)
    assert meeting.status == MeetingStatus.PLANNED


def test_only_the_secretariat_creates_meetings_and_a_bad_field_is_named(cast):
    with pytest.raises(PermissionDenied):
        do_create_meeting(values(TODAY), acting_user=cast["opd"])
    with pytest.raises(MeetingError, match="place"):
        do_create_meeting({**values(TODAY), "place": ""}, acting_user=cast["analyst"])


def test_an_opd_operator_reports_progress_with_evidence_only_on_their_own_items(held_rakor, cast, settings):
    _, items = held_rakor
    evidence = SimpleUploadedFile("berita acara muskel.pdf", b"%PDF-1.4 bukti", content_type="application/pdf")
    progress = do_record_progress(
        items["muskel"], note="20 dari 31 kelurahan selesai", evidence=evidence, acting_user=cast["opd"]
    )
    items["muskel"].refresh_from_db()
    assert items["muskel"].status == ActionStatus.IN_PROGRESS and progress.status_after == ActionStatus.IN_PROGRESS
    stored = evidence_root() / progress.evidence_path
    assert stored.read_bytes() == b"%PDF-1.4 bukti" and str(stored).startswith(str(settings.TEPAT_HOME / "meetings"))
    assert progress.evidence_name == "berita acara muskel.pdf"
    with pytest.raises(PermissionDenied):
        do_record_progress(items["rtlh"], note="bukan milik dinsos", acting_user=cast["opd"])
    with pytest.raises(PermissionDenied):
        do_close_action_item(items["rtlh"], status=ActionStatus.DONE, acting_user=cast["opd"])
    with pytest.raises(PermissionDenied):
        do_close_action_item(items["muskel"], status=ActionStatus.DROPPED, acting_user=cast["opd"], note="x")


def test_evidence_of_a_refused_type_is_refused_with_its_name(held_rakor, cast):
    _, items = held_rakor
    with pytest.raises(MeetingError, match="skrip.exe"):
        do_record_progress(
            items["muskel"], note="x", evidence=SimpleUploadedFile("skrip.exe", b"MZ"), acting_user=cast["opd"]
        )


def test_dropping_needs_a_reason_and_a_closed_item_takes_no_more_progress(held_rakor, cast):
    _, items = held_rakor
    with pytest.raises(MeetingError, match="alasan"):
        do_close_action_item(items["rtlh"], status=ActionStatus.DROPPED, acting_user=cast["analyst"])
    do_close_action_item(
        items["rtlh"], status=ActionStatus.DROPPED, acting_user=cast["analyst"], note="Anggaran dialihkan"
    )
    with pytest.raises(MeetingError, match="dibatalkan"):
        do_record_progress(items["rtlh"], note="x", acting_user=cast["analyst"])


def test_decisions_followed_up_and_open_items_by_opd(held_rakor, cast):
    meeting, items = held_rakor
    do_record_minutes(meeting, "Rapat dibuka pukul 09.00.", acting_user=cast["analyst"])
    do_close_action_item(items["data"], status=ActionStatus.DONE, acting_user=cast["opd"])
    do_close_action_item(items["muskel"], status=ActionStatus.DONE, acting_user=cast["opd"])
    do_add_decision(meeting, "Rakor berikutnya bulan Juli", acting_user=cast["analyst"])
    [row] = queries.decisions_followed_up(2026, today=TODAY)
    assert (row.decisions, row.decisions_followed_up, row.decisions_in_process, row.decisions_without_items) == (
        3,
        1,
        1,
        1,
    )
    assert (row.items, row.done, row.open, row.overdue, row.percent_followed_up) == (3, 2, 1, 0, 33.3)
    [perkim] = queries.open_items_by_opd(today=TODAY)
    assert (perkim.opd.code, perkim.total, perkim.overdue) == ("perkim", 1, 0)
    assert queries.follow_up_totals([row]).done == 2


def test_every_state_change_writes_one_audit_row(held_rakor):
    counts = {
        a: AuditEvent.objects.filter(action=a).count()
        for a in ("meeting_created", "meeting_attendance", "meeting_held", "meeting_decision", "action_item_added")
    }
    assert counts == {
        "meeting_created": 1,
        "meeting_attendance": 1,
        "meeting_held": 1,
        "meeting_decision": 2,
        "action_item_added": 3,
    }
