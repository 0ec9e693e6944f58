"""ODK Central and KoboToolbox exports into a campaign: accepted, recognised twice, refused with row and column."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from PIL import Image

from tepat.registry.models import Family, Member
from tepat.verivali.models import Campaign, ChangeRequest, LineTarget, Visit, VisitSource
from tepat.verivali.odk.central_export import submission, write_odk_csv, write_odk_zip
from tepat.verivali.odk.ingest import ingest_file
from tests.files import family_rows, write_xlsx
from tepat.verivali.odk.kobo_export import write_kobo_xlsx


@pytest.fixture
def campaign(cast, import_file, tmp_path) -> Campaign:
    """Two Pantai Johor families (desil 1) for `enumerator`, one in another kelurahan outside the campaign."""
    from tepat.regions.models import Region
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign

    rows = (
        family_rows("JOHOR1", base=1) + family_rows("JOHOR2", base=2) + family_rows("KOTA", base=3, kode="1274011001")
    )
    import_file(write_xlsx(tmp_path / "registry.xlsx", rows), cast["analyst"])
    today = dt.date.today()
    campaign = do_create_campaign(
        {"name": "Uji", "period_start": today, "period_end": today + dt.timedelta(days=30), "max_desil": 2},
        kelurahan=[Region.objects.get(code="12.74.05.1010")],
        acting_user=cast["analyst"],
    )
    do_assign_campaign(campaign_families(campaign), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    return campaign


def family(key: str) -> Family:
    return Family.objects.get(source_key=key)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_odk_central_zip_becomes_visits_with_members_photos_and_the_raw_rows(campaign, cast, tmp_path):
    first, second = family("JOHOR1"), family("JOHOR2")
    wife = first.members.get(nama="Siti")
    subs = [
        submission(first.pk, "uuid:aaa", foto_depan_rumah="1700.jpg", jenis_lantai="semen"),
        submission(second.pk, "uuid:bbb", keberadaan="pindah", memenuhi_kriteria="tidak", alasan="pindah ke Medan"),
    ]
    members = [(0, {"anggota_id": str(wife.pk), "keberadaan_anggota": "meninggal", "keterangan_anggota": ""})]
    path = write_odk_zip(tmp_path / "odk.zip", subs, members, media={"1700.jpg": jpeg()})

    report = ingest_file(campaign, path, acting_user=cast["analyst"])

    assert (report.source, report.accepted, report.duplicates, report.rejected, report.warnings) == (
        "odk",
        2,
        0,
        [],
        [],
    )
    visit = Visit.objects.get(submission_key="uuid:aaa")
    assert (
        visit.source == VisitSource.ODK
        and visit.enumerator == cast["enumerator"]
        and visit.received_by == cast["analyst"]
    )
    assert (
        visit.raw["cells"]["kunjungan-keluarga"] == str(first.pk)
        and visit.raw["members"][0]["cells"]["PARENT_KEY"] == "uuid:aaa"
    )
    assert visit.photos.get().kind == "depan_rumah" and (visit.latitude, visit.longitude) == (2.9655, 99.801)
    lines = {(l.target, l.field, l.proposed) for l in visit.change_request.lines.all()}
    assert (LineTarget.FAMILY, "jenis_lantai", "Semen") in lines and (LineTarget.MEMBER, "is_active", False) in lines
    moved = Visit.objects.get(submission_key="uuid:bbb")
    assert moved.keberadaan == "pindah" and not moved.memenuhi_kriteria and moved.alasan == "pindah ke Medan"


def test_the_same_export_ingested_twice_is_recognised_and_nothing_is_applied_twice(campaign, cast, tmp_path):
    path = write_odk_zip(
        tmp_path / "odk.zip", [submission(family("JOHOR1").pk, "uuid:aaa"), submission(family("JOHOR2").pk, "uuid:bbb")]
    )
    assert ingest_file(campaign, path, acting_user=cast["analyst"]).accepted == 2
    again = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert (again.accepted, again.duplicates, again.exit_code()) == (0, 2, 0)
    assert Visit.objects.count() == 2 and ChangeRequest.objects.count() == 2


def test_a_submission_sent_twice_within_one_file_counts_once(campaign, cast, tmp_path):
    sub = submission(family("JOHOR1").pk, "uuid:double-tap")
    report = ingest_file(campaign, write_odk_zip(tmp_path / "odk.zip", [sub, dict(sub)]), acting_user=cast["analyst"])
    assert (report.accepted, report.duplicates) == (1, 1) and Visit.objects.count() == 1


def test_a_kobo_xlsx_links_its_member_sheet_and_reads_labels(campaign, cast, tmp_path):
    head = family("JOHOR2").members.get(nama="Budi")
    subs = [submission(family("JOHOR2").pk, "uuid:kobo1", jenis_atap="Asbes/Seng")]
    members = [
        (0, {"anggota_id": str(head.pk), "keberadaan_anggota": "terkonfirmasi", "nama_perbaikan": "Budi Santoso"}),
        (
            0,
            {
                "anggota_id": "baru",
                "keberadaan_anggota": "terkonfirmasi",
                "nama_perbaikan": "Bayi",
                "jenis_kelamin_anggota": "perempuan",
                "hubungan_anggota": "anak",
                "tanggal_lahir_anggota": "2026-10-01",
            },
        ),
    ]
    report = ingest_file(campaign, write_kobo_xlsx(tmp_path / "kobo.xlsx", subs, members), acting_user=cast["analyst"])
    assert (report.source, report.accepted) == ("kobo", 1), report.summary()
    visit = Visit.objects.get(submission_key="kobo:4401")  # Kobo's _id is the logical submission
    assert visit.source == VisitSource.KOBO and visit.instance_id == "uuid:kobo1"
    lines = {(l.target, l.field, l.proposed) for l in visit.change_request.lines.all()}
    assert {
        (LineTarget.FAMILY, "jenis_atap", "Asbes/Seng"),
        (LineTarget.MEMBER, "nama", "Budi Santoso"),
        (LineTarget.NEW_MEMBER, "nama", "Bayi"),
        (LineTarget.NEW_MEMBER, "hubungan_dengan_kepala_keluarga", "Anak"),
        (LineTarget.NEW_MEMBER, "tanggal_lahir", "2026-10-01"),
    } <= lines


def test_an_usulan_baru_from_the_phone_becomes_a_proposal(campaign, cast, tmp_path):
    sub = submission(
        0,
        "uuid:usulan",
        jenis_kunjungan="usulan_baru",
        keluarga="",
        versi_awal="",
        kelurahan="12.74.05.1010",
        kepala_keluarga="RAHMAT",
        alamat="Jl. Baru 1",
        rt="3",
        rw="2",
    )
    report = ingest_file(campaign, write_odk_zip(tmp_path / "odk.zip", [sub]), acting_user=cast["analyst"])
    assert report.accepted == 1, report.summary()
    request = Visit.objects.get(submission_key="uuid:usulan").change_request
    assert request.kind == "proposal" and request.family is None and request.kelurahan.code == "12.74.05.1010"


def test_bad_rows_are_refused_with_row_column_and_both_languages_and_the_others_are_kept(campaign, cast, tmp_path):
    from tepat.accounts.actions import do_create_user

    do_create_user(
        "pendata2", role="enumerator", region_code=None, opd_code=None, acting_user=None, password="rahasia-123"
    )
    ok, other = family("JOHOR1"), family("JOHOR2")
    outside = family("KOTA")
    head = ok.members.get(nama="Budi")
    subs = [
        submission(ok.pk, "uuid:ok"),
        submission(other.pk, "uuid:hilang", keberadaan="hilang"),
        submission(outside.pk, "uuid:luar"),
        submission(other.pk, "uuid:bukan", pendata="pendata2"),
        submission(other.pk, "uuid:nik"),
        submission(other.pk, "uuid:lantai", jenis_lantai="marmer"),
    ]
    members = [
        (
            4,
            {
                "anggota_id": str(other.members.get(nama="Budi").pk),
                "keberadaan_anggota": "terkonfirmasi",
                "nik_perbaikan": "12345",
            },
        )
    ]
    report = ingest_file(campaign, write_odk_zip(tmp_path / "odk.zip", subs, members), acting_user=cast["analyst"])

    assert report.accepted == 1 and Visit.objects.get().submission_key == "uuid:ok" and report.exit_code() == 2
    found = {(i.row, i.column, i.code) for i in report.rejected}
    assert found == {  # Central writes the newest first: the last submission is row 2
        (6, "kunjungan-keberadaan", "unknown_choice"),
        (5, "kunjungan-keluarga", "not_in_campaign"),
        (4, "kunjungan-keluarga", "not_assigned"),
        (2, "nik_perbaikan", "nik_length"),  # the member file's row 2; the registry importer's code
        (2, "perbaikan-jenis_lantai", "unknown_choice"),
    }, report.summary()
    by_code = {i.code: i for i in report.rejected}
    assert "hilang" in by_code["unknown_choice"].message_id or "marmer" in by_code["unknown_choice"].message_id
    assert (
        "tidak termasuk kampanye" in by_code["not_in_campaign"].message_id
        and "not in campaign" in by_code["not_in_campaign"].message_en
    )
    assert by_code["nik_length"].sheet.endswith("-anggota.csv") and head.nik not in report.summary()


def test_a_truncated_export_is_refused_whole_and_writes_nothing(campaign, cast, tmp_path):
    path = write_odk_csv(
        tmp_path / "odk.csv", [submission(family("JOHOR1").pk, "uuid:a"), submission(family("JOHOR2").pk, "uuid:b")]
    )
    path.write_bytes(path.read_bytes()[:-30])
    report = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert (
        report.fatal.code == "row_length"
        and "terpotong" in report.fatal.message_id
        and "truncated" in report.fatal.message_en
    )
    assert report.exit_code() == 2 and not Visit.objects.exists()
    assert json.loads(json.dumps(report.as_dict()))["fatal"]["code"] == "row_length"


def test_an_export_with_labels_instead_of_xml_names_is_refused_saying_so(campaign, cast, tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("Nama pendata,Keluarga yang dikunjungi,_uuid\npendata,1,abc\n", encoding="utf-8")
    report = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert report.fatal.code == "labels_not_names" and "Nama pendata" in report.fatal.message_id
    assert "XML values and headers" in report.fatal.message_en


def test_an_export_without_the_forms_columns_says_which_are_missing(campaign, cast, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("SubmissionDate,nama,KEY\n2026-11-28T02:15:00.000Z,x,uuid:1\n", encoding="utf-8")
    report = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert report.fatal.code == "columns_missing" and "keberadaan" in report.fatal.message_id
    assert "label" not in report.fatal.message_en


def test_a_photo_that_is_not_an_image_refuses_its_row(campaign, cast, tmp_path):
    path = write_odk_zip(
        tmp_path / "odk.zip",
        [submission(family("JOHOR1").pk, "uuid:foto", foto_atap="atap.jpg")],
        media={"atap.jpg": b"this is not a picture"},
    )
    report = ingest_file(campaign, path, acting_user=cast["analyst"])
    assert [(i.column, i.code) for i in report.rejected] == [("foto-foto_atap", "photo_not_image")]
    assert not Member.objects.filter(is_active=False).exists()


def test_a_closed_campaign_takes_no_file(campaign, cast, tmp_path):
    campaign.status = "closed"
    campaign.save()
    report = ingest_file(
        campaign,
        write_odk_zip(tmp_path / "a.zip", [submission(family("JOHOR1").pk, "uuid:a")]),
        acting_user=cast["analyst"],
    )
    assert report.fatal.code == "campaign_closed" and "tidak sedang berjalan" in report.fatal.message_id
    assert not Visit.objects.exists()
