"""Importing exports into the registry: outcome, report, re-import diff, idempotence, dry run."""

from __future__ import annotations

import json

import pytest

from tepat.registry.models import Change, Family, Member
from tests.files import family_rows, write_csv, write_xlsx

REPORT_KEYS = {"format", "sha256", "rows", "families", "members", "rejected", "warnings"}
COUNT_KEYS = {"new", "updated", "unchanged", "missing", "rejected"}


def two_families():
    return family_rows("P0001", base=1) + family_rows("P0002", base=2, size=4, alamat="Jl. Dua")


def test_it_imports_valid_rows_and_reports_with_stable_keys(import_file, cast, tmp_path):
    batch = import_file(write_xlsx(tmp_path / "a.xlsx", two_families()), cast["analyst"])
    report = batch.report
    assert report.keys() >= REPORT_KEYS
    assert set(report["families"]) == COUNT_KEYS and set(report["members"]) == COUNT_KEYS
    assert report["format"] == "p3ke-individu"
    assert report["families"]["new"] == 2 and report["members"]["new"] == 7
    family = Family.objects.get(source_key="P0002")
    assert family.kelurahan.code == "12.74.05.1010"
    assert family.kepala_keluarga == "Budi" and family.desil == 1 and family.desil_skala == "p3ke"
    assert family.members.count() == 4
    assert Member.objects.get(nik="1274054202850001").tanggal_lahir.isoformat() == "1985-02-02"


def test_it_numbers_rejected_rows_as_the_spreadsheet_shows_them(import_file, tmp_path):
    rows = two_families()
    rows[4]["nik"] = "12740501"  # data row 5 -> title(3) + header(1) + 5 = spreadsheet row 9
    report = import_file(write_xlsx(tmp_path / "a.xlsx", rows)).report
    assert report["rejected"] == [
        {
            "row": 9,
            "column": "nik",
            "value": "12740501",
            "code": "nik_length",
            "message": "NIK harus 16 digit, ini 8 digit / NIK must have 16 digits, this has 8",
        }
    ]
    assert report["members"]["rejected"] == 1 and report["members"]["new"] == 6


def test_it_reads_rows_under_leading_empty_rows(import_file, tmp_path):
    rows = family_rows("P0001")
    rows[1]["nik"] = "9999054202850001"
    report = import_file(write_xlsx(tmp_path / "a.xlsx", rows, start_row=4)).report
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [(4 + 3 + 1 + 2, "nik_region_unknown")]


def test_reimporting_the_same_file_changes_nothing(import_file, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", two_families())
    import_file(path)
    report = import_file(path).report
    assert report["families"] == {"new": 0, "updated": 0, "unchanged": 2, "missing": 0, "rejected": 0}
    assert report["members"]["unchanged"] == 7 and report["members"]["updated"] == 0
    assert not Change.objects.exists()


def test_a_newer_export_updates_with_history_and_flags_absent_records(import_file, cast, tmp_path):
    import_file(write_xlsx(tmp_path / "old.xlsx", two_families()), cast["analyst"])
    newer = family_rows("P0001", base=1, jenis_lantai="Semen")[:2]  # P0002 gone, a child gone, floor fixed
    report = import_file(
        write_xlsx(tmp_path / "new.xlsx", newer), cast["analyst"], allow_missing=True
    ).report  # 1 of 2: confirmed
    assert report["families"] == {"new": 0, "updated": 1, "unchanged": 0, "missing": 1, "rejected": 0}
    assert report["members"]["missing"] == 1
    family = Family.objects.get(source_key="P0001")
    assert family.jenis_lantai == "Semen" and family.version == 2
    change = family.changes.get(action="update", member=None)
    assert change.fields == {"jenis_lantai": ["Tanah", "Semen"]} and change.user == cast["analyst"]
    gone = Family.objects.get(source_key="P0002")
    assert gone.missing_since_id is not None and gone.is_active  # flagged, not deleted
    assert gone.changes.filter(action="missing").exists()


def test_dry_run_reports_the_diff_and_writes_nothing(import_file, tmp_path):
    report = import_file(write_xlsx(tmp_path / "a.xlsx", two_families()), dry_run=True).report
    assert report["families"]["new"] == 2 and report["dry_run"] is True
    assert not Family.objects.exists() and not Member.objects.exists()


def test_it_reads_semicolon_csv_in_windows_1252_with_a_title_block(import_file, tmp_path):
    rows = family_rows("P0001", alamat="Jl. Pantai Johor, Gang Sénang")
    report = import_file(write_csv(tmp_path / "a.csv", rows, encoding="cp1252")).report
    assert report["families"]["new"] == 1 and report["rejected"] == []
    assert Family.objects.get().alamat == "Jl. Pantai Johor, Gang Sénang"


def test_it_reads_comma_csv_with_bom(import_file, tmp_path):
    path = write_csv(tmp_path / "a.csv", family_rows("P0001"), delimiter=",", title=False)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert import_file(path).report["members"]["new"] == 3


def test_a_nik_registered_to_another_family_is_rejected(import_file, tmp_path):
    import_file(write_xlsx(tmp_path / "a.xlsx", family_rows("P0001", base=1)))
    again = family_rows("P0009", base=7)
    again[2]["nik"] = "1274050303100001"  # the first family's child
    report = import_file(write_xlsx(tmp_path / "b.xlsx", again)).report
    assert [i["code"] for i in report["rejected"]] == ["nik_duplicate_registry"]


@pytest.mark.parametrize("name", ["dtsen"])
def test_dtsen_members_link_to_families_by_kk_and_orphans_are_rejected(import_file, tmp_path, name):
    header_k = [
        "nomor_kartu_keluarga",
        "kode_desa_kelurahan",
        "alamat",
        "nama_kepala_keluarga",
        "desil_nasional",
        "desil_kabupaten_kota",
        "jenis_lantai_terluas",
        "memiliki_kulkas",
    ]
    families = [
        {
            "nomor_kartu_keluarga": "1274050101200001",
            "kode_desa_kelurahan": "1274051010",
            "alamat": "Jl. A",
            "nama_kepala_keluarga": "Budi",
            "desil_nasional": "2",
            "desil_kabupaten_kota": "3",
            "jenis_lantai_terluas": "Semen",
            "memiliki_kulkas": "Tidak",
        }
    ]
    report = import_file(write_csv(tmp_path / "k.csv", families, header=header_k, delimiter=",", title=False)).report
    assert report["format"] == "dtsen-keluarga" and report["families"]["new"] == 1
    family = Family.objects.get()
    assert family.desil == 2 and family.desil_kabupaten_kota == 3 and family.desil_skala == "dtsen-nasional"
    assert family.aset == {"aset_kulkas": "Tidak"}
    header_a = [
        "nik",
        "nomor_kartu_keluarga",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "hubungan_dengan_kepala_keluarga",
    ]
    members = [
        {
            "nik": "1274050101800001",
            "nomor_kartu_keluarga": "1274050101200001",
            "nama": "Budi",
            "tanggal_lahir": "1980-01-01",
            "jenis_kelamin": "Laki-laki",
            "hubungan_dengan_kepala_keluarga": "Kepala Keluarga",
        },
        {
            "nik": "1274054101800002",
            "nomor_kartu_keluarga": "1274050101209999",
            "nama": "Ani",
            "tanggal_lahir": "1980-01-01",
            "jenis_kelamin": "Perempuan",
            "hubungan_dengan_kepala_keluarga": "Kepala Keluarga",
        },
    ]
    report = import_file(write_csv(tmp_path / "a.csv", members, header=header_a, delimiter=",", title=False)).report
    assert report["format"] == "dtsen-anggota"
    assert report["members"]["new"] == 1
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [(3, "member_family_missing")]
    assert Member.objects.get().family == family


def test_family_level_file_creates_the_head_as_member(import_file, tmp_path):
    header = [
        "No",
        "ID Keluarga P3KE",
        "Kode Kemendagri",
        "Desil Kesejahteraan",
        "Alamat",
        "Kepala Keluarga",
        "NIK",
        "Jenis Kelamin",
        "Tanggal Lahir",
        "Penerima PKH",
    ]
    row = {
        "No": "1",
        "ID Keluarga P3KE": "P7",
        "Kode Kemendagri": "12.74.05.1010",
        "Desil Kesejahteraan": "1",
        "Alamat": "Jl. B",
        "Kepala Keluarga": "Rahmat",
        "NIK": "1274050101800001",
        "Jenis Kelamin": "Laki-laki",
        "Tanggal Lahir": "01/01/1980",
        "Penerima PKH": "Ya",
    }
    report = import_file(write_xlsx(tmp_path / "k.xlsx", [row], header=header)).report
    assert report["format"] == "p3ke-keluarga"
    member = Member.objects.get()
    assert member.nama == "Rahmat" and member.is_head() and member.family.penerima_pkh == "Ya"


def test_report_json_is_what_the_cli_writes(tmp_path, db):
    from click.testing import CliRunner

    from tepat.cli import main

    path = write_xlsx(tmp_path / "a.xlsx", two_families())
    result = CliRunner().invoke(main, ["import", str(path), "--report", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["families"]["new"] == 2 and len(report["sha256"]) == 64


def test_the_export_date_is_kept_on_the_records(tmp_path, db, regions):
    from click.testing import CliRunner

    from tepat.cli import main

    path = write_xlsx(tmp_path / "a.xlsx", two_families())
    result = CliRunner().invoke(main, ["import", str(path), "--export-date", "2024-03-31"])
    assert result.exit_code == 0, result.output
    assert {f.export_date.isoformat() for f in Family.objects.all()} == {"2024-03-31"}


def test_reimporting_generated_files_of_every_format_changes_nothing(import_file, tmp_path):
    from tepat.demo.generate import generate

    for fmt in ("dtsen-keluarga", "dtsen-anggota", "p3ke-individu"):
        path = generate(120, fmt, tmp_path / f"{fmt}.csv", seed=4).path
        import_file(path)
        report = import_file(path).report
        assert report["families"]["updated"] == report["members"]["updated"] == 0, fmt
    assert not Change.objects.exists()


def test_a_dry_run_counts_the_members_of_new_families(import_file, tmp_path):
    report = import_file(write_xlsx(tmp_path / "a.xlsx", two_families()), dry_run=True).report
    assert report["members"]["new"] == 7


def test_a_file_without_a_column_leaves_that_field_alone(import_file, tmp_path):
    import_file(write_xlsx(tmp_path / "a.xlsx", two_families()))
    header = [h for h in __import__("tests.files").files.P3KE_HEADER if h not in ("jenis_lantai", "alamat")]
    report = import_file(write_xlsx(tmp_path / "b.xlsx", two_families(), header=header)).report
    assert report["families"]["updated"] == 0
    assert Family.objects.get(source_key="P0001").jenis_lantai == "Tanah"


def test_rejected_rows_are_not_reported_missing(import_file, tmp_path):
    import_file(write_xlsx(tmp_path / "a.xlsx", two_families()))
    rows = two_families()
    rows[1]["nik"] = "123"  # a member of P0001 cannot be read this time
    for row in rows[3:]:
        row["desil_kesejahteraan"] = "9"  # family P0002 cannot be read at all
    report = import_file(write_xlsx(tmp_path / "b.xlsx", rows)).report
    assert report["families"]["missing"] == 0 and report["members"]["missing"] == 0
    assert report["families"]["rejected"] == 1


def test_a_file_of_one_desil_does_not_flag_the_other_desils_missing(import_file, tmp_path):
    import_file(write_xlsx(tmp_path / "d1.xlsx", family_rows("D1", base=1, desil="1")))
    report = import_file(write_xlsx(tmp_path / "d2.xlsx", family_rows("D2", base=2, desil="2"))).report
    assert report["families"]["missing"] == 0 and report["families"]["new"] == 1


def test_a_complete_family_level_file_is_not_taken_for_the_individual_layout(import_file, tmp_path):
    header = [
        "ID Keluarga P3KE",
        "Kode Kemendagri",
        "Desil Kesejahteraan",
        "Kepala Keluarga",
        "NIK",
        "nama",
        "status_kawin",
        "id_individu",
    ]
    row = {
        "ID Keluarga P3KE": "P7",
        "Kode Kemendagri": "1274051010",
        "Desil Kesejahteraan": "1",
        "Kepala Keluarga": "Rahmat",
        "NIK": "1274050101800001",
        "nama": "Rahmat",
        "status_kawin": "Kawin",
        "id_individu": "X1",
    }
    assert import_file(write_xlsx(tmp_path / "k.xlsx", [row], header=header)).report["format"] == "p3ke-keluarga"


def test_an_import_with_records_cannot_be_deleted(import_file, tmp_path):
    """The links from records to their imports are kept by Django, not by a database constraint (a million-family
    import is a fifth faster without them): deleting an import that wrote records is still refused."""
    from django.db.models import ProtectedError

    batch = import_file(write_csv(tmp_path / "a.csv", two_families()))
    with pytest.raises(ProtectedError):
        batch.delete()
    assert Family.objects.filter(batch=batch).count() == 2 and Member.objects.filter(first_batch=batch).count() == 7
