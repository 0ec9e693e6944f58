"""Exports as the real servers write them (ODK Central's briefcase.js, KoboToolbox's formpack): edits, review
states, repeats, every export variant. The files come from tepat.verivali.odk.central_export / kobo_export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import xlsxwriter

from tepat.registry.models import Family
from tepat.verivali.models import ChangeRequest, LineTarget, ReviewFlag, RevisionOutcome, Visit
from tepat.verivali.odk.central_export import (
    CentralOptions,
    central_tables,
    edited,
    submission,
    write_central_csv,
    write_central_zip,
)
from tepat.verivali.odk.ingest import ingest_file
from tepat.verivali.odk.kobo_export import KoboOptions, kobo_tables, write_kobo_csv, write_kobo_xlsx, write_ods
from tests.test_verivali_odk_ingest import campaign, family  # noqa: F401  (fixture)

FLOOR = "keramik_granit_marmer_ubin_tegel_teraso"


def lines_of(visit: Visit) -> set[tuple]:
    return {(line.target, line.field, line.proposed) for line in visit.change_request.lines.all()}


# --- 1. keyed as the servers key: edits ------------------------------------------------------------------


def test_an_edit_in_central_after_an_earlier_export_updates_the_same_visit_and_its_pending_request(
    campaign, cast, tmp_path
):
    first = submission(family("JOHOR1").pk, "uuid:a1", jenis_lantai="semen")
    assert (
        ingest_file(campaign, write_central_zip(tmp_path / "1.zip", [first]), acting_user=cast["analyst"]).accepted == 1
    )
    later = edited(first, "uuid:a2", jenis_lantai=FLOOR)
    main, _ = central_tables([later])
    assert "uuid:a2" in main and ",uuid:a1," in main and ",edited,collect:Xy12AbCd,1," in main  # as Central writes it

    report = ingest_file(campaign, write_central_zip(tmp_path / "2.zip", [later]), acting_user=cast["analyst"])

    assert (report.accepted, report.updated, report.duplicates) == (0, 1, 0), report.summary()
    visit = Visit.objects.get()
    assert visit.submission_key == "uuid:a1" and visit.instance_id == "uuid:a2" and visit.edits == 1
    assert ChangeRequest.objects.count() == 1 and visit.change_request.status == "pending"
    assert (LineTarget.FAMILY, "jenis_lantai", "Keramik/Granit/Marmer/Ubin/Tegel/Teraso") in lines_of(visit)
    assert not any(field == "jenis_lantai" and proposed == "Semen" for _, field, proposed in lines_of(visit))
    revision = visit.revisions.get()
    assert revision.outcome == RevisionOutcome.REPLACED and revision.received_by == cast["analyst"]
    assert (
        revision.before["payload"]["fields"]["jenis_lantai"] == "Semen" and revision.previous_instance_id == "uuid:a1"
    )
    assert revision.changed_parts() == ["fields"]
    for again in ("1.zip", "2.zip"):  # both versions are known now
        repeat = ingest_file(campaign, tmp_path / again, acting_user=cast["analyst"])
        assert (repeat.accepted, repeat.updated, repeat.duplicates) == (0, 0, 1)


def test_an_edit_after_the_decision_leaves_the_decision_and_is_listed_for_the_lurah(campaign, cast, tmp_path, client):
    from tepat.verivali.actions import do_decide_change_request

    first = submission(family("JOHOR1").pk, "uuid:b1", jenis_lantai="semen")
    ingest_file(campaign, write_central_zip(tmp_path / "1.zip", [first]), acting_user=cast["analyst"])
    request = ChangeRequest.objects.get()
    do_decide_change_request(request, acting_user=cast["analyst"], approve=False, reason="foto tidak jelas")
    before = lines_of(request.visit)

    report = ingest_file(
        campaign,
        write_central_zip(tmp_path / "2.zip", [edited(first, "uuid:b2", jenis_lantai="tanah")]),
        acting_user=cast["analyst"],
    )

    assert report.updated == 1 and [w.code for w in report.warnings] == ["edited_after_decision"]
    assert "setelah usulan" in report.warnings[0].message_id and "decided" in report.warnings[0].message_en
    request.refresh_from_db()
    assert request.status == "rejected" and request.reason == "foto tidak jelas" and lines_of(request.visit) == before
    visit = request.visit
    assert visit.edited_after_decision and visit.revisions.get().outcome == RevisionOutcome.AFTER_DECISION
    client.force_login(cast["lurah"])
    page = client.get("/verivali/musyawarah/?kelurahan=12.74.05.1010").content.decode()
    assert f'data-testid="edited-after-{request.pk}"' in page
    assert 'data-testid="edited-after"' in page and "Diubah di server setelah diputuskan" in page
    detail = client.get(f"/verivali/usulan/{request.pk}/").content.decode()
    assert 'data-testid="revisions"' in detail and "uuid:b1 → uuid:b2" in detail and "fields" in detail


def test_kobo_keys_on_id_an_edit_changes_uuid_and_a_resent_duplicate_is_recognised(campaign, cast, tmp_path):
    sub = submission(family("JOHOR1").pk, "uuid:k1", _id=501)
    resent = {**sub, "_id": 502}  # the same instance received twice by the server
    report = ingest_file(campaign, write_kobo_xlsx(tmp_path / "1.xlsx", [sub, resent]), acting_user=cast["analyst"])
    assert (report.accepted, report.duplicates) == (1, 1) and Visit.objects.get().submission_key == "kobo:501"

    edit = {**sub, "instanceID": "uuid:k2", "jenis_lantai": "tanah"}  # Kobo: new _uuid, same _id
    report = ingest_file(campaign, write_kobo_xlsx(tmp_path / "2.xlsx", [edit]), acting_user=cast["analyst"])
    assert (report.accepted, report.updated) == (0, 1) and Visit.objects.get().instance_id == "uuid:k2"


# --- 2. review states -------------------------------------------------------------------------------------


def test_central_review_states_rejected_skipped_has_issues_flagged(campaign, cast, tmp_path):
    one, two = family("JOHOR1").pk, family("JOHOR2").pk
    subs = [submission(one, "uuid:r1", ReviewState="rejected"), submission(two, "uuid:r2", ReviewState="hasIssues")]
    path = write_central_zip(tmp_path / "r.zip", subs)

    report = ingest_file(campaign, path, acting_user=cast["analyst"])

    assert (report.accepted, report.exit_code()) == (1, 0)
    assert [(i.row, i.column, i.code) for i in report.skipped] == [(3, "ReviewState", "review_rejected")]
    assert (
        "--include-rejected" in report.skipped[0].message_en
        and report.as_dict()["skipped"][0]["code"] == "review_rejected"
    )
    flagged = Visit.objects.get()
    assert flagged.family_id == two and flagged.review_flag == ReviewFlag.HAS_ISSUES

    again = ingest_file(campaign, path, acting_user=cast["analyst"], include_rejected=True)
    assert again.accepted == 1 and Visit.objects.get(family_id=one).review_flag == ReviewFlag.REJECTED


def test_a_review_that_changes_after_the_upload_follows_on_the_visit(campaign, cast, tmp_path):
    sub = submission(family("JOHOR1").pk, "uuid:later")
    ingest_file(campaign, write_central_zip(tmp_path / "1.zip", [sub]), acting_user=cast["analyst"])
    report = ingest_file(
        campaign,
        write_central_zip(tmp_path / "2.zip", [{**sub, "ReviewState": "rejected"}]),
        acting_user=cast["analyst"],
    )
    assert (report.duplicates, [w.code for w in report.warnings]) == (1, ["review_changed"])
    assert (
        Visit.objects.get().review_flag == ReviewFlag.REJECTED
        and Visit.objects.get().change_request.status == "pending"
    )


def test_kobo_not_approved_is_skipped_and_on_hold_flagged_on_the_musyawarah_card(campaign, cast, tmp_path, client):
    subs = [
        submission(family("JOHOR1").pk, "uuid:v1", _validation_status="validation_status_not_approved"),
        submission(family("JOHOR2").pk, "uuid:v2", _validation_status="validation_status_on_hold"),
    ]
    report = ingest_file(campaign, write_kobo_xlsx(tmp_path / "v.xlsx", subs), acting_user=cast["analyst"])
    assert report.accepted == 1 and [i.column for i in report.skipped] == ["_validation_status"]
    request = Visit.objects.get().change_request
    client.force_login(cast["lurah"])
    page = client.get("/verivali/musyawarah/?kelurahan=12.74.05.1010").content.decode()
    assert f'data-testid="review-flag-{request.pk}"' in page and "ditahan" in page


# --- 3. no silent loss of repeats ----------------------------------------------------------------------------


def test_centrals_root_only_csv_is_refused_naming_the_zip_to_download(campaign, cast, tmp_path):
    path = write_central_csv(tmp_path / "tepat_verivali_1.csv", [submission(family("JOHOR1").pk, "uuid:c1")])
    report = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert report.fatal.code == "repeats_missing" and report.exit_code() == 2 and not Visit.objects.exists()
    assert "All data and attachments" in report.fatal.message_id and "submissions.csv.zip" in report.fatal.message_en


def test_a_kobo_csv_semicolons_quoted_crlf_is_read_then_refused_naming_the_xls_export(campaign, cast, tmp_path):
    path = write_kobo_csv(
        tmp_path / "kobo.csv", [submission(family("JOHOR1").pk, "uuid:c2", keterangan='kata "kutip"; titik koma')]
    )
    raw = path.read_bytes()
    assert raw.startswith(b'"pendata";"jenis_kunjungan"') and b"\r\n" in raw and b'""kutip""' in raw
    report = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert (report.source, report.fatal.code) == ("kobo", "repeats_missing") and "XLS" in report.fatal.message_en


def test_a_central_zip_missing_its_member_table_is_refused(campaign, cast, tmp_path):
    path = tmp_path / "partial.zip"
    main, _ = central_tables([submission(family("JOHOR1").pk, "uuid:c3")])
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tepat_verivali_1.csv", main)
    assert ingest_file(campaign, path, acting_user=cast["analyst"]).fatal.code == "repeats_missing"


# --- 4. every export variant -------------------------------------------------------------------------------


def _new_member(index: int = 0) -> tuple[int, dict]:
    return (
        index,
        {
            "anggota_id": "baru",
            "keberadaan_anggota": "terkonfirmasi",
            "nama_perbaikan": "Bayi Baru",
            "jenis_kelamin_anggota": "perempuan",
            "hubungan_anggota": "anak",
            "tanggal_lahir_anggota": "2024-01-01",
        },
    )


@pytest.mark.parametrize(
    "options",
    [
        KoboOptions(),  # Kobo's defaults: no groups in headers, dates and numbers as typed cells
        KoboOptions(types_as_text=True),
        KoboOptions(groups_in_headers=True),
        KoboOptions(groups_in_headers=True, group_sep="."),
        KoboOptions(groups_in_headers=True, group_sep="-", media_urls=True),
    ],
    ids=["default", "text", "groups-slash", "groups-dot", "groups-dash-urls"],
)
def test_every_kobo_xlsx_variant_gives_the_same_visit(campaign, cast, tmp_path, options):
    sub = submission(
        family("JOHOR1").pk, "uuid:x1", luas_lantai="36", foto_atap="atap.jpg", start="2026-11-28T09:10:00"
    )
    report = ingest_file(
        campaign, write_kobo_xlsx(tmp_path / "k.xlsx", [sub], [_new_member()], options), acting_user=cast["analyst"]
    )
    assert (report.accepted, report.rejected) == (1, []), report.summary()
    visit = Visit.objects.get()
    assert (visit.latitude, visit.longitude, visit.gps_accuracy) == (2.9655, 99.801, 6.5)
    assert visit.submitted_at == dt.datetime(2026, 11, 28, 2, 15, tzinfo=dt.UTC)  # _submission_time is UTC
    assert {
        (LineTarget.NEW_MEMBER, "tanggal_lahir", "2024-01-01"),
        (LineTarget.NEW_MEMBER, "nama", "Bayi Baru"),
    } <= lines_of(visit)
    assert [w.code for w in report.warnings] == ["photo_not_in_export"] and "KoboToolbox" in report.warnings[
        0
    ].message_en


def test_kobo_headers_follow_formpack(tmp_path):
    header, _ = kobo_tables([submission(1, "uuid:h")], (), KoboOptions(groups_in_headers=True, media_urls=True))[
        "Verivali"
    ]
    assert {
        "kunjungan/keluarga",
        "gps",
        "lokasi/_gps_latitude",
        "lokasi/_gps_precision",
        "foto/foto_atap",
        "foto/foto_atap_URL",
        "_validation_status",
    } <= set(header)
    assert header[-9:] == [
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "_tags",
        "_index",
    ]
    member_header, _ = kobo_tables([submission(1, "uuid:h")], [_new_member()])["anggota"]
    assert (
        member_header[-11:-8] == ["_index", "_parent_table_name", "_parent_index"]
        and "_submission__uuid" in member_header
    )


@pytest.mark.parametrize(
    "options",
    [CentralOptions(group_paths=False), CentralOptions(newest_first=False)],
    ids=["remove-group-names", "oldest-first"],
)
def test_central_zip_variants_without_attachments(campaign, cast, tmp_path, options):
    subs = [
        submission(family("JOHOR1").pk, "uuid:z1", foto_atap="atap.jpg"),
        submission(family("JOHOR2").pk, "uuid:z2"),
    ]
    report = ingest_file(
        campaign,
        write_central_zip(tmp_path / "z.zip", subs, [_new_member(1)], None, options),
        acting_user=cast["analyst"],
    )
    assert report.accepted == 2, report.summary()
    assert [(w.code, w.column) for w in report.warnings] == [("photo_not_in_export", "atap.jpg")]
    assert "All data and attachments" in report.warnings[0].message_en
    assert (LineTarget.NEW_MEMBER, "nama", "Bayi Baru") in lines_of(Visit.objects.get(submission_key="uuid:z2"))


def _central_sheets(subs, members) -> dict:
    """Central's two csv files opened in LibreOffice and saved as one .ods (one sheet per file)."""
    main, repeat = central_tables(subs, members)
    return {
        name: (rows[0], rows[1:])
        for name, rows in (
            ("tepat_verivali_1", list(csv.reader(io.StringIO(main)))),
            ("tepat_verivali_1-anggota", list(csv.reader(io.StringIO(repeat)))),
        )
    }


@pytest.mark.parametrize("server", ["kobo", "odk"])
def test_an_ods_saved_from_either_export_is_read(campaign, cast, tmp_path, server):
    subs, members = [submission(family("JOHOR1").pk, "uuid:o1")], [_new_member()]
    sheets = (
        kobo_tables(subs, members, KoboOptions(types_as_text=True))
        if server == "kobo"
        else _central_sheets(subs, members)
    )
    report = ingest_file(campaign, write_ods(tmp_path / "export.ods", sheets), acting_user=cast["analyst"])
    assert (report.source, report.accepted) == (server, 1), report.summary()
    assert (LineTarget.NEW_MEMBER, "nama", "Bayi Baru") in lines_of(Visit.objects.get())


def _as_spreadsheet_saves(value: str):
    """A csv cell after a spreadsheet opened and saved it: digits become a number (15 significant digits kept)."""
    return float(f"{int(value):.15g}") if value.isdigit() else value


def _spreadsheet_saved(path, tables: dict[str, str]):
    """A Central zip's csv files opened in a spreadsheet and saved as .xlsx or .ods: digits become number cells (a
    16-digit No KK keeps 15 significant digits, '003' becomes 3)."""
    sheets = {
        name: [[_as_spreadsheet_saves(v) for v in row] for row in csv.reader(io.StringIO(text))]
        for name, text in tables.items()
    }
    if path.suffix == ".ods":
        return write_ods(path, {name: (rows[0], rows[1:]) for name, rows in sheets.items()})
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_number(r, c, value) if isinstance(value, float) else sheet.write_string(r, c, value)
    book.close()
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_identity_numbers_turned_into_numbers_get_the_registry_codes(campaign, cast, tmp_path, suffix):
    johor1, johor2 = family("JOHOR1"), family("JOHOR2")
    Family.objects.filter(pk=johor2.pk).update(rt="003")
    subs = [submission(johor1.pk, "uuid:n1", no_kk="1274050101260007"), submission(johor2.pk, "uuid:n2", rt="003")]
    main, members = central_tables(
        subs,
        [
            (
                1,
                {
                    "anggota_id": "baru",
                    "keberadaan_anggota": "terkonfirmasi",
                    "nama_perbaikan": "X",
                    "nik_perbaikan": "1274054202850099",
                    "jenis_kelamin_anggota": "perempuan",
                    "hubungan_anggota": "anak",
                    "tanggal_lahir_anggota": "1985-02-02",
                },
            )
        ],
    )
    path = _spreadsheet_saved(
        tmp_path / f"saved{suffix}", {"tepat_verivali_1": main, "tepat_verivali_1-anggota": members}
    )

    report = ingest_file(campaign, path, acting_user=cast["analyst"])

    found = {(i.sheet, i.row, i.column, i.code) for i in report.rejected}
    assert found == {
        ("tepat_verivali_1", 3, "perbaikan-no_kk", "kk_excel_number"),
        ("tepat_verivali_1-anggota", 2, "nik_perbaikan", "nik_excel_number"),
    }, report.summary()
    assert "16th digit lost" in report.rejected[0].message_en or "16th digit lost" in report.rejected[1].message_en
    assert not Visit.objects.exists()  # the RT row carried the member with the number NIK


def test_rt_written_without_its_leading_zeros_is_not_a_change(campaign, cast, tmp_path):
    johor2 = family("JOHOR2")
    Family.objects.filter(pk=johor2.pk).update(rt="003")
    main, members = central_tables([submission(johor2.pk, "uuid:rt", rt="003", rw="7")])
    path = _spreadsheet_saved(tmp_path / "saved.xlsx", {"tepat_verivali_1": main, "tepat_verivali_1-anggota": members})
    assert ingest_file(campaign, path, acting_user=cast["analyst"]).accepted == 1
    fields = {(field, proposed) for _, field, proposed in lines_of(Visit.objects.get())}
    assert not any(field == "rt" for field, _ in fields) and ("rw", "7") in fields


def test_row_numbers_count_records_as_a_spreadsheet_shows_them(campaign, cast, tmp_path):
    subs = [
        submission(family("JOHOR1").pk, "uuid:m1", keberadaan="entah"),
        submission(
            family("JOHOR2").pk, "uuid:m2", keberadaan="lainnya", keterangan="baris satu\nbaris dua\nbaris tiga"
        ),
    ]
    report = ingest_file(campaign, write_central_zip(tmp_path / "m.zip", subs), acting_user=cast["analyst"])
    assert report.accepted == 1 and [(i.row, i.code) for i in report.rejected] == [(3, "unknown_choice")]
