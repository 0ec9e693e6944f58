"""The hand-back of approved changes to the central data: rows, column names, masking, logging, "sent"."""

from __future__ import annotations

import csv
import datetime as dt
import io

import fastexcel
import pytest
from click.testing import CliRunner

from tepat.accounts.models import AccessKind, AuditEvent, PersonalDataAccess
from tepat.verivali.actions import do_decide_change_request, do_record_handback, do_record_musyawarah, do_submit_visit
from tepat.verivali.handback import handback_frame, handback_rows
from tepat.verivali.models import ChangeRequest, VerivaliAudit
from tests.verivali_support import PANTAI_JOHOR, payload, vv  # noqa: F401

NEW_NIK = "1274054101240001"


@pytest.fixture
def decided(vv):
    """In Pantai Johor: an approved update (address, the wife died, a baby added), an approved usulan baru,
    and a rejected request that must not be handed back."""
    from tepat.regions.models import Region

    cast, mine, theirs = vv.cast, vv.mine, vv.theirs
    wife = mine.members.get(nama__startswith="Istri")
    update = payload(
        mine,
        fields={"alamat": "Jl. Baru 9"},
        members=[
            {"member_id": wife.pk, "keberadaan": "meninggal"},
            {"member_id": None, "fields": {"nama": "Bayi", "nik": NEW_NIK, "jenis_kelamin": "Perempuan"}},
        ],
    )
    visits = [
        do_submit_visit(vv.campaign, update, acting_user=cast["enumerator"], source="web"),
        do_submit_visit(vv.campaign, payload(None), acting_user=cast["analyst"], source="web"),
        do_submit_visit(
            vv.campaign, payload(theirs, fields={"alamat": "Jl. Tolak"}), acting_user=vv.second, source="web"
        ),
    ]
    meeting = do_record_musyawarah(
        {"held_on": dt.date(2026, 12, 5), "place": "Kantor Lurah", "attendees": "Lurah\nRT 1"},
        kelurahan=Region.objects.get(code=PANTAI_JOHOR),
        acting_user=cast["lurah"],
        campaign=vv.campaign,
    )
    for visit, approve in zip(visits, (True, True, False)):
        do_decide_change_request(
            visit.change_request,
            acting_user=cast["lurah"],
            approve=approve,
            reason="" if approve else "tidak benar",
            musyawarah=meeting,
        )
    return vv, meeting, wife


def test_one_row_per_approved_change_with_the_registrys_column_names_and_kinds(decided):
    vv, meeting, wife = decided
    rows = handback_rows(vv.campaign, vv.cast["analyst"])
    kinds = {(r["jenis"], r["kolom"], r["baru"]) for r in rows}
    assert ("perbaikan data", "Alamat", "Jl. Baru 9") in kinds  # the P3KE keluarga file's own header
    assert ("nonaktif: meninggal", "status_keberadaan", "nonaktif") in kinds
    assert ("penambahan anggota", "nama", "Bayi") in kinds and ("penambahan anggota", "nik", NEW_NIK) in kinds
    assert ("usulan keluarga baru", "Kepala Keluarga", "Usul Baru") in kinds
    assert "Jl. Tolak" not in str(rows)  # rejected: not handed back
    died = next(r for r in rows if r["jenis"] == "nonaktif: meninggal")
    assert died["nik"] == wife.nik and died["no_kk"] == vv.mine.no_kk and died["lama"] == "aktif"
    assert (
        died["musyawarah"] == "05-12-2026"
        and died["berita_acara"] == f"berita-acara-{PANTAI_JOHOR}-20261205-{meeting.pk}"
    )
    assert [r["no"] for r in rows] == list(range(1, len(rows) + 1)) and {r["dikirim"] for r in rows} == {""}
    frame = handback_frame(rows)
    assert frame.columns[:4] == ["no", "no_usulan", "jenis_pembaruan", "kode_kemendagri"] and frame.height == len(rows)


def test_identity_numbers_are_masked_for_roles_that_do_not_see_them(decided):
    vv, _, wife = decided
    rows = handback_rows(vv.campaign, vv.cast["admin"])
    died = next(r for r in rows if r["jenis"] == "nonaktif: meninggal")
    assert died["nik"] != wife.nik and "******" in died["nik"] and "******" in died["no_kk"]
    assert NEW_NIK not in str(rows)


def test_the_download_is_logged_and_marking_sent_is_audited_and_shown(decided, client):
    vv, _, _ = decided
    cast, campaign = vv.cast, vv.campaign
    client.force_login(cast["analyst"])
    page = client.get(f"/verivali/{campaign.pk}/").content.decode()
    approved = ChangeRequest.objects.filter(status="approved").count()
    assert f"{approved} perubahan yang disetujui belum dikirim" in page

    response = client.get(f"/verivali/{campaign.pk}/kirim-balik.xlsx")
    sheet = fastexcel.read_excel(response.content).load_sheet(0, dtypes="string").to_polars()
    assert response.status_code == 200 and sheet.height == len(handback_rows(campaign, cast["analyst"]))
    assert PersonalDataAccess.objects.filter(
        user=cast["analyst"], kind=AccessKind.EXPORT, what__contains="hand-back", records=sheet.height, unmasked=True
    ).exists()

    bad = client.post(
        f"/verivali/{campaign.pk}/kirim-balik/terkirim/",
        {"sent_on": "2026-12-10", "channel": "SIKS-NG", "ids": "12a"},
        follow=True,
    ).content.decode()
    assert "Nomor usulan berupa angka" in bad and not ChangeRequest.objects.filter(handback__isnull=False).exists()
    sent = client.post(
        f"/verivali/{campaign.pk}/kirim-balik/terkirim/",
        {"sent_on": "2026-12-10", "channel": "SIKS-NG", "ids": ""},
        follow=True,
    ).content.decode()
    assert "dicatat terkirim" in sent and "0 perubahan yang disetujui belum dikirim" in sent and "SIKS-NG" in sent
    assert not ChangeRequest.objects.filter(status="approved", handback__isnull=True).exists()
    assert AuditEvent.objects.filter(action=VerivaliAudit.HANDBACK_SENT).count() == 1
    assert {r["dikirim"] for r in handback_rows(campaign, cast["analyst"])} == {"10-12-2026 SIKS-NG"}
    unsent = client.get(f"/verivali/{campaign.pk}/kirim-balik.csv?belum=1").content.decode("utf-8-sig")
    assert unsent.strip().count("\n") == 0  # the header only

    again = client.post(
        f"/verivali/{campaign.pk}/kirim-balik/terkirim/", {"sent_on": "2026-12-11", "channel": "SIKS-NG"}, follow=True
    )
    assert "Tidak ada perubahan disetujui" in again.content.decode()


def test_nothing_is_marked_sent_without_an_analyst_date_and_channel(decided):
    from tepat.verivali.actions import DecisionRefused

    vv, _, _ = decided
    ids = list(ChangeRequest.objects.values_list("pk", flat=True))
    with pytest.raises(DecisionRefused) as refused:
        do_record_handback(
            vv.campaign, ids, sent_on=dt.date(2026, 12, 10), channel="SIKS-NG", acting_user=vv.cast["lurah"]
        )
    assert refused.value.code == "not_analyst"
    with pytest.raises(DecisionRefused):
        do_record_handback(vv.campaign, ids, sent_on=dt.date(2026, 12, 10), channel=" ", acting_user=vv.cast["analyst"])
    rejected = ChangeRequest.objects.get(status="rejected")
    with pytest.raises(DecisionRefused):  # a rejected request is never handed back
        do_record_handback(
            vv.campaign, [rejected.pk], sent_on=dt.date(2026, 12, 10), channel="x", acting_user=vv.cast["analyst"]
        )
    assert not ChangeRequest.objects.filter(handback__isnull=False).exists()


def test_the_cli_writes_the_file_and_logs_it(decided, tmp_path):
    from tepat.cli import main

    vv, _, _ = decided
    out = tmp_path / "kirim.csv"
    result = CliRunner().invoke(
        main, ["verivali", "handback", str(vv.campaign.pk), "--out", str(out), "--user", "analyst"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["no", "no_usulan", "jenis_pembaruan"] and any("nonaktif: meninggal" in row for row in rows)
    assert PersonalDataAccess.objects.filter(kind=AccessKind.EXPORT, what__contains="hand-back").count() == 1
    refused = CliRunner().invoke(
        main, ["verivali", "handback", str(vv.campaign.pk), "--out", str(out), "--user", "lurah"]
    )
    assert refused.exit_code == 2 and "bukan analis" in refused.output


def test_who_may_download_the_hand_back(decided, client):
    vv, _, _ = decided
    url = f"/verivali/{vv.campaign.pk}/kirim-balik.csv"
    client.force_login(vv.cast["other_lurah"])  # another kelurahan of the same campaign: no approved change there
    text = client.get(url).content.decode("utf-8-sig")
    assert text.strip().count("\n") == 0
    client.force_login(vv.cast["enumerator"])
    assert client.get(url).status_code in (403, 404)
    client.force_login(vv.cast["lurah"])
    assert client.post(
        f"/verivali/{vv.campaign.pk}/kirim-balik/terkirim/", {"sent_on": "2026-12-10", "channel": "x"}
    ).status_code in (403, 404)
    assert not ChangeRequest.objects.filter(handback__isnull=False).exists()


def test_the_berita_acara_stays_indonesian_when_the_user_reads_tepat_in_english(decided):
    """Official documents and stored reasons are Indonesian whatever language is active (it leaked before)."""
    import docx
    from django.utils import translation

    from tepat.verivali.documents import berita_acara_docx

    _, meeting, _ = decided
    with translation.override("en"):
        document = docx.Document(io.BytesIO(berita_acara_docx(meeting)))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "terkonfirmasi" in text and "keluar dari data (meninggal)" in text and "confirmed" not in text
