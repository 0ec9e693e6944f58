"""Synthetic export generator: what a user of the files would notice (no Django, no database)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import fastexcel
import polars as pl
import pytest
from stdnum.id import nik as stdnik

from tepat.demo.generate import (
    FORMATS,
    TITLE_ROWS,
    GenerateResult,
    generate,
    load_tanjungbalai_regions,
)

PROFILES = Path(__file__).resolve().parents[1] / "tepat" / "registry" / "profiles"
DOMAINS = json.loads((PROFILES / "domains.json").read_text(encoding="utf-8"))
REF = dt.date(2024, 6, 30)
NIK_CODES = {
    "nik_excel_number",
    "nik_length",
    "nik_region_unknown",
    "nik_birthdate_invalid",
    "nik_sex_mismatch",
    "nik_duplicate_in_file",
}
EXPECTED_CODES = {
    "p3ke-keluarga": NIK_CODES
    | {"birthdate_invalid", "value_out_of_domain", "desil_out_of_range", "kelurahan_unknown"},
    "p3ke-individu": NIK_CODES
    | {"birthdate_invalid", "value_out_of_domain", "desil_out_of_range", "kelurahan_unknown", "family_no_head"},
    "dtsen-keluarga": {"value_out_of_domain", "desil_out_of_range", "kelurahan_unknown"},
    "dtsen-anggota": NIK_CODES | {"birthdate_invalid", "value_out_of_domain", "family_no_head"},
}
FAMILY_KEY = {
    "p3ke-keluarga": "id_keluarga_p3ke",
    "p3ke-individu": "id_keluarga_p3ke",
    "dtsen-keluarga": "no_kk",
    "dtsen-anggota": "no_kk",
}


def _profile(fmt: str) -> dict:
    return json.loads((PROFILES / f"{fmt}.json").read_text(encoding="utf-8"))


def _headers(fmt: str) -> list[str]:
    heads = [aliases[0] for aliases in _profile(fmt)["columns"].values()]
    return ["No", *heads] if fmt == "p3ke-keluarga" else heads


def _h(fmt: str, field: str) -> str:
    return _profile(fmt)["columns"][field][0]


def _canonical(fmt: str) -> dict[str, str]:
    """header -> canonical field."""
    return {aliases[0]: field for field, aliases in _profile(fmt)["columns"].items()}


def _first_row(fmt: str) -> int:
    return TITLE_ROWS + 2 if fmt.startswith("p3ke") else 2


def _read(path: Path, fmt: str) -> pl.DataFrame:
    """Data rows as strings, header from the file."""
    skip = TITLE_ROWS if fmt.startswith("p3ke") else 0
    if path.suffix == ".csv":
        return pl.read_csv(path, skip_rows=skip, infer_schema=False)
    return fastexcel.read_excel(path).load_sheet(0, header_row=skip, dtypes="string").to_polars()


@cache
def _kel_codes() -> frozenset[str]:
    df = load_tanjungbalai_regions().filter(pl.col("level") == "kelurahan")
    return frozenset(c.replace(".", "") for c in df["code"])


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(text or "", "%d-%m-%Y").date()
    except ValueError:
        return None


def _age(born: dt.date) -> int:
    return REF.year - born.year - ((born.month, born.day) > (REF.month, REF.day))


@pytest.fixture(autouse=True)
def _home() -> None:
    """These tests are Django-free: replace conftest's settings-based autouse fixture."""


@pytest.fixture(scope="module")
def make(tmp_path_factory: pytest.TempPathFactory):
    """Cached generate(); files live in one module-wide temp dir."""
    base, cache = tmp_path_factory.mktemp("gen"), {}

    def _make(
        fmt: str, families: int = 600, suffix: str = ".csv", seed: int = 1, error_rate: float = 0.0
    ) -> GenerateResult:
        key = (fmt, families, suffix, seed, error_rate)
        if key not in cache:
            out = base / f"{fmt}-{families}-{seed}-{error_rate}-{suffix[1:]}{suffix}"
            cache[key] = generate(families, fmt, out, seed=seed, error_rate=error_rate)
        return cache[key]

    return _make


# --------------------------------------------------------------------------- determinism, layout
def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    runs = [generate(300, "p3ke-individu", tmp_path / name, seed=7, error_rate=0.05) for name in ("a.csv", "b.csv")]
    assert runs[0].path.read_bytes() == runs[1].path.read_bytes()
    assert runs[0].truth_path.read_bytes() == runs[1].truth_path.read_bytes()
    other = generate(300, "p3ke-individu", tmp_path / "c.csv", seed=8, error_rate=0.05)
    assert other.path.read_bytes() != runs[0].path.read_bytes()


def test_columns_follow_profile_order_and_are_filled(make) -> None:
    optional = {"lapangan_usaha", "status_kedudukan_pekerjaan", "jenjang_pendidikan"}
    for fmt in FORMATS:
        df = _read(make(fmt).path, fmt)
        assert df.columns == _headers(fmt)
        for col in df.columns:
            if col not in optional:
                assert df[col].null_count() == 0, (fmt, col)


def test_p3ke_individu_xlsx_header_on_row_12(make) -> None:
    path = make("p3ke-individu", 150, ".xlsx").path
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert sheet.row(0)[0].startswith("DATA PENSASARAN PERCEPATAN PENGHAPUSAN KEMISKINAN")
    assert list(sheet.row(11)) == _headers("p3ke-individu")  # spreadsheet row 12
    assert sheet.row(12)[0].startswith("P3KE")  # data from row 13
    lines = make("p3ke-individu", 150).path.read_text(encoding="utf-8").splitlines()
    assert lines[11].split(",") == _headers("p3ke-individu")


def test_dtsen_files_have_header_on_row_1(make) -> None:
    path = make("dtsen-anggota", 100, ".xlsx").path
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string").to_polars()
    assert list(sheet.row(0)) == _headers("dtsen-anggota")


# --------------------------------------------------------------------------- one universe
def test_dtsen_keluarga_and_anggota_link_by_no_kk(make) -> None:
    kel = _read(make("dtsen-keluarga", 800).path, "dtsen-keluarga")
    ang = _read(make("dtsen-anggota", 800).path, "dtsen-anggota")
    kk = _h("dtsen-keluarga", "no_kk")
    assert kel[kk].is_unique().all()
    assert set(ang[kk]) <= set(kel[kk]) and set(ang[kk]) == set(kel[kk])
    per_family = ang.group_by(kk).agg(
        heads=(pl.col("hubungan_dengan_kepala_keluarga") == "Kepala Keluarga").sum(),
        members=pl.len(),
        head_name=pl.col("nama").filter(pl.col("hubungan_dengan_kepala_keluarga") == "Kepala Keluarga").first(),
    )
    joined = kel.join(per_family, on=kk)
    assert (joined["heads"] == 1).all()
    assert (joined["jumlah_anggota_keluarga"].cast(pl.Int64) == joined["members"]).all()
    assert (joined["nama_kepala_keluarga"] == joined["head_name"]).all()


def test_p3ke_keluarga_and_individu_describe_the_same_families(make) -> None:
    fam = _read(make("p3ke-keluarga", 500).path, "p3ke-keluarga")
    ind = _read(make("p3ke-individu", 500).path, "p3ke-individu")
    heads = ind.filter(pl.col("hubungan_dengan_kepala_keluarga") == "Kepala Keluarga")
    joined = fam.join(heads, left_on="ID Keluarga P3KE", right_on="id_keluarga_p3ke")
    assert joined.height == fam.height == heads.height
    assert (joined["NIK"] == joined["nik"]).all()
    assert (joined["Kepala Keluarga"] == joined["nama"]).all()
    assert (joined["Nama"] == joined["nama"]).all()
    assert (joined["Desil Kesejahteraan"] == joined["desil_kesejahteraan"]).all()


def test_same_seed_same_universe_across_formats(make) -> None:
    p3ke = _read(make("p3ke-keluarga", 400).path, "p3ke-keluarga")
    dtsen = _read(make("dtsen-keluarga", 400).path, "dtsen-keluarga")
    assert p3ke["Nomor KK"].to_list() == dtsen["nomor_kartu_keluarga"].to_list()
    assert p3ke["Kode Kemendagri"].to_list() == dtsen["kode_desa_kelurahan"].to_list()


# --------------------------------------------------------------------------- identity numbers
def test_niks_are_valid_unique_and_agree_with_sex_and_birth_date(make) -> None:
    df = _read(make("p3ke-individu", 1500).path, "p3ke-individu")
    niks = df["nik"]
    assert niks.str.contains(r"^\d{16}$").all()
    assert niks.is_unique().all()
    for nik, sex, born in zip(niks, df["jenis_kelamin"], df["tanggal_lahir"]):
        day = int(nik[6:8])
        assert (day > 40) == (sex == "Perempuan")
        assert f"{day % 40:02d}{nik[8:12]}" == born[:2] + born[3:5] + born[8:10]
    outside = [n for n in niks if not n.startswith("1274")]
    assert 0.04 < len(outside) / len(niks) < 0.13
    assert all(stdnik.is_valid(n) for n in outside)
    assert {n[:6] for n in outside} <= {"120901", "120803", "127101"}


def test_no_kk_and_ids_are_unique_and_well_formed(make) -> None:
    kel = _read(make("dtsen-keluarga", 800).path, "dtsen-keluarga")
    assert kel["nomor_kartu_keluarga"].str.contains(r"^1274\d{12}$").all()
    ind = _read(make("p3ke-individu", 500).path, "p3ke-individu")
    assert ind["id_individu"].str.contains(r"^IND\d{12}$").all()
    assert ind["id_individu"].is_unique().all()
    assert ind["id_keluarga_p3ke"].str.contains(r"^P3KE\d{10}$").all()
    assert ind["nomor_kk"].n_unique() == ind["id_keluarga_p3ke"].n_unique() == 500


# --------------------------------------------------------------------------- plausibility
def test_categorical_values_are_in_domains(make) -> None:
    flags = set(DOMAINS["flag_fields"])
    for fmt in FORMATS:
        df = _read(make(fmt, 800).path, fmt)
        checked = 0
        for header, field in _canonical(fmt).items():
            if field in DOMAINS["domains"]:
                allowed = set(DOMAINS["domains"][field])
            elif field in flags or field.startswith("usia_"):
                allowed = {"Ya", "Tidak"}
            else:
                continue
            checked += 1
            assert set(df[header].unique()) <= allowed, (fmt, header)
        assert checked >= 3


def test_family_size_and_desil_distribution(make) -> None:
    kel = _read(make("dtsen-keluarga", 2000).path, "dtsen-keluarga")
    sizes = kel["jumlah_anggota_keluarga"].cast(pl.Int64)
    assert 3.5 <= sizes.mean() <= 4.3 and sizes.min() >= 1 and sizes.max() <= 9
    desil = kel["desil_nasional"].cast(pl.Int64)
    assert desil.min() >= 1 and desil.max() <= 10 and desil.median() <= 5
    p3ke = _read(make("p3ke-keluarga", 2000).path, "p3ke-keluarga")
    shares = p3ke["Desil Kesejahteraan"].value_counts(normalize=True).sort("Desil Kesejahteraan")
    assert shares["Desil Kesejahteraan"].to_list() == ["1", "2", "3", "4"]
    assert all(abs(a - b) < 0.04 for a, b in zip(shares["proportion"], (0.15, 0.25, 0.30, 0.30)))
    pkh = p3ke.group_by("Desil Kesejahteraan").agg((pl.col("Penerima PKH") == "Ya").mean())
    rate = dict(pkh.iter_rows())
    assert rate["1"] > rate["2"] > rate["4"] and rate["1"] > 0.3 and rate["4"] < 0.15
    assert set(p3ke["Kode Kemendagri"]) <= _kel_codes()
    assert p3ke["Kode Kemendagri"].n_unique() > 25  # spread over the city


def test_members_are_consistent_with_age_and_relationship(make) -> None:
    df = _read(make("p3ke-individu", 800).path, "p3ke-individu")
    first = df.group_by("id_keluarga_p3ke", maintain_order=True).first()
    assert (first["hubungan_dengan_kepala_keluarga"] == "Kepala Keluarga").all()
    bands = [
        ("usia_dibawah_7_tahun", 0, 6),
        ("usia_7_sd_12", 7, 12),
        ("usia_13_sd_15", 13, 15),
        ("usia_16_sd_18", 16, 18),
        ("usia_19_sd_21", 19, 21),
        ("usia_22_sd_59", 22, 59),
        ("usia_60_tahun_keatas", 60, 200),
    ]
    for row in df.iter_rows(named=True):
        age = _age(_date(row["tanggal_lahir"]))
        assert [row[c] for c, lo, hi in bands] == ["Ya" if lo <= age <= hi else "Tidak" for c, lo, hi in bands]
        if age < 16:
            assert row["status_kawin"] == "Belum Kawin"
        if row["hubungan_dengan_kepala_keluarga"] == "Istri/Suami":
            assert row["status_kawin"] == "Kawin" and age >= 16
        if row["pendidikan"] == "Masih SD":
            assert 6 <= age <= 16
        if row["hubungan_dengan_kepala_keluarga"] == "Kepala Keluarga":
            assert age >= 18
    assert (
        0.75
        < (
            df.filter(pl.col("hubungan_dengan_kepala_keluarga") == "Kepala Keluarga")["jenis_kelamin"] == "Laki-laki"
        ).mean()
        < 0.92
    )


# --------------------------------------------------------------------------- faults
def _nik_clean(nik: str, sex: str | None, born: str | None) -> bool:
    if not (re.fullmatch(r"\d{16}", nik or "") and stdnik.is_valid(nik)):
        return False
    day = int(nik[6:8])
    if sex is not None and (day > 40) != (sex == "Perempuan"):
        return False
    date = _date(born)
    return date is None or f"{day % 40:02d}{nik[8:12]}" == date.strftime("%d%m%y")


def _dirty_columns(fmt: str, row: dict) -> set[str]:
    """Headers whose value a validator would reject (duplicates are checked separately)."""
    canon, flags, dirty = _canonical(fmt), set(DOMAINS["flag_fields"]), set()
    by_field = {field: header for header, field in canon.items()}
    scale = range(1, 5) if fmt.startswith("p3ke") else range(1, 11)
    for header, field in canon.items():
        value = row[header]
        if field == "nik":
            bad = not _nik_clean(value, row.get(by_field.get("jenis_kelamin")), row.get(by_field.get("tanggal_lahir")))
        elif field == "tanggal_lahir":
            bad = _date(value) is None
        elif field in ("desil", "desil_nasional"):
            bad = not (value.isdigit() and int(value) in scale)
        elif field == "kode_kemendagri":
            bad = value not in _kel_codes()
        elif field in DOMAINS["domains"]:
            bad = value not in DOMAINS["domains"][field]
        elif field in flags:
            bad = value not in ("Ya", "Tidak")
        else:
            continue
        if bad:
            dirty.add(header)
    return dirty


def _check_truth(fmt: str, result: GenerateResult) -> pl.DataFrame:
    """Every listed row carries its fault, every other row is clean; returns the truth."""
    df = _read(result.path, fmt).with_row_index("i")
    truth = pl.read_csv(result.truth_path, infer_schema=False).with_columns(pl.col("row").cast(pl.Int64))
    assert truth.columns == ["row", "column", "code", "value", "description"]
    assert truth["row"].is_unique().all()  # never two faults on a row
    assert set(truth["code"]) <= EXPECTED_CODES[fmt]
    assert abs(truth.height / result.rows - 0.05) <= 0.02
    assert truth.height == result.faults
    listed = {r: (c, code, v) for r, c, code, v in truth.select("row", "column", "code", "value").iter_rows()}
    key = _h(fmt, FAMILY_KEY[fmt])
    no_head = set(
        truth.filter(pl.col("code") == "family_no_head").join(
            df.with_columns((pl.col("i") + _first_row(fmt)).alias("row")), on="row"
        )[key]
    )
    seen_niks: Counter = Counter()
    for row in df.iter_rows(named=True):
        number = row["i"] + _first_row(fmt)
        dirty = _dirty_columns(fmt, row)
        column, code, value = listed.get(number, (None, None, None))
        if code is not None:
            assert row[column] == value, (number, code)
        if code in (None, "family_no_head", "nik_duplicate_in_file") or (
            code == "nik_excel_number" and result.path.suffix == ".xlsx"
        ):
            assert not dirty, (number, code, dirty)
        else:
            assert dirty == {column}, (number, code, dirty)
        if "nik" in _canonical(fmt).values():
            nik = row[_h(fmt, "nik")]
            if code == "nik_duplicate_in_file":
                assert seen_niks[nik] >= 1, number  # the copy is the later row
            elif code is None:
                assert seen_niks[nik] == 0, number
            seen_niks[nik] += 1
        if code == "family_no_head" or row[key] in no_head:
            assert code == "family_no_head"
    for family in no_head:
        rel = df.filter(pl.col(key) == family)["hubungan_dengan_kepala_keluarga"]
        assert "Kepala Keluarga" not in rel.to_list()
    return truth


@pytest.mark.parametrize("fmt", FORMATS)
def test_fault_truth_matches_file(make, fmt: str) -> None:
    result = make(fmt, 1200, error_rate=0.05)
    truth = _check_truth(fmt, result)
    assert set(truth["code"]) == EXPECTED_CODES[fmt]
    if fmt in ("p3ke-individu", "dtsen-anggota"):
        df = _read(result.path, fmt).with_row_index("i")
        heads = set(df.filter(pl.col("hubungan_dengan_kepala_keluarga") == "Kepala Keluarga")["i"] + _first_row(fmt))
        others = truth.filter(pl.col("code") != "family_no_head")
        assert not heads & set(others["row"])  # faults never sit on a head row
    excel = truth.filter(pl.col("code") == "nik_excel_number")["value"]
    assert excel.str.contains(r"^\d(,\d+)?E\+15$").all()


def test_xlsx_excel_number_faults_are_numeric_cells(make) -> None:
    fmt = "p3ke-keluarga"
    result = make(fmt, 1500, ".xlsx", error_rate=0.05)
    truth = _check_truth(fmt, result)
    sheet = (
        fastexcel.read_excel(result.path).load_sheet(0, header_row=TITLE_ROWS, dtypes={"NIK": "boolean"}).to_polars()
    )
    numeric_rows = {i + _first_row(fmt) for i, v in enumerate(sheet["NIK"]) if v is not None}
    expected = set(truth.filter(pl.col("code") == "nik_excel_number")["row"])
    assert expected and numeric_rows == expected


def test_zero_error_rate_writes_no_truth(make) -> None:
    result = make("dtsen-anggota", 300)
    assert result.faults == 0 and result.truth_path is None


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(10, "bdt", tmp_path / "x.csv")
    with pytest.raises(ValueError):
        generate(10, "dtsen-anggota", tmp_path / "x.json")
    with pytest.raises(ValueError):
        generate(10, "dtsen-anggota", tmp_path / "x.csv", error_rate=0.9)


def test_region_master_loader() -> None:
    df = load_tanjungbalai_regions()
    assert df.filter(pl.col("level") == "kelurahan").height == 31
    assert df.filter(pl.col("level") == "kecamatan").height == 6
    assert "1274051001" not in _kel_codes() and "1274051010" in _kel_codes()
