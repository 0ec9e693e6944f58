"""Interventions delivered (realisasi): matched on NIK or No KK, never guessed; bad rows reported, valid ones kept."""

from __future__ import annotations

import datetime as dt

import pytest

from tepat.programs.actions import do_import_interventions, do_record_intervention
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Intervention, Program
from tepat.registry.importer.messages import ImportFatal
from tepat.registry.models import Family
from tests.files import family_rows, write_csv, write_xlsx

HEADER = ["kode_program", "nik", "no_kk", "nama_penerima", "tanggal", "nilai", "status"]


@pytest.fixture
def registry(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1) + family_rows("B", base=2)
    for row in rows[:3]:
        row["no_kk"] = "1274050101200001"
    import_file(write_xlsx(tmp_path / "a.xlsx", rows, header=[*__import__("tests.files").files.P3KE_HEADER, "no_kk"]))


def row(**values):
    base = {
        "kode_program": "pkh",
        "nik": "1274050101800001",
        "no_kk": "",
        "nama_penerima": "Budi",
        "tanggal": "15-03-2026",
        "nilai": "750000",
        "status": "tersalur",
    }
    return {**base, **values}


def run(tmp_path, rows, cast):
    return do_import_interventions(
        write_csv(tmp_path / "r.csv", rows, header=HEADER, title=False), acting_user=cast["opd"]
    )


def test_rows_match_by_nik_or_no_kk(registry, cast, tmp_path):
    report = run(tmp_path, [row(), row(nik="", no_kk="1274050101200001", kode_program="bpnt_sembako")], cast)
    assert report.inserted == 2 and report.rejected == []
    family = Family.objects.get(source_key="A")
    assert set(Intervention.objects.values_list("family_id", flat=True)) == {family.pk}
    assert Intervention.objects.get(program__code="pkh").member.nik == "1274050101800001"


@pytest.mark.parametrize(
    "change, code, column",
    [
        ({"kode_program": "bansos-x"}, "program_unknown", "kode_program"),
        ({"tanggal": "31-02-2026"}, "date_invalid", "tanggal"),
        ({"tanggal": "15-03-2025"}, "date_outside_year", "tanggal"),
        ({"nilai": "-5000"}, "amount_negative", "nilai"),
        ({"nilai": "banyak"}, "amount_invalid", "nilai"),
        ({"nik": "1274059999990001"}, "nik_unknown", "nik"),
        ({"nik": "", "no_kk": ""}, "identity_missing", "nik"),
        ({"nik": "", "no_kk": "1274059999990001"}, "kk_unknown", "no_kk"),
        ({"status": "hilang"}, "status_unknown", "status"),
    ],
)
def test_a_bad_row_is_reported_and_the_others_kept(registry, cast, tmp_path, change, code, column):
    report = run(tmp_path, [row(), row(**{"nik": "1274050101800002", **change})], cast)
    assert report.inserted == 1
    assert [(r["row"], r["column"], r["code"]) for r in report.rejected] == [(3, column, code)]


def test_duplicates_in_the_file_and_against_earlier_imports(registry, cast, tmp_path):
    first = run(tmp_path, [row(), row()], cast)
    assert first.inserted == 1 and [(r["row"], r["code"]) for r in first.rejected] == [(3, "duplicate_row")]
    again = run(tmp_path, [row()], cast)
    assert again.inserted == 0 and again.rejected[0]["code"] == "duplicate_existing"


def test_a_person_in_two_families_is_not_guessed(registry, cast, tmp_path, import_file):
    header = ["nik", "nomor_kartu_keluarga", "nama", "hubungan_dengan_kepala_keluarga"]
    kk = ["nomor_kartu_keluarga", "kode_desa_kelurahan", "nama_kepala_keluarga", "desil_nasional"]
    import_file(
        write_csv(
            tmp_path / "k.csv",
            [
                {
                    "nomor_kartu_keluarga": "1274050101209999",
                    "kode_desa_kelurahan": "1274051010",
                    "nama_kepala_keluarga": "X",
                    "desil_nasional": "1",
                }
            ],
            header=kk,
            delimiter=",",
            title=False,
        )
    )
    import_file(
        write_csv(
            tmp_path / "m.csv",
            [
                {
                    "nik": "1274050101800001",
                    "nomor_kartu_keluarga": "1274050101209999",
                    "nama": "Budi",
                    "hubungan_dengan_kepala_keluarga": "Kepala Keluarga",
                }
            ],
            header=header,
            delimiter=",",
            title=False,
        )
    )
    report = run(tmp_path, [row()], cast)  # the NIK is now in a P3KE family and in a DTSEN family
    assert report.inserted == 0 and report.rejected[0]["code"] == "nik_ambiguous"


def test_an_unusable_file_writes_nothing(registry, cast, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("kode_program;nik\npkh;1274050101800001\n", encoding="utf-8")
    with pytest.raises(ImportFatal):
        do_import_interventions(path, acting_user=cast["opd"])
    assert not Intervention.objects.exists()


def test_recording_one_intervention_checks_year_and_amount(registry, cast):
    program, family = Program.objects.get(code="pkh"), Family.objects.get(source_key="A")
    do_record_intervention(program, family, acting_user=cast["opd"], date=dt.date(2026, 5, 1), amount=750000)
    with pytest.raises(ValueError):
        do_record_intervention(program, family, acting_user=cast["opd"], date=dt.date(2025, 5, 1))
    with pytest.raises(ValueError):
        do_record_intervention(program, family, acting_user=cast["opd"], date=dt.date(2026, 5, 1), amount=-1)
    assert Intervention.objects.count() == 1


def test_an_opd_operator_uploads_realisasi_and_sees_refused_rows(client, registry, cast, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = write_csv(tmp_path / "r.csv", [row(), row(nik="1274059999990001")], header=HEADER, title=False)
    client.force_login(cast["opd"])
    page = client.post("/realisasi/", {"file": SimpleUploadedFile("r.csv", path.read_bytes())}).content.decode()
    assert "<b>1</b> dari 2 baris dicatat" in page and "nik_unknown" in page
    assert Intervention.objects.get().recorded_by == cast["opd"]


@pytest.mark.parametrize("role", ["camat", "lurah", "enumerator", "viewer"])
def test_other_roles_cannot_reach_the_realisasi_page(client, registry, cast, role):
    client.force_login(cast[role])
    assert client.get("/realisasi/").status_code == 404


@pytest.mark.parametrize(
    "written, stored",
    [
        ("1.500.000", 1500000),
        ("1.500.000,50", 1500001),
        ("1500000.50", 1500001),
        ("750000", 750000),
        ("Rp 750.000", 750000),
    ],
)
def test_amounts_in_indonesian_and_plain_notation(registry, cast, tmp_path, written, stored):
    report = run(tmp_path, [row(nilai=written)], cast)
    assert report.rejected == [] and int(Intervention.objects.get().amount) == stored


def test_an_opd_reports_only_for_its_own_programs(registry, cast, tmp_path):
    report = run(tmp_path, [row(kode_program="rtlh_bsps")], cast)  # Perkim's program, the operator is Dinas Sosial's
    assert report.inserted == 0 and report.rejected[0]["code"] == "program_not_yours"


def test_an_empty_value_twice_is_a_duplicate(registry, cast, tmp_path):
    run(tmp_path, [row(nilai="")], cast)
    assert run(tmp_path, [row(nilai="")], cast).rejected[0]["code"] == "duplicate_existing"


def test_an_opd_operator_records_one_intervention_on_the_family_page(client, registry, cast):
    family = Family.objects.get(source_key="A")
    pkh = Program.objects.get(code="pkh")
    client.force_login(cast["opd"])
    client.post(
        f"/keluarga/{family.pk}/realisasi/",
        {"program": pkh.pk, "date": "2026-04-01", "amount": "750000", "status": "tersalur"},
    )
    page = client.get(f"/keluarga/{family.pk}/").content.decode()
    assert "Program Keluarga Harapan" in page and "01-04-2026" in page
    rtlh = Program.objects.get(code="rtlh_bsps")  # another agency's program is not offered
    client.post(
        f"/keluarga/{family.pk}/realisasi/",
        {"program": rtlh.pk, "date": "2026-04-01", "amount": "1", "status": "tersalur"},
    )
    assert Intervention.objects.count() == 1
