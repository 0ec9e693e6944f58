"""The files clerks send: .ods and .xls read like .xlsx (same rows, title block, number-NIK detection),
UTF-16 csv, Windows-1252 csv with a warning, and one `column_numeric` issue for a column that a
spreadsheet program turned into numbers entirely."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from tepat.registry.importer.checks import compact_rows
from tepat.registry.models import Member
from tests.files import family_rows, write_csv, write_xlsx
from tests.workbooks import write_ods, write_xls

WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "xls": write_xls}


def issues(report, key="rejected"):
    return [(i["row"], i["column"], i["code"]) for i in report[key]]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_ods_and_xls_read_like_the_same_xlsx(import_file, tmp_path, kind):
    rows = family_rows() + family_rows("P0002", base=2)
    rows[4]["tanggal_lahir"] = "31-02-1990"  # one row error, to compare row numbers
    expected = import_file(write_xlsx(tmp_path / "a.xlsx", rows, numeric_nik_rows=(1,)), dry_run=True).report
    report = import_file(WRITERS[kind](tmp_path / f"a.{kind}", rows, numeric_nik_rows=(1,))).report
    assert report["format"] == "p3ke-individu"
    assert (
        issues(report)
        == issues(expected)
        == [(6, "nik", "nik_excel_number"), (9, "tanggal_lahir", "birthdate_invalid")]
    )
    assert report["members"]["new"] == 4
    assert sorted(Member.objects.values_list("nik", flat=True)) == sorted(
        r["nik"] for i, r in enumerate(rows) if i not in (1, 4)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "ods", "xls"])
def test_an_identity_column_entirely_of_numbers_is_reported_once(import_file, tmp_path, kind):
    rows = family_rows() + family_rows("P0002", base=2)
    report = import_file(WRITERS[kind](tmp_path / f"n.{kind}", rows, numeric_nik_rows=range(len(rows)))).report
    assert issues(report) == [(5, "nik", "column_numeric")]
    message = report["rejected"][0]["message"]
    assert "kolom NIK seluruhnya tersimpan sebagai angka" in message and "format kolom sebagai Teks" in message
    assert "(baris 5-10)" in message and "Excel" not in message
    assert report["members"]["new"] == 0 and report["members"]["rejected"] == 6


@pytest.mark.django_db
def test_a_csv_of_scientific_niks_is_reported_once(import_file, tmp_path):
    rows = family_rows() + family_rows("P0002", base=2)
    for row in rows:
        row["nik"] = f"{float(row['nik']):.5E}".replace("E+", "E+")
    rows[3]["nik"] = ""  # an empty cell does not stop the column from being all numbers
    report = import_file(write_csv(tmp_path / "s.csv", rows)).report
    assert [i["code"] for i in report["rejected"]].count("column_numeric") == 1
    assert "baris 5-7, 9-10" in report["rejected"][0]["message"]


@pytest.mark.django_db
def test_one_number_among_text_niks_stays_a_row_error(import_file, tmp_path):
    # the wife's row (a rejected head would take the whole family along: family_head_rejected)
    report = import_file(write_xlsx(tmp_path / "one.xlsx", family_rows(), numeric_nik_rows=(1,))).report
    assert issues(report) == [(6, "nik", "nik_excel_number")]


@pytest.mark.django_db
def test_utf16_csv_with_a_bom_is_read(import_file, tmp_path):
    rows = family_rows()
    rows[0]["nama"] = "Budi Sitorus Gultom Nainggolan Siahaan"
    report = import_file(write_csv(tmp_path / "u.txt", rows, delimiter="\t", encoding="utf-16")).report
    assert report["members"]["new"] == 3 and report["rejected"] == [] and report["warnings"] == []


@pytest.mark.django_db
def test_windows_1252_csv_is_read_with_a_warning(import_file, tmp_path):
    rows = family_rows()
    rows[1]["nama"] = "Siti Aisyah Ruqayyah ï"
    report = import_file(write_csv(tmp_path / "w.csv", rows, encoding="cp1252")).report
    assert report["members"]["new"] == 3
    assert Member.objects.filter(nama="Siti Aisyah Ruqayyah ï").exists()
    notes = [w for w in report["warnings"] if w["code"] == "encoding_cp1252"]
    assert len(notes) == 1 and notes[0]["row"] is None and "Windows-1252" in notes[0]["message"]


@pytest.mark.django_db
def test_a_utf8_csv_has_no_encoding_warning(import_file, tmp_path):
    assert import_file(write_csv(tmp_path / "u8.csv", family_rows())).report["warnings"] == []


def test_compact_rows():
    assert compact_rows([13, 14, 15, 20]) == "13-15, 20"
    assert compact_rows(list(range(1, 100, 2)), shown=2) == "1, 3, +48 baris/rows"


@given(st.sets(st.integers(1, 300), min_size=1))
def test_compact_rows_names_every_row_once(rows):
    named = set()
    for part in compact_rows(sorted(rows), shown=10**6).split(", "):
        low, _, high = part.partition("-")
        named |= set(range(int(low), int(high or low) + 1))
    assert named == rows
