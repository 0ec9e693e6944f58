"""Evaluation on a small hand-checked dataset, on every backend: null semantics, ages, aggregates,
reasons and counts."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from tepat.engine.rules import RuleError, count, evaluate, parse
from tests.engine.data import BACKENDS, Backends, result_columns, result_rows

REFERENCE = date(2024, 6, 30)
FAMILIES = pl.DataFrame(
    {
        "family_id": [1, 2, 3, 4],
        "desil": [1, None, 3, 2],
        "kelurahan": ["12.74.05.1010", "12.74.05.1003", "12.74.01.1001", "12.74.01.1002"],
        "jenis_lantai": ["Tanah", "", "Semen", None],
        "penerima_pbi": ["Ya", "", None, "Tidak"],
    },
    schema_overrides={"desil": pl.Int64},
)
MEMBERS = pl.DataFrame(
    {
        "family_id": [1, 1, 2, 3, 3, 3, 9],
        "tanggal_lahir": [
            date(2010, 6, 30),
            date(1980, 1, 1),
            date(1950, 7, 1),
            date(2020, 7, 1),
            date(2019, 6, 30),
            None,
            date(2000, 1, 1),
        ],
        "is_active": [True, True, True, False, True, True, True],
        "partisipasi_sekolah": [
            "Tidak Sekolah",
            "Tidak bersekolah lagi",
            None,
            "",
            "Masih sekolah",
            "",
            "Tidak Sekolah",
        ],
    }
)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def eligible(text: str, backends: Backends, backend: str, families: pl.DataFrame = FAMILIES) -> set[int]:
    result = evaluate(text, backends.native(families, backend), backends.native(MEMBERS, backend), REFERENCE)
    return {row[0] for row in result_rows(result) if row[1]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("desil > 2", {3}),
        ("not desil <= 2", {2, 3}),
        ('jenis_lantai != "Tanah"', {3}),
        ('not jenis_lantai == "Tanah"', {2, 3, 4}),
        ('jenis_lantai not in ["Tanah"]', {3}),
        ('bukan jenis_lantai in ["Tanah"]', {2, 3, 4}),
        ('penerima_pbi == "Ya" or penerima_pbi == "Tidak"', {1, 4}),
        ('kecamatan == "12.74.01"', {3, 4}),
        ('kelurahan in ["12.74.05.1010", "12.74.01.1002"]', {1, 4}),
        ("desil == desil", {1, 3, 4}),
        ("true", {1, 2, 3, 4}),
        ("1 > 2", set()),
    ],
)
def test_missing_values_make_comparisons_false(text: str, expected: set[int], backends: Backends, backend: str) -> None:
    assert eligible(text, backends, backend) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ada_anggota(umur == 14)", {1}),  # the 14th birthday is on the reference date
        ("ada_anggota(umur >= 74)", {2} - {2}),  # born 1 July 1950: still 73 on 30 June 2024
        ("ada_anggota(umur == 73)", {2}),
        ("ada_anggota(73 == umur)", {2}),
        ("ada_anggota(umur in [73, 14])", {1, 2}),
        ("ada_anggota(balita)", set()),  # the 3-year-old is inactive; the other child is 5
        ("ada_anggota(umur <= 5)", {3}),
        ("ada_anggota(umur < 5.5)", {3}),
        ("ada_anggota(umur != 5)", {1, 2}),  # a missing birth date is not "not 5"
        ('ada_anggota(partisipasi_sekolah == "Tidak Sekolah")', {1}),  # family 9 does not exist
        ("semua_anggota(umur >= 5)", {1, 2}),  # family 3 has a member without birth date; 4 has none
        ("jumlah_anggota_yang(umur >= 0) == 2", {1}),
        ("jumlah_anggota == 2", {1, 3}),
        ("jumlah_anggota == 0", {4}),
        ('desil <= 2 and ada_anggota(umur >= 7 and umur <= 18 and partisipasi_sekolah == "Tidak Sekolah")', {1}),
    ],
)
def test_member_aggregates_count_active_members_at_the_reference_date(
    text: str, expected: set[int], backends: Backends, backend: str
) -> None:
    assert eligible(text, backends, backend) == expected


def test_results_carry_their_reasons(backends: Backends, backend: str) -> None:
    text = "desil <= 2 atau lantai_tanah atau ada_anggota(lansia)"
    result = evaluate(text, backends.native(FAMILIES, backend), backends.native(MEMBERS, backend), REFERENCE)
    assert result_columns(result) == ["family_id", "eligible", "desil <= 2", "lantai_tanah", "ada_anggota(lansia)"]
    assert result_rows(result) == [
        (1, True, True, True, False),
        (2, True, False, False, True),
        (3, False, False, False, False),
        (4, True, True, False, False),
    ]


def test_the_result_stays_in_the_input_backend(backends: Backends, backend: str) -> None:
    result = evaluate("desil <= 2", backends.native(FAMILIES, backend), backends.native(MEMBERS, backend), REFERENCE)
    expected = {"polars": pl.DataFrame, "polars-lazy": pl.LazyFrame, "duckdb": duckdb.DuckDBPyRelation}[backend]
    assert isinstance(result, expected)


def test_count_families_and_members_by_kecamatan(backends: Backends, backend: str) -> None:
    families, members = backends.native(FAMILIES, backend), backends.native(MEMBERS, backend)
    counts = count("desil <= 2", families, members, REFERENCE, by="kecamatan")
    assert counts.to_dict() == {
        "families": 2,
        "members": 2,
        "by": [
            {"kecamatan": "12.74.01", "families": 1, "members": 0},
            {"kecamatan": "12.74.05", "families": 1, "members": 2},
        ],
    }
    assert [g.total_families for g in counts.groups] == [2, 2]
    assert count("desil <= 2", families, members, REFERENCE).to_dict() == {"families": 2, "members": 2, "by": None}


def test_count_warns_when_every_or_no_family_is_eligible(backends: Backends, backend: str) -> None:
    families, members = backends.native(FAMILIES, backend), backends.native(MEMBERS, backend)
    assert count("desil <= 9 or not desil <= 9", families, members, REFERENCE).warning.code == "always_true"
    assert count("desil > 9", families, members, REFERENCE).warning.code == "always_false"
    assert count("desil <= 2", families, members, REFERENCE).warning is None


def test_kecamatan_is_read_from_its_column_when_present(backends: Backends, backend: str) -> None:
    families = FAMILIES.with_columns(kecamatan=pl.lit("12.74.06"))
    assert eligible('kecamatan == "12.74.06"', backends, backend, families) == {1, 2, 3, 4}


def test_it_accepts_text_a_rule_or_a_tree() -> None:
    rule = parse("desil <= 2")
    for given in ("desil <= 2", rule, rule.root):
        assert result_rows(evaluate(given, FAMILIES, MEMBERS, REFERENCE)) == result_rows(
            evaluate(rule, FAMILIES, MEMBERS, REFERENCE)
        )
    with pytest.raises(RuleError):
        evaluate("desl <= 2", FAMILIES, MEMBERS, REFERENCE)


def test_programming_errors_raise_value_error(backends: Backends) -> None:
    with pytest.raises(ValueError, match="families frame lacks columns needed by the rule: jenis_dinding"):
        evaluate("dinding_tidak_layak", FAMILIES, MEMBERS, REFERENCE)
    with pytest.raises(ValueError, match="members frame lacks .*pendidikan"):
        evaluate('ada_anggota(pendidikan == "Tamat SD")', FAMILIES, MEMBERS, REFERENCE)
    with pytest.raises(ValueError, match="same backend"):
        evaluate("desil <= 2", FAMILIES, backends.native(MEMBERS, "duckdb"), REFERENCE)
    with pytest.raises(ValueError, match="cannot group by 'umur'"):
        count("desil <= 2", FAMILIES, MEMBERS, REFERENCE, by="umur")


SPELLINGS = pl.DataFrame(
    {
        "family_id": [1, 2, 3, 4, 5],
        "tanggal_lahir": [date(1980, 1, 1)] * 5,
        "is_active": [True] * 5,
        "pekerjaan": ["BURUH HARIAN LEPAS", "Buruh Harian Lepas", " buruh  harian\tlepas ", "Buruh Harian", "   "],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('ada_anggota(pekerjaan == "BURUH HARIAN LEPAS")', {1, 2, 3}),
        ('ada_anggota(pekerjaan == "buruh harian lepas")', {1, 2, 3}),
        ('ada_anggota(pekerjaan in ["Buruh  Harian Lepas", "nelayan"])', {1, 2, 3}),
        ('ada_anggota(pekerjaan != "buruh harian lepas")', {4}),  # only spaces is missing, as empty text is
        ('ada_anggota(pekerjaan not in ["BURUH HARIAN LEPAS"])', {4}),
    ],
)
def test_free_text_is_compared_without_regard_to_case_and_spacing(
    text: str, expected: set[int], backends: Backends, backend: str
) -> None:
    families = pl.DataFrame({"family_id": [1, 2, 3, 4, 5], "desil": [1] * 5}, schema_overrides={"desil": pl.Int64})
    result = evaluate(text, backends.native(families, backend), backends.native(SPELLINGS, backend), REFERENCE)
    assert {row[0] for row in result_rows(result) if row[1]} == expected


def test_a_value_list_field_stays_exact(backends: Backends, backend: str) -> None:
    with pytest.raises(RuleError) as raised:
        evaluate(
            'jenis_lantai == "tanah"', backends.native(FAMILIES, backend), backends.native(MEMBERS, backend), REFERENCE
        )
    assert raised.value.issues[0].code == "unknown_value"
