"""Alkire-Foster (tepat.engine.measures.alkire_foster) on a hand-computed case, on polars (eager and
lazy) and DuckDB, against a plain Python reference and against its properties.

    family kelurahan  water (.5)  house (.25)  school (.25)  score  poor at k = .5
    1      A          yes         -            -             .5     yes
    2      A          -           yes          yes           .5     yes
    3      A          -           yes          -             .25
    4      B          yes         yes          yes           1      yes
    5      B          -           -            null          0
    6      B          -           -            yes           .25

n = 6, q = 3: H = 1/2, A = (.5 + .5 + 1)/3 = 2/3, M0 = 2/6 = 1/3. Censored headcounts: water {1, 4},
house {2, 4}, school {2, 4}: 2/6 each. Contributions: .5 x (1/3) / (1/3) = 50%, 25%, 25%.
A: H = 2/3, A = 1/2, M0 = 1/3; B: H = 1/3, A = 1, M0 = 1/3; shares 1/2 each.
"""

from __future__ import annotations

import math
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tepat.engine.measures import AFResult, InputError, Kind, alkire_foster
from tests.engine.data import BACKENDS, Backends

FAMILIES = pl.DataFrame(
    {
        "family_id": [1, 2, 3, 4, 5, 6],
        "kelurahan": ["A", "A", "A", "B", "B", "B"],
        "air_tidak_layak": [True, False, False, True, False, False],
        "rtlh": [False, True, True, True, False, False],
        "tidak_sekolah": [False, True, False, True, None, True],
    }
)
INDICATORS = {"water": "air_tidak_layak", "house": "rtlh", "school": "tidak_sekolah"}
WEIGHTS = {"water": 0.5, "house": 0.25, "school": 0.25}


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def measure(
    backends: Backends,
    backend: str,
    frame: pl.DataFrame = FAMILIES,
    indicators: dict[str, Any] = INDICATORS,
    weights: dict[str, float] = WEIGHTS,
    k: float = 0.5,
    region: str | None = "kelurahan",
) -> AFResult:
    return alkire_foster(backends.native(frame, backend), indicators, weights, k, region=region)


def test_headcount_intensity_and_m0_by_hand(backends: Backends, backend: str) -> None:
    result = measure(backends, backend)
    overall = result.overall
    assert (overall.n, overall.poor) == (6, 3)
    assert (overall.h, overall.a, overall.m0) == (pytest.approx(0.5), pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert overall.censored == pytest.approx({"water": 1 / 3, "house": 1 / 3, "school": 1 / 3})
    assert overall.uncensored == pytest.approx({"water": 1 / 3, "house": 1 / 2, "school": 1 / 2})
    assert overall.contribution == pytest.approx({"water": 50, "house": 25, "school": 25})
    assert overall.missing == {"water": 0, "house": 0, "school": 1}
    assert result.kind is Kind.REGISTRY_COUNT and result.to_dict()["kind"] == "registry_count"


def test_decomposition_by_kelurahan_by_hand(backends: Backends, backend: str) -> None:
    a, b = measure(backends, backend).groups
    assert (a.group, a.h, a.a, a.m0, a.population_share) == ("A", pytest.approx(2 / 3), 0.5, pytest.approx(1 / 3), 0.5)
    assert (b.group, b.h, b.a, b.m0, b.population_share) == ("B", pytest.approx(1 / 3), 1.0, pytest.approx(1 / 3), 0.5)
    assert a.m0_share == pytest.approx(50) and b.m0_share == pytest.approx(50)


def test_without_a_region_there_are_no_groups(backends: Backends, backend: str) -> None:
    result = measure(backends, backend, region=None)
    assert result.groups == () and result.overall.m0 == pytest.approx(1 / 3)


def test_k_equal_to_one_takes_the_families_deprived_in_everything(backends: Backends, backend: str) -> None:
    thirds = dict.fromkeys(INDICATORS, 1 / 3)  # 1/3 + 1/3 + 1/3 must count as 1
    result = measure(backends, backend, weights=thirds, k=1)
    assert (result.overall.poor, result.overall.a) == (1, pytest.approx(1.0))


def test_nobody_poor_has_no_intensity_and_no_contributions(backends: Backends, backend: str) -> None:
    frame = FAMILIES.with_columns(pl.lit(False).alias(column) for column in INDICATORS.values())
    overall = measure(backends, backend, frame).overall
    assert (overall.h, overall.a, overall.m0) == (0, None, 0)
    assert overall.contribution == {"water": None, "house": None, "school": None}


def test_an_indicator_may_be_an_expression(backends: Backends, backend: str) -> None:
    frame = FAMILIES.with_columns(members=pl.Series([6, 2, 2, 9, 1, 4]), rooms=pl.Series([1, 1, 2, 2, 1, 2]))
    indicators = {"water": "air_tidak_layak", "crowded": nw.col("members") / nw.col("rooms") > 3}
    result = measure(backends, backend, frame, indicators, {"water": 0.5, "crowded": 0.5}, k=1)
    assert result.overall.poor == 2  # families 1 (6 per room) and 4 (4.5 per room) lack water too


@pytest.mark.parametrize(
    ("weights", "k", "expected"),
    [
        ({"water": 0.5, "house": 0.25, "school": 0.2}, 0.5, "The weights must sum to 1, not 0.95"),
        ({"water": 0.5, "house": 0.5}, 0.5, "without weight ['school']"),
        ({**WEIGHTS, "income": 0.0}, 0.5, "weight without indicator ['income']"),
        ({"water": 1.25, "house": 0.0, "school": -0.25}, 0.5, "Weights must be above 0: ['house', 'school']"),
        (WEIGHTS, 0, "The cutoff k must satisfy 0 < k <= 1, not 0"),
        (WEIGHTS, 1.5, "The cutoff k must satisfy 0 < k <= 1, not 1.5"),
    ],
)
def test_bad_parameters_are_refused(weights: dict[str, float], k: float, expected: str) -> None:
    with pytest.raises(ValueError) as caught:
        alkire_foster(FAMILIES, INDICATORS, weights, k)
    assert isinstance(caught.value, InputError) and expected in caught.value.message_en and caught.value.message_id


def test_columns_must_exist_and_be_boolean(backends: Backends, backend: str) -> None:
    with pytest.raises(InputError, match="Column not found: rtlh_x"):
        measure(backends, backend, indicators={**INDICATORS, "house": "rtlh_x"})
    with pytest.raises(InputError, match=r"must be true/false \(boolean\): house \(kelurahan"):
        measure(backends, backend, indicators={**INDICATORS, "house": "kelurahan"})
    with pytest.raises(InputError, match="There are no families"):
        measure(backends, backend, FAMILIES.clear())


# ------------------------------------------------------------------------------- the reference
def reference(rows: list[dict[str, Any]], weights: dict[str, float], k: float) -> dict[str, Any]:
    """H, A, M0, censored headcounts and contributions, family by family (null = not deprived)."""
    scores = [sum(w for name, w in weights.items() if row[name]) for row in rows]
    poor = [score >= k - 1e-9 for score in scores]
    n, q = len(rows), sum(poor)
    censored = {name: sum(1 for row, p in zip(rows, poor) if p and row[name]) / n for name in weights}
    m0 = sum(score for score, p in zip(scores, poor) if p) / n
    return {
        "n": n,
        "poor": q,
        "h": q / n,
        "a": m0 * n / q if q else None,
        "m0": m0,
        "censored": censored,
        "contribution": {name: 100 * weights[name] * censored[name] / m0 if m0 else None for name in weights},
    }


def assert_like_reference(row: Any, expected: dict[str, Any]) -> None:
    assert (row.n, row.poor) == (expected["n"], expected["poor"])
    for key in ("h", "a", "m0", "censored", "contribution"):
        value = expected[key]
        if isinstance(value, dict):
            assert getattr(row, key) == {n: None if v is None else pytest.approx(v, abs=1e-9) for n, v in value.items()}
        else:
            assert getattr(row, key) == (None if value is None else pytest.approx(value, abs=1e-9)), key


NAMES = ("d1", "d2", "d3", "d4")
families = st.lists(
    st.fixed_dictionaries(
        {
            "region": st.sampled_from(["12.74.01.1001", "12.74.05.1010", "12.74.06.1002", None]),
            **{name: st.sampled_from([True, False, False, None]) for name in NAMES},
        }
    ),
    min_size=1,
    max_size=40,
)
raw_weights = st.lists(st.integers(1, 9), min_size=len(NAMES), max_size=len(NAMES))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=families, raw=raw_weights, k=st.sampled_from([0.01, 0.2, 1 / 3, 0.5, 0.75, 1.0]))
def test_backends_agree_with_the_reference_and_the_properties_hold(
    backends: Backends, rows: list[dict[str, Any]], raw: list[int], k: float
) -> None:
    weights = {name: value / sum(raw) for name, value in zip(NAMES, raw)}
    weights[NAMES[-1]] = 1 - math.fsum(list(weights.values())[:-1])
    frame = pl.DataFrame(rows, schema={"region": pl.String, **dict.fromkeys(NAMES, pl.Boolean)})
    results = [
        alkire_foster(backends.native(frame, b), {n: n for n in NAMES}, weights, k, region="region") for b in BACKENDS
    ]
    assert all(result == results[0] for result in results[1:])
    result = results[0]
    assert_like_reference(result.overall, reference(rows, weights, k))
    for group in result.groups:
        assert_like_reference(group, reference([r for r in rows if r["region"] == group.group], weights, k))
    overall = result.overall
    assert overall.m0 == pytest.approx(overall.h * (overall.a or 0), abs=1e-12)
    assert overall.m0 <= overall.h + 1e-12
    if overall.m0:
        assert math.fsum(overall.contribution.values()) == pytest.approx(100)
        assert math.fsum(g.m0_share for g in result.groups) == pytest.approx(100)
    assert math.fsum(g.population_share * g.m0 for g in result.groups) == pytest.approx(overall.m0, abs=1e-12)
    assert all(overall.censored[n] <= overall.uncensored[n] for n in NAMES)
