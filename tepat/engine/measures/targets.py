"""Target arithmetic: how far an indicator is from its target, in points and in people, the yearly
reduction still required, a linear trend projection and a status, with the arithmetic spelled out.

    gap_pp     = latest value - target value                           (percentage points)
    gap_people = round_half_up(gap_pp x population / 100)
    required   = gap_pp / (target year - latest year)                   (points per year)
    projection = least-squares line over the last N observations, read at the target year, in [0, 100]

Gap, people and required reduction are computed in decimal arithmetic from the numbers as written
(1.03 x 183500 / 100 = 1890.05 exactly). Status rules: docs/measures.md.
"""

from __future__ import annotations

from tepat.engine.bilingual import Message

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from tepat.engine.measures.common import InputError
from tepat.engine.measures.explain import explanation
from tepat.engine.measures.formatting import decimal

DEFAULT_MARGIN = 0.25
PROJECTION_DECIMALS = 9  # drops floating-point noise: 1.0 - 5 x 0.2 projects to 0, not 2e-16


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    UNKNOWN = "unknown"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.ACHIEVED: ("tercapai", "achieved"),
    Status.ON_TRACK: ("sesuai jalur", "on track"),
    Status.AT_RISK: ("berisiko", "at risk"),
    Status.OFF_TRACK: ("tidak sesuai jalur", "off track"),
    Status.UNKNOWN: ("belum dapat dinilai", "cannot be assessed yet"),
}
DEADLINE_PASSED_LABEL = ("lewat batas", "off track (deadline passed)")


@dataclass(frozen=True)
class Observation:
    """One published value (percent) of a year. `ppp_basis` names the international line of an
    extreme-poverty figure, e.g. "USD 1.90 PPP 2011" or "USD 2.15 PPP 2017"."""

    year: int
    value: float
    ppp_basis: str | None = None


@dataclass(frozen=True)
class Target:
    year: int
    value: float
    legal_basis: str


@dataclass(frozen=True)
class Trend:
    """y = intercept + slope x year, fitted on `years`; `projection` is `raw_projection` kept in [0, 100]."""

    years: tuple[int, ...]
    slope: float
    intercept: float
    raw_projection: float
    projection: float


@dataclass(frozen=True)
class Tracking:
    indicator: str
    latest: Observation
    target: Target
    population: int
    gap_pp: float
    gap_people: int
    years_left: int
    required_per_year: float | None  # None once the target year is reached or passed
    trend: Trend | None  # None with fewer than 2 observations in the fitting window
    status: Status
    deadline_passed: bool
    margin: float
    ppp_basis: str | None
    missing_years: tuple[int, ...]

    def status_label(self, lang: str = "id") -> str:
        labels = (
            DEADLINE_PASSED_LABEL
            if self.deadline_passed and self.status is Status.OFF_TRACK
            else STATUS_LABELS[self.status]
        )
        return labels[0] if lang == "id" else labels[1]

    def explain(self, lang: str = "id") -> list[str]:
        """The arithmetic, one line per step, in Indonesian ("id") or English ("en")."""
        return explanation(self, lang)

    def to_dict(self) -> dict[str, Any]:
        trend = self.trend
        return {
            "indicator": self.indicator,
            "latest_year": self.latest.year,
            "latest_value": self.latest.value,
            "ppp_basis": self.ppp_basis,
            "target_year": self.target.year,
            "target_value": self.target.value,
            "legal_basis": self.target.legal_basis,
            "population": self.population,
            "gap_pp": self.gap_pp,
            "gap_people": self.gap_people,
            "years_left": self.years_left,
            "required_per_year": self.required_per_year,
            "trend_years": list(trend.years) if trend else [],
            "slope": trend.slope if trend else None,
            "projection": trend.projection if trend else None,
            "status": str(self.status),
            "status_label_id": self.status_label("id"),
            "status_label_en": self.status_label("en"),
            "deadline_passed": self.deadline_passed,
            "margin": self.margin,
            "missing_years": list(self.missing_years),
            "explain_id": self.explain("id"),
            "explain_en": self.explain("en"),
        }


def track(
    series: Sequence[Observation],
    target: Target,
    population: int,
    *,
    indicator: str = "",
    last_n: int | None = None,
    margin: float = DEFAULT_MARGIN,
    as_of: int | None = None,
) -> Tracking:
    """The tracker of one indicator against one target. `last_n` limits the trend to the last N
    observations (default all; at least 2). `as_of` (e.g. the current year) marks the target year as
    passed even before data for it are published. Raises InputError on a bad series or parameters."""
    observations = check_series(series)
    _check_parameters(target, population, last_n, margin)
    latest = observations[-1]
    gap = decimal(latest.value) - decimal(target.value)
    years_left = target.year - latest.year
    trend = fit_trend(observations[-last_n:] if last_n else observations, target.year)
    passed = years_left <= 0 or (as_of is not None and as_of > target.year)
    return Tracking(
        indicator=indicator,
        latest=latest,
        target=target,
        population=population,
        gap_pp=float(gap),
        gap_people=int((gap * population / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        years_left=years_left,
        required_per_year=_required(gap, years_left),
        trend=trend,
        status=_status(gap, trend, target, margin, passed),
        deadline_passed=passed,
        margin=margin,
        ppp_basis=latest.ppp_basis,
        missing_years=_missing_years(observations),
    )


def _required(gap: Decimal, years_left: int) -> float | None:
    if years_left <= 0:
        return None
    return float(max(gap, Decimal(0)) / years_left)


def _status(gap: Decimal, trend: Trend | None, target: Target, margin: float, passed: bool) -> Status:
    """achieved when the latest value meets the target; else off track once the deadline passed;
    else by the projection: <= target on track, <= target + margin at risk, above off track."""
    if gap <= 0:
        return Status.ACHIEVED
    if passed:
        return Status.OFF_TRACK
    if trend is None:
        return Status.UNKNOWN
    if trend.projection <= target.value:
        return Status.ON_TRACK
    return Status.AT_RISK if trend.projection <= target.value + margin else Status.OFF_TRACK


def fit_trend(observations: Sequence[Observation], year: int) -> Trend | None:
    """Ordinary least squares of value on year, read at `year` (rounded to 9 decimals); None with
    fewer than 2 points."""
    if len(observations) < 2:
        return None
    xs = [float(o.year) for o in observations]
    ys = [float(o.value) for o in observations]
    mean_x, mean_y = math.fsum(xs) / len(xs), math.fsum(ys) / len(ys)
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / math.fsum((x - mean_x) ** 2 for x in xs)
    raw = round(mean_y + slope * (year - mean_x), PROJECTION_DECIMALS)
    return Trend(tuple(o.year for o in observations), slope, mean_y - slope * mean_x, raw, min(max(raw, 0.0), 100.0))


def _missing_years(observations: Sequence[Observation]) -> tuple[int, ...]:
    years = {o.year for o in observations}
    return tuple(year for year in range(observations[0].year, observations[-1].year) if year not in years)


def check_series(series: Sequence[Observation]) -> list[Observation]:
    """The observations sorted by year. Refuses an empty series, a repeated year, a value outside
    [0, 100], and a mix of PPP bases (or of figures with and without one): such a series must not be
    drawn or fitted as one line."""
    if not series:
        raise InputError(Message("Seri tidak berisi data", "The series has no values"))
    observations = sorted(series, key=lambda o: o.year)
    years = [o.year for o in observations]
    repeated = sorted({year for year in years if years.count(year) > 1})
    if repeated:
        raise InputError(Message(f"Tahun berulang dalam seri: {repeated}", f"Years repeated in the series: {repeated}"))
    bad = [o.year for o in observations if not (math.isfinite(o.value) and 0 <= o.value <= 100)]
    if bad:
        raise InputError(
            Message(f"Nilai persen harus 0-100: tahun {bad}", f"Percentages must be within 0-100: years {bad}")
        )
    _check_ppp(observations)
    return observations


def ppp_key(basis: str | None) -> str | None:
    return None if basis is None or not basis.strip() else " ".join(basis.upper().split())


def _check_ppp(observations: Sequence[Observation]) -> None:
    years: dict[str | None, list[int]] = {}
    for o in observations:
        years.setdefault(ppp_key(o.ppp_basis), []).append(o.year)
    if len(years) > 1:
        listed = "; ".join(f"{basis or '-'}: {', '.join(map(str, found))}" for basis, found in years.items())
        raise InputError(
            Message(
                f"Seri mencampur dasar PPP ({listed}): tampilkan sebagai seri terpisah",
                f"The series mixes PPP bases ({listed}): show them as separate series",
            ),
        )


def _check_parameters(target: Target, population: int, last_n: int | None, margin: float) -> None:
    if not (math.isfinite(target.value) and 0 <= target.value <= 100):
        raise InputError(
            Message(
                f"Target harus 0-100%, bukan {target.value}", f"The target must be within 0-100%, not {target.value}"
            )
        )
    if isinstance(population, bool) or not isinstance(population, int) or population <= 0:
        raise InputError(
            Message(
                f"Jumlah penduduk harus bilangan bulat positif, bukan {population!r}",
                f"The population must be a positive whole number, not {population!r}",
            ),
        )
    if last_n is not None and last_n < 2:
        raise InputError(
            Message(
                f"Tren perlu paling sedikit 2 tahun, bukan {last_n}", f"A trend needs at least 2 years, not {last_n}"
            )
        )
    if not (math.isfinite(margin) and margin >= 0):
        raise InputError(
            Message(f"Batas toleransi harus >= 0, bukan {margin}", f"The margin must be >= 0, not {margin}")
        )
