"""Files as users really send them: broken, renamed, empty, merged, formulas, Excel-number NIKs."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from tepat.cli import main
from tepat.registry.models import Family
from tests.files import P3KE_HEADER, family_rows, write_csv, write_xlsx


def cli_import(path, *extra):
    return CliRunner().invoke(main, ["import", str(path), *extra])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, code",
    [
        ("renamed.xlsx", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "file_type"),
        ("empty.csv", b"", "file_empty"),
        ("corrupt.xlsx", b"PK\x03\x04garbage that is not a zip archive", "file_unreadable"),
        ("broken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "file_unreadable"),
        ("notes.csv", b"judul\nini bukan ekspor P3KE\nsama sekali\n", "header_not_found"),
    ],
)
def test_unusable_files_write_nothing_and_exit_2(tmp_path, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    result = cli_import(path, "--report", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert code in result.output
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_a_truncated_xlsx_is_reported_as_unreadable(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", family_rows())
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    result = cli_import(broken)
    assert result.exit_code == 2 and "file_unreadable" in result.output


@pytest.mark.django_db
@pytest.mark.parametrize("name, write", [("h.xlsx", write_xlsx), ("h.csv", write_csv)])
def test_a_header_only_file_is_empty(tmp_path, name, write):
    result = cli_import(write(tmp_path / name, []))
    assert result.exit_code == 2 and "file_empty" in result.output


@pytest.mark.django_db
def test_missing_required_columns_are_named_with_the_nearest_headers(tmp_path):
    header = [h if h != "nik" else "no_nik_ktp" for h in P3KE_HEADER]
    rows = [{("no_nik_ktp" if k == "nik" else k): v for k, v in r.items()} for r in family_rows()]
    result = cli_import(write_csv(tmp_path / "a.csv", rows, header=header), "--format", "p3ke-individu")
    assert result.exit_code == 2
    assert "columns_missing" in result.output and "nik" in result.output and "no_nik_ktp" in result.output


@pytest.mark.django_db
def test_numeric_nik_cells_are_rejected_never_repaired(import_file, tmp_path):
    rows = family_rows()
    report = import_file(write_xlsx(tmp_path / "n.xlsx", rows, numeric_nik_rows=(2,))).report
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [(7, "nik_excel_number")]
    assert report["members"]["new"] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["1,27401E+15", "1.27401E+15", "1274050303100001.0"])
def test_scientific_notation_niks_in_csv_are_rejected(import_file, tmp_path, written):
    rows = family_rows()
    rows[2]["nik"] = written
    report = import_file(write_csv(tmp_path / "s.csv", rows)).report
    assert [(i["row"], i["code"], i["value"]) for i in report["rejected"]] == [(7, "nik_excel_number", written)]


@pytest.mark.django_db
def test_a_merged_title_above_the_header_is_skipped(import_file, tmp_path):
    report = import_file(write_xlsx(tmp_path / "m.xlsx", family_rows(), merged_title=True)).report
    assert report["members"]["new"] == 3 and report["rejected"] == []


@pytest.mark.django_db
def test_formula_cells_are_read_as_their_values(import_file, tmp_path):
    rows = family_rows()
    formulas = {(0, "alamat"): '="Jl. Contoh No. "&1', (1, "nik"): ("=1274054202850001", 1274054202850001)}
    report = import_file(write_xlsx(tmp_path / "f.xlsx", rows, formulas=formulas)).report
    assert Family.objects.get().alamat == "Jl. Contoh No. 1"
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [(6, "nik_excel_number")]


@pytest.mark.django_db
def test_header_spelling_drift_is_understood(import_file, tmp_path):
    drift = {
        "kode_kemdagri": "Kode_Kemendagri ",
        "penerima_bpnt": "penerima _bpnt",
        "id_keluarga_p3ke": "ID_keluarga_P3KE",
    }
    header = [drift.get(h, h) for h in P3KE_HEADER]
    rows = [{drift.get(k, k): v for k, v in r.items()} for r in family_rows()]
    report = import_file(write_csv(tmp_path / "d.csv", rows, header=header)).report
    assert report["format"] == "p3ke-individu" and report["members"]["new"] == 3
    assert Family.objects.get().penerima_bpnt == "Ya"


@pytest.mark.django_db
def test_the_archive_must_be_a_workbook(tmp_path):
    path = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    result = cli_import(path)
    assert result.exit_code == 2 and "file_unreadable" in result.output


@pytest.mark.django_db
def test_numeric_niks_are_found_when_the_table_starts_further_right(import_file, tmp_path):
    rows = family_rows()
    report = import_file(write_xlsx(tmp_path / "c.xlsx", rows, numeric_nik_rows=(1,), start_row=2, start_col=3)).report
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [(2 + 3 + 1 + 2, "nik_excel_number")]


@pytest.mark.django_db
def test_a_50_mb_export_imports_completely(import_file, tmp_path):
    from tepat.demo.generate import generate

    result = generate(27_000, "p3ke-individu", tmp_path / "big.csv", seed=3)
    assert result.path.stat().st_size > 50 * 2**20
    report = import_file(result.path).report
    assert report["rejected"] == [] and report["members"]["new"] == result.members
    assert report["families"]["new"] == result.families == Family.objects.count()


@pytest.mark.django_db
def test_header_cells_merged_over_two_rows_are_read(import_file, tmp_path):
    import xlsxwriter

    path = tmp_path / "merged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for col, name in enumerate(P3KE_HEADER):
        sheet.merge_range(0, col, 1, col, name)  # each header cell spans spreadsheet rows 1-2
    rows = family_rows()
    rows[2]["nik"] = "123"
    for index, row in enumerate(rows, start=2):
        sheet.write_row(index, 0, [row[h] for h in P3KE_HEADER])
    book.close()
    report = import_file(path).report
    assert report["members"]["new"] == 2
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [(5, "nik_length")]
