"""Target arithmetic (tepat.engine.measures.targets): the seed's figures end to end, the status rules,
the trend, the refusals (mixed PPP bases first of all) and the explanation in both languages.

The seed (Rakor TKPKD Kota Tanjungbalai, 4 December 2024): extreme poverty 1.03% in 2023, "about
1,890 people", target 0% in 2024 (Inpres 4/2022). 1.03% x 183,500 = 1,890.05, so the seed's 1,890
implies a population of about 183.5 thousand; Kemendagri 2025 counts 187,939, which gives 1,936.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tepat.engine.measures import InputError, Observation, Status, Target, fit_trend, track

OLD_BASIS, NEW_BASIS = "USD 1.90 PPP 2011", "USD 2.15 PPP 2017"
SEED = [Observation(2023, 1.03, OLD_BASIS)]
INPRES_4_2022 = Target(2024, 0.0, "Inpres 4/2022")
INPRES_8_2025 = Target(2026, 0.0, "Inpres 8/2025")


def test_the_seed_gap_in_points_and_people() -> None:
    tracking = track(SEED, INPRES_4_2022, 183_500, indicator="kemiskinan ekstrem")
    assert (tracking.gap_pp, tracking.gap_people) == (1.03, 1_890)
    assert (tracking.years_left, tracking.required_per_year) == (1, 1.03)  # 1.03 points in one year, not 0.45
    assert tracking.ppp_basis == OLD_BASIS
    assert tracking.status is Status.UNKNOWN  # one year of data: no trend yet


def test_the_seed_explained_in_indonesian_and_english() -> None:
    tracking = track(SEED, INPRES_4_2022, 183_500, indicator="kemiskinan ekstrem")
    indonesian, english = "\n".join(tracking.explain()), "\n".join(tracking.explain("en"))
    assert "Selisih: 1,03% - 0% = 1,03 poin persen" in indonesian
    assert "1,03% × 183,5 ribu jiwa (penduduk 183.500) = 1.890,05 ≈ 1.890 jiwa" in indonesian
    assert "1,03 poin persen dalam 1 tahun (2023 → 2024) = 1,03 poin persen per tahun" in indonesian
    assert "Target: 0% pada 2024 (Inpres 4/2022)" in indonesian and "dasar USD 1.90 PPP 2011" in indonesian
    assert "1.03% × 183.5 thousand people (population 183,500) = 1,890.05 ≈ 1,890 people" in english
    assert "Status: cannot be assessed yet" in english


def test_the_kemendagri_population_gives_1936_people() -> None:
    tracking = track(SEED, INPRES_4_2022, 187_939)
    assert tracking.gap_people == 1_936
    assert "1,03% × 187,9 ribu jiwa (penduduk 187.939) = 1.935,77 ≈ 1.936 jiwa" in "\n".join(tracking.explain())


def test_the_2026_target_leaves_three_years() -> None:
    tracking = track(SEED, INPRES_8_2025, 183_500)
    assert tracking.years_left == 3 and tracking.required_per_year == pytest.approx(1.03 / 3)
    assert "= 0,34 poin persen per tahun" in tracking.explain()[4]


def test_people_are_rounded_half_up() -> None:
    assert track([Observation(2023, 0.5)], INPRES_8_2025, 500).gap_people == 3  # 2.5 -> 3, not 2


# --------------------------------------------------------------------------------- status rules
FALLING = [Observation(year, value, OLD_BASIS) for year, value in ((2020, 2.0), (2021, 1.5), (2022, 1.0))]


def test_a_projection_at_or_below_the_target_is_on_track() -> None:
    tracking = track(FALLING, INPRES_8_2025, 100_000)  # -0.5 a year: 2026 reads -1, kept at 0
    assert tracking.trend is not None
    assert (tracking.trend.slope, tracking.trend.raw_projection, tracking.trend.projection) == (-0.5, -1.0, 0.0)
    assert tracking.status is Status.ON_TRACK and tracking.status_label() == "sesuai jalur"
    assert "dibatasi 0-100%" in tracking.explain()[5]


def test_a_projection_within_the_margin_is_at_risk_and_beyond_it_off_track() -> None:
    slow = [Observation(2021, 1.2), Observation(2022, 1.0)]  # -0.2 a year: 2026 reads 0.2
    assert track(slow, INPRES_8_2025, 1_000).status is Status.AT_RISK
    assert track(slow, INPRES_8_2025, 1_000, margin=0.1).status is Status.OFF_TRACK
    assert track(slow, INPRES_8_2025, 1_000, margin=0.1).status_label("en") == "off track"
    assert track(slow, Target(2027, 0.0, "RPJMD"), 1_000, margin=0.1).status is Status.ON_TRACK  # 1 - 5 x 0.2 = 0


def test_a_passed_target_year_is_off_track_lewat_batas() -> None:
    after = FALLING + [Observation(2024, 0.4, OLD_BASIS)]
    tracking = track(after, INPRES_4_2022, 1_000)
    assert (tracking.status, tracking.deadline_passed, tracking.required_per_year) == (Status.OFF_TRACK, True, None)
    assert tracking.status_label() == "lewat batas"
    assert track(FALLING, INPRES_4_2022, 1_000, as_of=2025).status_label() == "lewat batas"
    assert track(FALLING, INPRES_4_2022, 1_000, as_of=2024).status is Status.ON_TRACK


def test_a_met_target_is_achieved() -> None:
    tracking = track([Observation(2023, 4.8), Observation(2024, 4.9)], Target(2029, 5.0, "Inpres 8/2025"), 1_000)
    assert (tracking.status, tracking.required_per_year) == (Status.ACHIEVED, 0.0)
    assert tracking.status_label("en") == "achieved"


def test_the_trend_uses_the_last_n_years_only() -> None:
    series = [Observation(2019, 9.0, OLD_BASIS), *FALLING]
    assert track(series, INPRES_8_2025, 1_000).trend.years == (2019, 2020, 2021, 2022)
    assert track(series, INPRES_8_2025, 1_000, last_n=2).trend.years == (2021, 2022)


def test_missing_years_are_listed() -> None:
    tracking = track([Observation(2019, 3.0), Observation(2022, 2.0)], INPRES_8_2025, 1_000)
    assert tracking.missing_years == (2020, 2021)
    assert "Tahun tanpa data: 2020, 2021" in tracking.explain()


def test_the_dict_carries_both_explanations() -> None:
    shape = track(FALLING, INPRES_8_2025, 1_000).to_dict()
    assert shape["status"] == "on_track" and shape["legal_basis"] == "Inpres 8/2025"
    assert shape["explain_id"][0].startswith("Nilai terakhir") and shape["explain_en"][0].startswith("Latest value")


# ------------------------------------------------------------------------------------ refusals
def test_mixed_ppp_bases_are_refused_naming_years_and_bases() -> None:
    mixed = [Observation(2022, 1.1, OLD_BASIS), Observation(2023, 1.03, OLD_BASIS), Observation(2024, 0.85, NEW_BASIS)]
    with pytest.raises(ValueError) as caught:
        track(mixed, INPRES_8_2025, 1_000)
    error = caught.value
    assert isinstance(error, InputError)
    assert "USD 1.90 PPP 2011: 2022, 2023; USD 2.15 PPP 2017: 2024" in error.message_en
    assert "mencampur dasar PPP" in error.message_id


def test_a_figure_without_a_basis_cannot_join_a_series_with_one() -> None:
    with pytest.raises(InputError, match="-: 2024"):
        track([Observation(2023, 1.03, OLD_BASIS), Observation(2024, 0.9)], INPRES_8_2025, 1_000)


def test_the_same_basis_written_differently_is_one_basis() -> None:
    series = [Observation(2022, 1.1, "usd 1.90  PPP 2011"), Observation(2023, 1.03, OLD_BASIS)]
    assert track(series, INPRES_8_2025, 1_000).trend is not None


@pytest.mark.parametrize(
    ("series", "options", "expected"),
    [
        ([], {}, "The series has no values"),
        ([Observation(2023, 1.0), Observation(2023, 2.0)], {}, "Years repeated in the series: [2023]"),
        ([Observation(2023, 101.0)], {}, "Percentages must be within 0-100: years [2023]"),
        ([Observation(2023, float("nan"))], {}, "Percentages must be within 0-100"),
        (SEED, {"population": 0}, "The population must be a positive whole number, not 0"),
        (SEED, {"population": 183.5}, "The population must be a positive whole number"),
        (SEED, {"last_n": 1}, "A trend needs at least 2 years, not 1"),
        (SEED, {"margin": -0.1}, "The margin must be >= 0"),
        (SEED, {"target": Target(2024, -1.0, "x")}, "The target must be within 0-100%"),
    ],
)
def test_bad_series_and_parameters_are_refused(series: list[Observation], options: dict, expected: str) -> None:
    arguments = {"target": INPRES_4_2022, "population": 1_000, **options}
    with pytest.raises(InputError) as caught:
        track(series, arguments.pop("target"), arguments.pop("population"), **arguments)
    assert expected in caught.value.message_en and caught.value.message_id


# ---------------------------------------------------------------------------------- properties
@given(
    start=st.integers(2000, 2020),
    length=st.integers(2, 8),
    intercept=st.integers(0, 50),
    slope=st.sampled_from([-2.0, -0.5, -0.25, 0.0, 0.25, 1.0]),
    ahead=st.integers(0, 10),
)
def test_the_fit_recovers_an_exact_line(start: int, length: int, intercept: int, slope: float, ahead: int) -> None:
    series = [Observation(start + i, intercept + slope * i) for i in range(length)]
    trend = fit_trend(series, start + length - 1 + ahead)
    assert trend is not None and trend.slope == pytest.approx(slope, abs=1e-9)
    assert trend.raw_projection == pytest.approx(intercept + slope * (length - 1 + ahead), abs=1e-7)


@given(value=st.decimals(0, 100, places=2), target=st.decimals(0, 100, places=2), population=st.integers(1, 10**7))
def test_people_are_the_gap_times_the_population(value, target, population: int) -> None:
    tracking = track([Observation(2023, float(value))], Target(2026, float(target), "x"), population)
    assert abs(tracking.gap_people - (value - target) * population / 100) <= 0.5
    assert (tracking.status is Status.ACHIEVED) == (value <= target)
