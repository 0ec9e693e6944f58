"""FGT (tepat.engine.measures.fgt) on hand-computed cases, on polars (eager and lazy) and DuckDB, against
a plain Python reference written from docs/measures.md, and against its properties."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tepat.engine.measures import FgtRow, InputError, fgt_cli_result, fgt_from_frame, read_survey_csv
from tests.engine.data import BACKENDS, Backends

# y: per-capita expenditure, line 100. Poor: 50 (gap 0.5, weight 1) and 80 (gap 0.2, weight 3);
# 100 sits exactly at the line and is not poor. Total weight 9:
#   P0 = 4/9, P1 = (0.5 + 3 x 0.2)/9 = 1.1/9, P2 = (0.25 + 3 x 0.04)/9 = 0.37/9.
HAND = pl.DataFrame(
    {
        "y": [50.0, 100.0, 150.0, 200.0, 80.0, 120.0],
        "w": [1.0, 2.0, 1.0, 1.0, 3.0, 1.0],
        "g": ["a", "a", "b", None, "b", "a"],
    }
)
KEYS = ("p0", "p1", "p2", "se_p0", "se_p1", "se_p2")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def close(row: FgtRow | dict[str, Any], expected: dict[str, Any], rel: float = 1e-9) -> None:
    values = row if isinstance(row, dict) else row.__dict__
    for key, value in expected.items():
        if value is None or isinstance(value, str):
            assert values[key] == value, key
        else:
            assert values[key] == pytest.approx(value, rel=rel, abs=1e-9), key


def test_weighted_headcount_depth_and_severity_by_hand(backends: Backends, backend: str) -> None:
    result = fgt_from_frame(backends.native(HAND, backend), "y", 100, weight="w")
    close(result.overall, {"n": 6, "weight_sum": 9, "p0": 400 / 9, "p1": 110 / 9, "p2": 37 / 9})
    assert result.groups == ()
    assert result.rows()[0].keys() == {"n", "weight_sum", "p0", "p1", "p2", "se_p0", "se_p1", "se_p2"}


def test_a_person_exactly_at_the_line_is_not_poor(backends: Backends, backend: str) -> None:
    frame = pl.DataFrame({"y": [100.0, 100.0, 99.99]})
    result = fgt_from_frame(backends.native(frame, backend), "y", 100)
    assert result.overall.p0 == pytest.approx(100 / 3)


def test_by_group_with_a_null_group_last(backends: Backends, backend: str) -> None:
    result = fgt_from_frame(backends.native(HAND, backend), "y", 100, weight="w", by="g")
    assert [row["group"] for row in result.rows()] == ["a", "b", None]
    a, b, none = result.groups
    close(a, {"n": 3, "weight_sum": 4, "p0": 25, "p1": 12.5, "p2": 6.25})  # 50 poor (w 1) of 4
    close(b, {"n": 2, "weight_sum": 4, "p0": 75, "p1": 15, "p2": 3})  # 80 poor (w 3) of 4
    close(none, {"n": 1, "p0": 0})


def test_standard_error_of_an_unweighted_headcount_is_that_of_a_proportion(backends: Backends, backend: str) -> None:
    # p = 0.5 of n = 4: Var = p(1 - p)/(n - 1) = 0.25/3.
    result = fgt_from_frame(backends.native(pl.DataFrame({"y": [1, 2, 3, 4]}), backend), "y", 2.5)
    assert result.overall.se_p0 == pytest.approx(100 * math.sqrt(0.25 / 3))


def test_standard_errors_with_strata_and_psus_by_hand(backends: Backends, backend: str) -> None:
    # W = 8, P0 = 3/8. u_i = w_i (g_i - P0)/W; PSU totals: c1 = 1(.625)/8 + 1(-.375)/8 = .03125,
    # c2 = 2(-.375)/8 = -.09375 (stratum A, mean -.03125); c3 = 2(.625)/8 = .15625, c4 = -.09375
    # (stratum B, mean .03125). V = 2/1 (.0625^2 + .0625^2) + 2/1 (.125^2 + .125^2) = .078125.
    frame = pl.DataFrame(
        {
            "y": [50, 150, 150, 50, 150],
            "w": [1, 1, 2, 2, 2],
            "stratum": ["A", "A", "A", "B", "B"],
            "psu": [1, 1, 2, 1, 2],
        }
    )
    result = fgt_from_frame(backends.native(frame, backend), "y", 100, weight="w", strata="stratum", psu="psu")
    assert result.overall.p0 == pytest.approx(37.5)
    assert result.overall.se_p0 == pytest.approx(100 * math.sqrt(0.078125))


def test_a_single_observation_has_no_standard_error(backends: Backends, backend: str) -> None:
    result = fgt_from_frame(backends.native(pl.DataFrame({"y": [10.0]}), backend), "y", 100)
    close(result.overall, {"p0": 100, "p1": 90, "p2": 81, "se_p0": None, "se_p1": None, "se_p2": None})


def test_group_specific_lines_from_a_column(backends: Backends, backend: str) -> None:
    frame = pl.DataFrame(
        {"y": [90, 90, 110, 130], "line": [100, 80, 120, 120], "area": ["kota", "desa", "kota", "desa"]}
    )
    result = fgt_from_frame(backends.native(frame, backend), "y", "line", by="area")
    desa, kota = result.groups
    close(kota, {"group": "kota", "p0": 100, "p1": (0.1 + 10 / 120) / 2 * 100})
    close(desa, {"group": "desa", "p0": 0, "p1": 0})
    assert result.to_dict()["line"] == {"column": "line"}


# ------------------------------------------------------------------------------------------- errors
def refused(frame: pl.DataFrame, backends: Backends, backend: str, **options: Any) -> InputError:
    arguments = {"expenditure": "y", "line": 100, **options}
    with pytest.raises(InputError) as caught:
        fgt_from_frame(backends.native(frame, backend), **arguments)
    return caught.value


def test_a_negative_weight_names_the_column_and_the_first_bad_row(backends: Backends, backend: str) -> None:
    error = refused(pl.DataFrame({"y": [1.0, 2, 3, 4], "bobot": [1.0, 2, -1, -5]}), backends, backend, weight="bobot")
    assert isinstance(error, ValueError)
    assert (error.column, error.row) == ("bobot", 3)
    assert "Bobot negatif di kolom 'bobot' pada baris 3 (2 baris)" in str(error)
    assert "Negative weight in column 'bobot' at row 3 (2 rows)" in str(error)


def test_zero_total_weight_is_refused(backends: Backends, backend: str) -> None:
    error = refused(pl.DataFrame({"y": [1.0, 2], "w": [0.0, 0.0]}), backends, backend, weight="w")
    assert "Jumlah bobot di kolom 'w' adalah 0" in str(error) and "sum to 0" in str(error)


def test_a_group_with_zero_weight_is_refused(backends: Backends, backend: str) -> None:
    frame = pl.DataFrame({"y": [1.0, 2], "w": [1.0, 0.0], "g": ["a", "b"]})
    error = refused(frame, backends, backend, weight="w", by="g")
    assert "g = 'b'" in error.message_id and "g = 'b'" in error.message_en


@pytest.mark.parametrize(
    ("frame", "options", "expected"),
    [
        (pl.DataFrame({"y": [1.0, None]}), {}, "Column 'y' is empty or not a number at row 2 (1 rows)"),
        (
            pl.DataFrame({"y": [1.0, float("nan"), float("nan")]}),
            {},
            "Column 'y' is empty or not a number at row 2 (2 rows)",
        ),
        (pl.DataFrame({"y": [1.0, -2.0]}), {}, "Negative expenditure in column 'y' at row 2"),
        (pl.DataFrame({"y": [1.0], "z": [0.0]}), {"line": "z"}, "The poverty line must be above 0: column 'z', row 1"),
        (pl.DataFrame({"y": [1.0]}), {"line": 0}, "The poverty line must be a number above 0, not 0"),
        (pl.DataFrame({"y": [1.0]}), {"line": float("inf")}, "The poverty line must be a number above 0"),
        (pl.DataFrame({"y": [1.0]}), {"weight": "bobot"}, "Column not found: bobot (available columns: y)"),
        (pl.DataFrame({"y": ["1.0"]}), {}, "Column 'y' must hold numbers"),
        (pl.DataFrame({"y": [1.0, 2.0], "s": [1, 2]}), {"strata": "s"}, "Stratum s = 1 has a single row"),
        (pl.DataFrame({"y": [1.0, 2.0], "s": [1, 1], "c": [7, 7]}), {"strata": "s", "psu": "c"}, "has a single PSU"),
        (pl.DataFrame({"y": [1.0, 2.0], "c": [7, None]}), {"psu": "c"}, "Survey design column 'c' is empty at row 2"),
        (pl.DataFrame({"y": []}, schema={"y": pl.Float64}), {}, "The data has no rows"),
    ],
)
def test_bad_input_is_refused_in_both_languages(
    backends: Backends, backend: str, frame: pl.DataFrame, options: dict[str, Any], expected: str
) -> None:
    error = refused(frame, backends, backend, **options)
    assert expected in error.message_en
    assert error.message_id and error.message_id != error.message_en


# ------------------------------------------------------------------------------- the reference
def reference(
    rows: list[dict[str, Any]],
    line: float,
    weight: str | None = None,
    by: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
) -> dict[Any, dict[str, Any]]:
    """Estimates per domain ("all" for every row), written from the textbook formulas: u_i outside the
    domain is 0, PSU totals deviate from their stratum mean, Var = sum_h n_h/(n_h-1) sum_c (u_c - u_h)^2."""
    domains = {"all": [True] * len(rows)}
    if by:
        for value in {row[by] for row in rows}:
            domains[("group", value)] = [row[by] == value for row in rows]
    return {name: _reference_domain(rows, inside, line, weight, strata, psu) for name, inside in domains.items()}


def _reference_domain(
    rows: list[dict[str, Any]], inside: list[bool], line: float, weight: str | None, strata: str | None, psu: str | None
) -> dict[str, Any]:
    w = [float(row[weight]) if weight else 1.0 for row in rows]
    gaps = [(line - row["y"]) / line if row["y"] < line else 0.0 for row in rows]
    total_weight = sum(wi for wi, keep in zip(w, inside) if keep)
    out: dict[str, Any] = {"n": sum(inside), "weight_sum": total_weight}
    for alpha in (0, 1, 2):
        g = [(1.0 if row["y"] < line else 0.0) if alpha == 0 else gap**alpha for gap, row in zip(gaps, rows)]
        p = sum(wi * gi for wi, gi, keep in zip(w, g, inside) if keep) / total_weight
        u = [wi * (gi - p) / total_weight if keep else 0.0 for wi, gi, keep in zip(w, g, inside)]
        psus: dict[Any, dict[Any, float]] = defaultdict(lambda: defaultdict(float))
        for index, (row, ui) in enumerate(zip(rows, u)):
            psus[row[strata] if strata else 0][row[psu] if psu else index] += ui
        variance, lonely = 0.0, False
        for totals in psus.values():
            n_h = len(totals)
            lonely |= n_h < 2
            mean = sum(totals.values()) / n_h
            variance += n_h / (n_h - 1) * sum((t - mean) ** 2 for t in totals.values()) if n_h > 1 else 0.0
        out[f"p{alpha}"] = 100 * p
        out[f"se_p{alpha}"] = None if lonely else 100 * math.sqrt(variance)
    return out


def all_backends(frame: pl.DataFrame, backends: Backends, **options: Any) -> dict[str, Any]:
    return {backend: fgt_from_frame(backends.native(frame, backend), "y", **options) for backend in BACKENDS}


def assert_matches_reference(frame: pl.DataFrame, backends: Backends, **options: Any) -> None:
    expected = reference(
        frame.to_dicts(),
        options["line"],
        options.get("weight"),
        options.get("by"),
        options.get("strata"),
        options.get("psu"),
    )
    for backend, result in all_backends(frame, backends, **options).items():
        close(result.overall, expected["all"], rel=1e-7)
        assert len(result.groups) == len(expected) - 1, backend
        for row in result.groups:
            close(row, expected[("group", row.group)], rel=1e-7)


def test_the_hand_case_matches_the_reference_with_a_design(backends: Backends) -> None:
    frame = HAND.with_columns(s=pl.Series([1, 1, 1, 2, 2, 2]), c=pl.Series([1, 2, 2, 3, 4, 4]))
    assert_matches_reference(frame, backends, line=100, weight="w", by="g", strata="s", psu="c")


# ------------------------------------------------------------------------------------ properties
common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
row_strategy = st.fixed_dictionaries(
    {
        "y": st.integers(0, 2_000),
        "w": st.integers(0, 50),
        "g": st.sampled_from(["a", "b", "c", None]),
        "s": st.integers(1, 2),
        "c": st.integers(1, 3),
    }
)
surveys = st.lists(row_strategy, min_size=1, max_size=40)


def survey_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"y": pl.Int64, "w": pl.Int64, "g": pl.String, "s": pl.Int64, "c": pl.Int64})


def positive_groups(rows: list[dict[str, Any]]) -> bool:
    weights: dict[Any, int] = defaultdict(int)
    for row in rows:
        weights[row["g"]] += row["w"]
    return all(weights.values())


@common
@given(rows=surveys, line=st.integers(1, 2_000))
def test_backends_agree_with_the_reference(backends: Backends, rows: list[dict[str, Any]], line: int) -> None:
    assume(positive_groups(rows))
    assert_matches_reference(survey_frame(rows), backends, line=line, weight="w", by="g")


@common
@given(rows=surveys, line=st.integers(1, 2_000))
def test_backends_agree_with_the_reference_under_a_design(
    backends: Backends, rows: list[dict[str, Any]], line: int
) -> None:
    design = [{"s": s, "c": c} for s in (1, 2) for c in (1, 2)]  # every stratum gets two PSUs
    rows = [{**row, **place} for row, place in zip(rows, design)] + rows[len(design) :]
    rows += [{"y": 0, "w": 1, "g": None, **place} for place in design[len(rows) :]]
    assume(positive_groups(rows))
    assert_matches_reference(survey_frame(rows), backends, line=line, weight="w", by="g", strata="s", psu="c")


@common
@given(rows=surveys, line=st.integers(1, 2_000))
def test_severity_depth_and_headcount_are_ordered_percentages(rows: list[dict[str, Any]], line: int) -> None:
    assume(sum(row["w"] for row in rows) > 0)
    row = fgt_from_frame(survey_frame(rows), "y", line, weight="w").overall
    assert 0 <= row.p2 <= row.p1 + 1e-9 and row.p1 <= row.p0 + 1e-9 and row.p0 <= 100 + 1e-9


@common
@given(rows=surveys, line=st.integers(1, 2_000), factor=st.integers(2, 1_000))
def test_scaling_incomes_and_the_line_changes_nothing(rows: list[dict[str, Any]], line: int, factor: int) -> None:
    assume(sum(row["w"] for row in rows) > 0)
    frame = survey_frame(rows)
    before = fgt_from_frame(frame, "y", line, weight="w").overall
    after = fgt_from_frame(frame.with_columns(pl.col("y") * factor), "y", line * factor, weight="w").overall
    close(after, {key: getattr(before, key) for key in KEYS})


@common
@given(rows=surveys, line=st.integers(1, 2_000), which=st.integers(0, 39))
def test_duplicating_a_row_is_doubling_its_weight(rows: list[dict[str, Any]], line: int, which: int) -> None:
    assume(sum(row["w"] for row in rows) > 0)
    which %= len(rows)
    duplicated = survey_frame(rows + [rows[which]])
    doubled = survey_frame([{**row, "w": row["w"] * 2} if index == which else row for index, row in enumerate(rows)])
    a = fgt_from_frame(duplicated, "y", line, weight="w").overall
    b = fgt_from_frame(doubled, "y", line, weight="w").overall
    close(a, {"weight_sum": b.weight_sum, "p0": b.p0, "p1": b.p1, "p2": b.p2})


# ------------------------------------------------------------------------------------ csv and CLI
def test_the_cli_result_from_a_semicolon_csv(tmp_path) -> None:
    path = tmp_path / "susenas.csv"
    path.write_text(
        "kabkota;pengeluaran_per_kapita;bobot\n1272;50;1\n1272;100;2\n1272;150;1\n1271;200;1\n1271;80;3\n1271;120;1\n",
        encoding="utf-8",
    )
    result = fgt_cli_result(path, 100, weight="bobot", by="kabkota")  # 1271: 80 (w 3) poor of 5; 1272: 50 of 4
    assert result["kind"] == "survey_estimate"
    assert (result["n"], result["p0"]) == (6, pytest.approx(400 / 9))
    assert [(g["group"], g["p0"]) for g in result["groups"]] == [(1271, pytest.approx(60)), (1272, pytest.approx(25))]
    assert {"p0", "p1", "p2", "se_p0", "se_p1", "se_p2", "n", "weight_sum"} <= result["groups"][0].keys()
    assert json.loads(json.dumps(result)) == result


def test_the_cli_result_without_groups_and_with_a_named_column(tmp_path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("kapita,spend\n10,10\n300,300\n", encoding="utf-8")
    result = fgt_cli_result(path, 100, expenditure="spend")
    assert result["p0"] == pytest.approx(50) and "groups" not in result and result["by"] is None
    with pytest.raises(InputError, match="kapita"):
        fgt_cli_result(tmp_path / "data.csv", 100, weight="kapita", expenditure="nope")


def test_a_csv_without_a_recognised_expenditure_column_is_refused(tmp_path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="Name the per-capita expenditure column: none found"):
        fgt_cli_result(path, 100)
    assert read_survey_csv(path).columns == ["a", "b"]


def test_an_unreadable_file_is_refused(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot be read as csv"):
        read_survey_csv(tmp_path / "absent.csv")
