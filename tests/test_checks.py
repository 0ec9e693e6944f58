"""Each row check, through the real importer, with the code and spreadsheet row a user would see."""

from __future__ import annotations

import pytest

from tests.files import family_rows, write_csv

# data row index -> spreadsheet row: title block (3 lines) + header (1) + 1-based index
ROW = lambda index: index + 5  # noqa: E731


def codes(report):
    return [(i["row"], i["column"], i["code"]) for i in report["rejected"]]


def warning_codes(report):
    return [(i["row"], i["column"], i["code"]) for i in report["warnings"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, expected",
    [
        ({"nik": "12740501O1800001"}, "nik_not_digits"),
        ({"nik": "1274053201800001"}, "nik_birthdate_invalid"),  # day 32
        ({"nik": "1274050113800001"}, "nik_birthdate_invalid"),  # month 13
        ({"nik": "1274054101800001"}, "nik_sex_mismatch"),  # day+40 but Laki-laki
        ({"nik": "12740501018000011"}, "nik_length"),
        ({"nik": "9999050101800001"}, "nik_region_unknown"),
        ({"nik": ""}, "required_missing"),
        ({"tanggal_lahir": "31-02-1980"}, "birthdate_invalid"),
        ({"desil_kesejahteraan": "5"}, "desil_out_of_range"),
        ({"desil_kesejahteraan": "0"}, "desil_out_of_range"),
        ({"desil_kesejahteraan": "satu"}, "desil_invalid"),
        ({"kode_kemdagri": "1274051001"}, "kelurahan_unknown"),  # a gap in Datuk Bandar's codes
    ],
)
def test_a_bad_value_rejects_its_row_only(import_file, tmp_path, change, expected):
    rows = family_rows()
    rows[2].update(change)  # the child: a rejected head takes its whole family along (test_headless.py)
    report = import_file(write_csv(tmp_path / "a.csv", rows)).report
    assert [c for _, _, c in codes(report)] == [expected]
    assert codes(report)[0][0] == ROW(2)
    assert report["members"]["new"] == 2  # the other members are kept


@pytest.mark.django_db
def test_a_nik_repeated_in_the_file_is_rejected_at_the_later_row(import_file, tmp_path):
    rows = family_rows("P1", base=1) + family_rows("P2", base=2)
    rows[4]["nik"] = rows[1]["nik"]
    report = import_file(write_csv(tmp_path / "a.csv", rows)).report
    assert codes(report) == [(ROW(4), "nik", "nik_duplicate_in_file")]
    assert "baris 6" in report["rejected"][0]["message"]


@pytest.mark.django_db
def test_a_family_without_a_head_is_rejected_whole(import_file, tmp_path):
    rows = family_rows("P1", base=1) + family_rows("P2", base=2)
    rows[3]["hubungan_dengan_kepala_keluarga"] = "Anak"
    report = import_file(write_csv(tmp_path / "a.csv", rows)).report
    assert codes(report) == [(ROW(i), "hubungan_dengan_kepala_keluarga", "family_no_head") for i in (3, 4, 5)]
    assert report["families"]["new"] == 1 and report["families"]["rejected"] == 1


@pytest.mark.django_db
def test_a_second_head_is_rejected(import_file, tmp_path):
    rows = family_rows()
    rows[1]["hubungan_dengan_kepala_keluarga"] = "Kepala Keluarga"
    report = import_file(write_csv(tmp_path / "a.csv", rows)).report
    assert codes(report) == [(ROW(1), "hubungan_dengan_kepala_keluarga", "family_many_heads")]


@pytest.mark.django_db
def test_values_outside_their_domain_are_kept_and_warned(import_file, tmp_path):
    from tepat.registry.models import Family

    rows = family_rows(jenis_lantai="Kramik")
    report = import_file(write_csv(tmp_path / "a.csv", rows)).report
    assert report["rejected"] == []
    assert (ROW(0), "jenis_lantai", "value_out_of_domain") in warning_codes(report)
    assert Family.objects.get().jenis_lantai == "Kramik"


@pytest.mark.django_db
def test_case_and_spacing_of_known_values_are_normalised(import_file, tmp_path):
    from tepat.registry.models import Family

    report = import_file(
        write_csv(tmp_path / "a.csv", family_rows(jenis_lantai=" TANAH ", sumber_air_minum="sumur  bor"))
    ).report
    assert report["warnings"] == []
    family = Family.objects.get()
    assert (family.jenis_lantai, family.sumber_air_minum) == ("Tanah", "Sumur Bor")


@pytest.mark.django_db
def test_a_birth_date_that_disagrees_with_the_nik_is_a_warning(import_file, tmp_path):
    rows = family_rows()
    rows[0]["tanggal_lahir"] = "02-01-1980"
    report = import_file(write_csv(tmp_path / "a.csv", rows)).report
    assert warning_codes(report) == [(ROW(0), "tanggal_lahir", "nik_birthdate_mismatch")]


@pytest.mark.django_db
def test_no_kk_checks(import_file, tmp_path):
    header = ["nomor_kartu_keluarga", "kode_desa_kelurahan", "nama_kepala_keluarga", "desil_nasional"]
    base = {"kode_desa_kelurahan": "1274051010", "nama_kepala_keluarga": "A", "desil_nasional": "3"}
    rows = [
        {**base, "nomor_kartu_keluarga": "1274050101200001"},
        {**base, "nomor_kartu_keluarga": "127405010120"},
        {**base, "nomor_kartu_keluarga": "9999050101200001"},
        {**base, "nomor_kartu_keluarga": "1,27405E+15"},
        {**base, "nomor_kartu_keluarga": "1274050101200005", "desil_nasional": "11"},
    ]
    report = import_file(write_csv(tmp_path / "k.csv", rows, header=header, delimiter=";", title=False)).report
    assert [(i["row"], i["code"]) for i in report["rejected"]] == [
        (3, "kk_invalid"),
        (4, "kk_region_unknown"),
        (5, "kk_excel_number"),
        (6, "desil_out_of_range"),
    ]
    assert report["families"]["new"] == 1
