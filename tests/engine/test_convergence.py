"""Convergence and gap measures (tepat.engine.convergence) on a small hand-checked dataset, on polars
(eager and lazy) and DuckDB with identical results, plus properties over generated data.

The dataset (every expected figure below is counted by hand from these tables):

    family kelurahan       desil  flags                                  extreme poor
    1      12.74.01.1001   1      penerima_pkh Ya                        yes
    2      12.74.01.1001   1      -                                      yes
    3      12.74.01.1002   1      -                                      yes
    4      12.74.01.1002   2      -
    5      12.74.05.1010   1      penerima_sembako " ya "                yes
    6      12.74.05.1010   3      -
    7      12.74.05.1010   4      penerima_bpnt Ya, penerima_bst Ya
    8      12.74.01.1001   null   penerima_pkh Ya
    9      12.74.05.1010   1      penerima_bpnt null                     yes
    10     12.74.01.1002   2      penerima_pkh Tidak

    program        strategy                max_desil  eligible           prioritised
    bpnt_sembako   kurangi_beban           3          1 2 3 4 5 9 10     2 4 5
    padat_karya    tingkatkan_pendapatan   2          1 3 5              1 3
    pkh            kurangi_beban           2          1 2 3 5 9          1 2 3
    rtlh_bsps      kurangi_kantong         2          1 2 5 6            1 2 6

Recorded interventions: see RECORDED (one cancelled, one without family, one of an unknown family,
one of a program outside the catalogue, two PKH payments to family 3). Served pairs, flags included:
1: pkh (flag), padat_karya, rtlh_bsps · 3: pkh (2 records), bpnt_sembako · 4: rtlh_bsps ·
5: bpnt_sembako (flag) · 6: pkh, rtlh_bsps · 7: bpnt_sembako (flag) · 8: pkh (flag).
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from datetime import date
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tepat.engine.convergence import (
    STRATEGIES,
    Inputs,
    Measure,
    combine_interventions,
    convergence,
    coverage,
    drill,
    exclusion,
    inclusion,
    interventions_from_flags,
    prepare,
    served_pairs,
    stacking,
    unserved,
)
from tests.engine.data import BACKENDS, Backends

A1, A2, B1 = "12.74.01.1001", "12.74.01.1002", "12.74.05.1010"
KA, KB = "12.74.01", "12.74.05"
SNAPSHOT = date(2024, 1, 31)
FAMILIES = pl.DataFrame(
    {
        "family_id": list(range(1, 11)),
        "kecamatan": [KA, KA, KA, KA, KB, KB, KB, KA, KB, KA],
        "kelurahan": [A1, A1, A2, A2, B1, B1, B1, A1, B1, A2],
        "desil": [1, 1, 1, 2, 1, 3, 4, None, 1, 2],
        "penerima_pkh": ["Ya", "Tidak", None, "Tidak", "Tidak", "Tidak", "Tidak", "Ya", None, "Tidak"],
        "penerima_bpnt": ["Tidak", None, "Tidak", "Tidak", "Tidak", "Tidak", "Ya", "Tidak", None, "Tidak"],
        "penerima_sembako": [None, None, "Tidak", None, " ya ", None, None, None, None, None],
        "penerima_bst": [None, None, None, None, None, None, "Ya", None, None, None],
    },
    schema_overrides={"family_id": pl.Int64, "desil": pl.Int64},
)
PROGRAMS = pl.DataFrame(
    {
        "program": ["pkh", "bpnt_sembako", "padat_karya", "rtlh_bsps"],
        "strategy": ["kurangi_beban", "kurangi_beban", "tingkatkan_pendapatan", "kurangi_kantong"],
        "max_desil": [2, 3, 2, 2],
    },
    schema_overrides={"max_desil": pl.Int64},
)
ELIGIBLE = {
    "pkh": {1, 2, 3, 5, 9},
    "bpnt_sembako": {1, 2, 3, 4, 5, 9, 10},
    "padat_karya": {1, 3, 5},
    "rtlh_bsps": {1, 2, 5, 6},
}
ELIGIBILITY_SCHEMA = {"family_id": pl.Int64, "program": pl.String, "eligible": pl.Boolean, "prioritised": pl.Boolean}
PRIORITISED = {"pkh": {1, 2, 3}, "bpnt_sembako": {2, 4, 5}, "padat_karya": {1, 3}, "rtlh_bsps": {1, 2, 6}}
ELIGIBILITY = pl.DataFrame(
    [(f, p, f in ELIGIBLE[p], f in PRIORITISED[p]) for p in ELIGIBLE for f in range(1, 11)]
    + [(99, "pkh", True, True)],  # a family outside the registry (or the user's scope): ignored
    schema=ELIGIBILITY_SCHEMA,
    orient="row",
)
RECORDED = pl.DataFrame(
    [
        (1, "padat_karya", date(2024, 3, 1), 500_000.0, "tersalur", "opd", None),
        (1, "rtlh_bsps", date(2024, 4, 1), 15_000_000.0, "tersalur", "opd", None),
        (2, "rtlh_bsps", date(2024, 5, 1), 15_000_000.0, "dibatalkan", "opd", None),  # cancelled
        (3, "pkh", date(2024, 2, 1), 750_000.0, "tersalur", "opd", None),
        (3, "bpnt_sembako", date(2024, 2, 1), 200_000.0, "tersalur", "opd", None),
        (3, "pkh", date(2024, 5, 1), 750_000.0, "tersalur", "opd", None),
        (None, "pkh", date(2024, 2, 1), 750_000.0, "tersalur", "opd", "1274010101900001"),  # not in the registry
        (6, "pkh", date(2024, 2, 1), 750_000.0, "tersalur", "opd", None),
        (6, "rtlh_bsps", date(2024, 6, 1), 15_000_000.0, "tersalur", "opd", None),
        (4, "rtlh_bsps", date(2024, 6, 1), 15_000_000.0, "tersalur", "opd", None),
        (42, "bpnt_sembako", date(2024, 3, 1), 200_000.0, "tersalur", "opd", "1274010101900002"),  # unknown family
        (9, "kur_modal_usaha", date(2024, 3, 1), 5_000_000.0, "tersalur", "opd", None),  # not in the catalogue
    ],
    schema={
        "family_id": pl.Int64,
        "program": pl.String,
        "date": pl.Date,
        "amount": pl.Float64,
        "status": pl.String,
        "source": pl.String,
        "nik": pl.String,
    },
    orient="row",
)

EXTREME = [1, 2, 3, 5, 9]


# ---------------------------------------------------------------------------- helpers
def records(native: Any) -> list[dict[str, Any]]:
    """Rows of a native frame of any backend, in the frame's order."""
    if isinstance(native, pl.LazyFrame):
        native = native.collect()
    if isinstance(native, pl.DataFrame):
        return native.rows(named=True)
    return [dict(zip(native.columns, row)) for row in native.fetchall()]


def columns(native: Any) -> list[str]:
    return native.collect_schema().names() if isinstance(native, pl.LazyFrame) else list(native.columns)


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, str(value)) for value in row)


def rows_of(native: Any) -> list[tuple[Any, ...]]:
    return sorted((tuple(row.values()) for row in records(native)), key=_key)


def inputs_on(
    backends: Backends,
    backend: str,
    families: pl.DataFrame = FAMILIES,
    *,
    extreme: str | None = None,
    snapshot: date | None = SNAPSHOT,
    **options: Any,
) -> Inputs:
    native = {
        name: backends.native(frame, backend)
        for name, frame in (
            ("families", families),
            ("programs", PROGRAMS),
            ("eligibility", ELIGIBILITY),
            ("recorded", RECORDED),
        )
    }
    flags = interventions_from_flags(native["families"], snapshot=snapshot)
    interventions = combine_interventions(native["recorded"], flags, keep=["nik"])
    return prepare(
        native["families"],
        native["programs"],
        native["eligibility"],
        interventions,
        extreme=extreme,
        record_columns=["nik"],
        **options,
    )


def by_key(measure: Measure, *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(row[k] for k in keys): row for row in records(measure.summary)}


def detail_keys(measure: Measure, *keys: str, **filters: Any) -> set[tuple[Any, ...]]:
    return {tuple(row[k] for k in keys) for row in records(drill(measure.detail, filters))}


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


# ---------------------------------------------------------------------------- flags and inputs
def test_receipt_flags_become_delivered_interventions(backends: Backends, backend: str) -> None:
    flags = interventions_from_flags(backends.native(FAMILIES, backend), snapshot=SNAPSHOT)
    assert columns(flags) == ["family_id", "program", "date", "amount", "status", "source"]
    assert rows_of(flags) == [
        (1, "pkh", SNAPSHOT, None, "tersalur", "flag"),
        (5, "bpnt_sembako", SNAPSHOT, None, "tersalur", "flag"),
        (7, "bpnt_sembako", SNAPSHOT, None, "tersalur", "flag"),  # bpnt and sembako are one program
        (7, "bst", SNAPSHOT, None, "tersalur", "flag"),
        (8, "pkh", SNAPSHOT, None, "tersalur", "flag"),
    ]


def test_flags_follow_a_custom_mapping_and_skip_absent_columns(backends: Backends, backend: str) -> None:
    families = backends.native(FAMILIES.with_columns(penerima_pkh=pl.col("penerima_pkh") == "Ya"), backend)
    flags = interventions_from_flags(families, {"penerima_pkh": "pkh", "penerima_pbi": "pbi_jk"})
    assert [(row[0], row[1], row[2]) for row in rows_of(flags)] == [(1, "pkh", None), (8, "pkh", None)]
    assert rows_of(interventions_from_flags(families, {"penerima_pbi": "pbi_jk"})) == []


def test_served_pairs_count_delivered_records_of_catalogue_programs(backends: Backends, backend: str) -> None:
    inputs = inputs_on(backends, backend)
    served = records(inputs.native(served_pairs(inputs)))
    pairs = {(r["family_id"], r["program"]): (r["interventions"], r["amount"]) for r in served}
    assert pairs == {
        (1, "pkh"): (1, None),
        (1, "padat_karya"): (1, 500_000.0),
        (1, "rtlh_bsps"): (1, 15_000_000.0),
        (3, "pkh"): (2, 1_500_000.0),
        (3, "bpnt_sembako"): (1, 200_000.0),
        (4, "rtlh_bsps"): (1, 15_000_000.0),
        (5, "bpnt_sembako"): (1, None),
        (6, "pkh"): (1, 750_000.0),
        (6, "rtlh_bsps"): (1, 15_000_000.0),
        (7, "bpnt_sembako"): (1, None),
        (8, "pkh"): (1, None),
    }


def test_a_period_keeps_the_rows_dated_within_it_and_undated_flags(backends: Backends, backend: str) -> None:
    period = {"start": date(2024, 3, 1), "end": date(2024, 5, 31)}
    dated = inputs_on(backends, backend, **period)  # flags dated at the snapshot, 31 January: outside
    assert {(r["family_id"], r["program"], r["interventions"]) for r in records(dated.native(served_pairs(dated)))} == {
        (1, "padat_karya", 1),
        (1, "rtlh_bsps", 1),
        (3, "pkh", 1),
    }
    undated = inputs_on(backends, backend, snapshot=None, **period)
    assert {(r["family_id"], r["program"]) for r in records(undated.native(served_pairs(undated)))} == {
        (1, "padat_karya"),
        (1, "rtlh_bsps"),
        (3, "pkh"),
        (1, "pkh"),
        (5, "bpnt_sembako"),
        (7, "bpnt_sembako"),
        (8, "pkh"),
    }


# ---------------------------------------------------------------------------- 1. convergence matrix
def test_convergence_matrix_of_the_extreme_poor(backends: Backends, backend: str) -> None:
    matrix = convergence(inputs_on(backends, backend))
    detail = {row["family_id"]: row for row in records(matrix.detail)}
    assert sorted(detail) == EXTREME
    served = {f: tuple(detail[f][s] for s in STRATEGIES) for f in EXTREME}
    assert served == {
        1: (True, True, True),
        2: (False, False, False),
        3: (True, False, False),
        5: (True, False, False),
        9: (False, False, False),
    }  # 2: rtlh cancelled; 9: KUR not catalogued
    assert {f: detail[f]["n_strategies"] for f in EXTREME} == {1: 3, 2: 0, 3: 1, 5: 1, 9: 0}
    assert {f for f in EXTREME if detail[f]["program_pkh"]} == {1, 3}
    assert {f for f in EXTREME if detail[f]["program_bpnt_sembako"]} == {3, 5}
    (city,) = records(matrix.summary)
    assert city == {
        "extreme_poor": 5,
        "kurangi_beban": 3,
        "tingkatkan_pendapatan": 1,
        "kurangi_kantong": 1,
        "program_bpnt_sembako": 2,
        "program_padat_karya": 1,
        "program_pkh": 2,
        "program_rtlh_bsps": 1,
        "strategies_0": 2,
        "strategies_1": 2,
        "strategies_2": 0,
        "strategies_3": 1,
        "converged": 1,
        "converged_share": pytest.approx(1 / 5),
    }


def test_convergence_by_kelurahan(backends: Backends, backend: str) -> None:
    summary = by_key(convergence(inputs_on(backends, backend), by="kelurahan"), "kelurahan")
    wanted = ("extreme_poor", "kurangi_beban", "strategies_0", "strategies_1", "converged")
    assert {k: tuple(row[c] for c in wanted) for k, row in summary.items()} == {
        (A1,): (2, 1, 1, 0, 1),
        (A2,): (1, 1, 0, 1, 0),
        (B1,): (2, 1, 1, 1, 0),
    }
    assert summary[(A1,)]["converged_share"] == pytest.approx(0.5) and summary[(A2,)]["converged_share"] == 0.0


def test_the_extreme_poor_may_come_from_a_column(backends: Backends, backend: str) -> None:
    families = FAMILIES.with_columns(sangat_miskin=pl.col("family_id").is_in([6, 7]))
    matrix = convergence(inputs_on(backends, backend, families, extreme="sangat_miskin"))
    assert {(r["family_id"], r["n_strategies"]) for r in records(matrix.detail)} == {(6, 2), (7, 1)}


# ---------------------------------------------------------------------------- 2. coverage
def test_coverage_per_program_city_wide(backends: Backends, backend: str) -> None:
    summary = by_key(coverage(inputs_on(backends, backend)), "program")
    counts = ("eligible", "served", "served_eligible", "served_not_eligible")
    assert {k[0]: tuple(row[c] for c in counts) for k, row in summary.items()} == {
        "pkh": (5, 4, 2, 2),  # served 1 3 6 8; not eligible: 6 8
        "bpnt_sembako": (7, 3, 2, 1),  # served 3 5 7; 7 not eligible (42 is not a registry family)
        "padat_karya": (3, 1, 1, 0),
        "rtlh_bsps": (4, 3, 2, 1),  # served 1 4 6 (2 was cancelled); 4 not eligible
    }
    assert {k[0]: row["coverage"] for k, row in summary.items()} == pytest.approx(
        {"pkh": 2 / 5, "bpnt_sembako": 2 / 7, "padat_karya": 1 / 3, "rtlh_bsps": 2 / 4}
    )


def test_coverage_per_strategy(backends: Backends, backend: str) -> None:
    summary = by_key(coverage(inputs_on(backends, backend), per="strategy"), "strategy")
    counts = ("eligible", "served", "served_eligible", "served_not_eligible")
    assert {k[0]: tuple(row[c] for c in counts) for k, row in summary.items()} == {
        "kurangi_beban": (7, 6, 3, 3),  # eligible 1 2 3 4 5 9 10; served 1 3 5 6 7 8
        "tingkatkan_pendapatan": (3, 1, 1, 0),
        "kurangi_kantong": (4, 3, 2, 1),
    }


def test_coverage_by_kecamatan_lists_every_program_with_zeros(backends: Backends, backend: str) -> None:
    summary = by_key(coverage(inputs_on(backends, backend), by="kecamatan"), "kecamatan", "program")
    assert len(summary) == 2 * 4
    assert (summary[(KA, "pkh")]["eligible"], summary[(KA, "pkh")]["served"]) == (3, 3)
    assert summary[(KA, "pkh")]["coverage"] == pytest.approx(2 / 3)
    kb_pkh = summary[(KB, "pkh")]
    assert (kb_pkh["eligible"], kb_pkh["served"], kb_pkh["served_eligible"], kb_pkh["coverage"]) == (2, 1, 0, 0.0)
    assert (summary[(KB, "padat_karya")]["served"], summary[(KB, "padat_karya")]["coverage"]) == (0, 0.0)
    kelurahan = by_key(coverage(inputs_on(backends, backend), by="kelurahan"), "kelurahan", "program")
    assert kelurahan[(A2, "rtlh_bsps")]["eligible"] == 0 and kelurahan[(A2, "rtlh_bsps")]["coverage"] is None


# ---------------------------------------------------------------------------- 3. exclusion errors
def test_exclusion_errors_are_prioritised_eligible_families_not_served(backends: Backends, backend: str) -> None:
    measure = exclusion(inputs_on(backends, backend))
    summary = by_key(measure, "program")
    assert {k[0]: (row["target"], row["excluded"]) for k, row in summary.items()} == {
        "pkh": (3, 1),
        "bpnt_sembako": (3, 2),
        "padat_karya": (2, 1),
        "rtlh_bsps": (3, 1),
    }
    assert summary[("bpnt_sembako",)]["exclusion_rate"] == pytest.approx(2 / 3)
    assert detail_keys(measure, "family_id", "program", excluded=True) == {
        (2, "pkh"),
        (2, "bpnt_sembako"),
        (4, "bpnt_sembako"),
        (3, "padat_karya"),
        (2, "rtlh_bsps"),
    }


def test_exclusion_of_all_eligible_families(backends: Backends, backend: str) -> None:
    summary = by_key(exclusion(inputs_on(backends, backend), prioritised_only=False), "program")
    assert {k[0]: (row["target"], row["excluded"]) for k, row in summary.items()} == {
        "pkh": (5, 3),
        "bpnt_sembako": (7, 5),
        "padat_karya": (3, 2),
        "rtlh_bsps": (4, 2),
    }


# ---------------------------------------------------------------------------- 4. inclusion errors
def test_inclusion_errors(backends: Backends, backend: str) -> None:
    measure = inclusion(inputs_on(backends, backend))
    summary = by_key(measure, "program")
    counts = ("not_eligible", "above_desil", "not_registered", "inclusion")
    assert {k[0]: tuple(row[c] for c in counts) for k, row in summary.items()} == {
        "pkh": (2, 1, 1, 3),  # 6 (desil 3 > 2, not eligible), 8 (not eligible, desil unknown), one without family
        "bpnt_sembako": (1, 1, 1, 2),  # 7 (desil 4 > 3, not eligible), family 42 unknown
        "padat_karya": (0, 0, 0, 0),
        "rtlh_bsps": (1, 1, 0, 2),  # 4 not eligible; 6 eligible but desil 3 > 2
    }
    unregistered = records(drill(measure.detail, not_registered=True))
    assert sorted((r["family_id"] or 0, r["program"], r["nik"], r["kelurahan"]) for r in unregistered) == [
        (0, "pkh", "1274010101900001", None),
        (42, "bpnt_sembako", "1274010101900002", None),
    ]
    assert detail_keys(measure, "family_id", "program", above_desil=True) == {
        (6, "pkh"),
        (7, "bpnt_sembako"),
        (6, "rtlh_bsps"),
    }


def test_unregistered_recipients_fall_in_the_null_region(backends: Backends, backend: str) -> None:
    summary = by_key(inclusion(inputs_on(backends, backend), by="kecamatan"), "kecamatan", "program")
    assert summary[(None, "pkh")]["not_registered"] == 1 and summary[(None, "pkh")]["inclusion"] == 1
    assert summary[(KA, "pkh")]["inclusion"] == 1 and summary[(KB, "pkh")]["inclusion"] == 1


# ---------------------------------------------------------------------------- 5. stacking
def test_stacking_within_a_strategy(backends: Backends, backend: str) -> None:
    measure = stacking(inputs_on(backends, backend))
    assert rows_of(measure.detail) == [(3, KA, A2, 1, True, "kurangi_beban", 2, "bpnt_sembako, pkh")]
    assert columns(measure.detail)[-3:] == ["group", "n_programs", "programs"]
    assert {k[0]: row["stacked"] for k, row in by_key(measure, "group").items()} == {
        "kurangi_beban": 1,
        "tingkatkan_pendapatan": 0,
        "kurangi_kantong": 0,
    }


def test_stacking_over_configured_overlaps(backends: Backends, backend: str) -> None:
    overlaps = {"rumah_dan_kerja": ["rtlh_bsps", "padat_karya"], "sosial": ["pkh", "rtlh_bsps"]}
    measure = stacking(inputs_on(backends, backend), overlaps=overlaps)
    assert {(r["family_id"], r["group"], r["programs"]) for r in records(measure.detail)} == {
        (1, "rumah_dan_kerja", "padat_karya, rtlh_bsps"),
        (1, "sosial", "pkh, rtlh_bsps"),
        (6, "sosial", "pkh, rtlh_bsps"),
    }
    with pytest.raises(ValueError, match="kur"):
        stacking(inputs_on(backends, backend), overlaps={"x": ["pkh", "kur"]})


# ---------------------------------------------------------------------------- 6. unserved extreme poor
def test_unserved_extreme_poor(backends: Backends, backend: str) -> None:
    measure = unserved(inputs_on(backends, backend), by="kecamatan")
    summary = by_key(measure, "kecamatan")
    assert {k[0]: (r["extreme_poor"], r["unserved"], r["unserved_share"]) for k, r in summary.items()} == {
        KA: (3, 1, pytest.approx(1 / 3)),
        KB: (2, 1, 0.5),
    }
    assert detail_keys(measure, "family_id", unserved=True) == {(2,), (9,)}
    city = records(unserved(inputs_on(backends, backend)).summary)
    assert city == [{"extreme_poor": 5, "unserved": 2, "unserved_share": 0.4}]


# ---------------------------------------------------------------------------- drill-down
MEASURE_CALLS = {
    "convergence": lambda i, by: convergence(i, by=by),
    "unserved": lambda i, by: unserved(i, by=by),
    "coverage_program": lambda i, by: coverage(i, by=by),
    "coverage_strategy": lambda i, by: coverage(i, per="strategy", by=by),
    "exclusion": lambda i, by: exclusion(i, by=by),
    "inclusion": lambda i, by: inclusion(i, by=by),
    "stacking": lambda i, by: stacking(i, by=by),
}


@pytest.mark.parametrize("name", sorted(MEASURE_CALLS))
@pytest.mark.parametrize("by", [None, "kecamatan", "kelurahan"])
def test_every_count_drills_to_as_many_rows(name: str, by: str | None, backends: Backends, backend: str) -> None:
    measure = MEASURE_CALLS[name](inputs_on(backends, backend), by)
    for row in records(measure.summary):
        keys = {key: row[key] for key in measure.keys}
        for column in measure.counts:
            assert len(records(measure.cell(column, **keys))) == row[column], (row, column)


def test_drill_lists_the_families_behind_one_cell(backends: Backends, backend: str) -> None:
    measure = coverage(inputs_on(backends, backend), by="kelurahan")
    cell = measure.cell("served_not_eligible", kecamatan=KA, kelurahan=A1, program="pkh")
    assert [r["family_id"] for r in records(cell)] == [8]
    served_in_ka = drill(measure.detail, program="pkh", kelurahan=[A1, A2], served=True)
    assert {r["family_id"] for r in records(served_in_ka)} == {1, 3, 8}
    assert {r["family_id"] for r in records(drill(measure.detail, desil=None))} == {8}
    with pytest.raises(ValueError, match="rate"):
        measure.cell("coverage", program="pkh")
    with pytest.raises(ValueError, match="no count"):
        measure.cell("families")
    with pytest.raises(ValueError, match="keys"):
        measure.cell("served", desil=1)
    with pytest.raises(ValueError, match="lacks columns: nope"):
        drill(measure.detail, nope=1)


# ---------------------------------------------------------------------------- backends agree
@pytest.mark.parametrize("name", sorted(MEASURE_CALLS))
@pytest.mark.parametrize("by", [None, "kecamatan", "kelurahan"])
def test_backends_give_identical_results(name: str, by: str | None, backends: Backends) -> None:
    results = [MEASURE_CALLS[name](inputs_on(backends, backend), by) for backend in BACKENDS]
    first = results[0]
    for other in results[1:]:
        assert columns(other.summary) == columns(first.summary) and columns(other.detail) == columns(first.detail)
        assert rows_of(other.summary) == rows_of(first.summary)
        assert rows_of(other.detail) == rows_of(first.detail)
        assert records(other.summary) == records(first.summary)  # the same order too


def test_results_keep_the_input_form(backends: Backends) -> None:
    assert isinstance(coverage(inputs_on(backends, "polars")).summary, pl.DataFrame)
    assert isinstance(coverage(inputs_on(backends, "polars-lazy")).detail, pl.LazyFrame)
    assert type(coverage(inputs_on(backends, "duckdb")).summary).__name__ == "DuckDBPyRelation"


# ---------------------------------------------------------------------------- bad input
def test_bad_input_raises_clearly(backends: Backends) -> None:
    wrong = PROGRAMS.with_columns(strategy=pl.lit("kurangi_pengeluaran"))
    with pytest.raises(ValueError, match="unknown strategies"):
        prepare(FAMILIES, wrong, ELIGIBILITY, RECORDED)
    with pytest.raises(ValueError, match="unique"):
        prepare(FAMILIES, pl.concat([PROGRAMS, PROGRAMS]), ELIGIBILITY, RECORDED)
    with pytest.raises(ValueError, match="eligibility frame lacks columns: prioritised"):
        prepare(FAMILIES, PROGRAMS, ELIGIBILITY.drop("prioritised"), RECORDED)
    with pytest.raises(ValueError, match="same backend"):
        prepare(FAMILIES, PROGRAMS, ELIGIBILITY, backends.native(RECORDED, "duckdb"))
    with pytest.raises(ValueError, match="by must be"):
        coverage(prepare(FAMILIES, PROGRAMS, ELIGIBILITY, RECORDED), by="provinsi")
    with pytest.raises(ValueError, match="per must be"):
        coverage(prepare(FAMILIES, PROGRAMS, ELIGIBILITY, RECORDED), per="opd")


def test_the_engine_does_not_import_django() -> None:
    code = "import sys, tepat.engine.convergence; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


# ---------------------------------------------------------------------------- properties
KELURAHAN_OF = {"12.74.01": ["12.74.01.1001", "12.74.01.1002"], "12.74.05": ["12.74.05.1003", "12.74.05.1010"]}
CODES = ["pkh", "bpnt_sembako", "padat_karya", "rtlh_bsps", "kur_modal_usaha"]  # the last is not catalogued


@st.composite
def datasets(draw) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    size = draw(st.integers(0, 12))
    kecamatan = draw(st.lists(st.sampled_from(sorted(KELURAHAN_OF)), min_size=size, max_size=size))
    kelurahan = [draw(st.sampled_from(KELURAHAN_OF[k] + [None])) for k in kecamatan]
    families = pl.DataFrame(
        {
            "family_id": list(range(size)),
            "kecamatan": kecamatan,
            "kelurahan": kelurahan,
            "desil": draw(st.lists(st.none() | st.integers(1, 5), min_size=size, max_size=size)),
        },
        schema={"family_id": pl.Int64, "kecamatan": pl.String, "kelurahan": pl.String, "desil": pl.Int64},
    )
    pairs = st.tuples(st.integers(0, size + 1), st.sampled_from(CODES[:4]), st.booleans(), st.booleans())
    eligibility = pl.DataFrame(draw(st.lists(pairs, max_size=30)), orient="row", schema=ELIGIBILITY_SCHEMA)
    statuses = st.sampled_from(["tersalur", "dibatalkan", None])
    records_ = st.tuples(st.none() | st.integers(0, size + 1), st.sampled_from(CODES), statuses)
    interventions = pl.DataFrame(
        draw(st.lists(records_, max_size=25)),
        orient="row",
        schema={"family_id": pl.Int64, "program": pl.String, "status": pl.String},
    )
    return families, eligibility, interventions


def _additive(measure_at: dict[str | None, Measure]) -> None:
    """Counts summed over kelurahan equal the kecamatan rows, and over kecamatan the city rows."""
    dims = measure_at[None].keys
    for finer, coarser in (("kelurahan", "kecamatan"), ("kecamatan", None)):
        coarse_keys = measure_at[coarser].keys
        totals: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in records(measure_at[finer].summary):
            for column in measure_at[finer].counts:
                totals[tuple(row[k] for k in coarse_keys)][column] += row[column]
        expected = {
            tuple(row[k] for k in coarse_keys): {c: row[c] for c in measure_at[coarser].counts}
            for row in records(measure_at[coarser].summary)
        }
        assert set(totals) <= set(expected), (finer, coarser, dims)
        summed = {key: {c: totals[key][c] for c in counts} for key, counts in expected.items()}
        assert summed == expected, (finer, coarser)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=datasets())
def test_properties_hold_and_backends_agree_on_generated_data(data, backends: Backends) -> None:
    families, eligibility, interventions = data
    results = {}
    for backend, levels in (("polars", (None, "kecamatan", "kelurahan")), ("duckdb", ("kelurahan",))):
        native = [backends.native(frame, backend) for frame in (families, PROGRAMS, eligibility, interventions)]
        inputs = prepare(*native)
        results[backend] = {(name, by): call(inputs, by) for name, call in MEASURE_CALLS.items() for by in levels}
    for key, other in results["duckdb"].items():
        measure = results["polars"][key]
        assert rows_of(measure.summary) == rows_of(other.summary), key
        assert rows_of(measure.detail) == rows_of(other.detail), key
    for name in MEASURE_CALLS:
        _additive({by: results["polars"][(name, by)] for by in (None, "kecamatan", "kelurahan")})
    for (name, _), measure in results["polars"].items():
        for row in records(measure.summary):
            assert all(row[rate] is None or 0.0 <= row[rate] <= 1.0 for rate in measure.rates), (name, row)
            if name.startswith("coverage"):
                assert row["served_eligible"] <= row["eligible"]
                assert row["served"] <= row["eligible"] + row["served_not_eligible"]
            if name == "exclusion":
                assert row["excluded"] <= row["target"]
