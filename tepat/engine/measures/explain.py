"""The target tracker's arithmetic as lines of text, in Indonesian or English (Tracking.explain)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tepat.engine.measures.formatting import LANGUAGES, decimal, number, people, percent, points, thousands

if TYPE_CHECKING:
    from tepat.engine.measures.targets import Tracking


def explanation(t: Tracking, lang: str) -> list[str]:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return [
        _latest(t, lang),
        _target(t, lang),
        _gap(t, lang),
        _people(t, lang),
        _required(t, lang),
        *_trend(t, lang),
        _status(t, lang),
    ]


def _latest(t: Tracking, lang: str) -> str:
    basis = f"; {'dasar' if lang == 'id' else 'basis'} {t.ppp_basis}" if t.ppp_basis else ""
    name = f" {t.indicator}" if t.indicator else ""
    head = "Nilai terakhir" if lang == "id" else "Latest value"
    return f"{head}{name}: {percent(t.latest.value, lang)} ({t.latest.year}{basis})"


def _target(t: Tracking, lang: str) -> str:
    when = "pada" if lang == "id" else "by"
    return f"Target: {percent(t.target.value, lang)} {when} {t.target.year} ({t.target.legal_basis})"


def _gap(t: Tracking, lang: str) -> str:
    head = "Selisih" if lang == "id" else "Gap"
    return f"{head}: {percent(t.latest.value, lang)} - {percent(t.target.value, lang)} = {points(t.gap_pp, lang)}"


def _people(t: Tracking, lang: str) -> str:
    exact = decimal(t.gap_pp) * t.population / 100
    head = "Dalam jiwa" if lang == "id" else "In people"
    unit = "jiwa" if lang == "id" else "people"
    source = "penduduk" if lang == "id" else "population"
    return (
        f"{head}: {percent(t.gap_pp, lang)} × {thousands(t.population, lang)} {unit} "
        f"({source} {number(t.population, lang, 0)}) = {number(exact, lang)} ≈ {people(t.gap_people, lang)}"
    )


def _required(t: Tracking, lang: str) -> str:
    if t.required_per_year is None:
        if lang == "id":
            return f"Tahun target {t.target.year} sudah tercapai atau lewat (data terakhir {t.latest.year}): tidak ada sisa waktu"
        return f"The target year {t.target.year} is reached or past (latest data {t.latest.year}): no time left"
    span = f"{t.latest.year} → {t.target.year}"
    if lang == "id":
        return (
            f"Penurunan yang diperlukan: {points(max(t.gap_pp, 0), lang)} dalam {t.years_left} tahun ({span}) "
            f"= {points(t.required_per_year, lang)} per tahun"
        )
    return (
        f"Reduction required: {points(max(t.gap_pp, 0), lang)} in {t.years_left} year(s) ({span}) "
        f"= {points(t.required_per_year, lang)} per year"
    )


def _trend(t: Tracking, lang: str) -> list[str]:
    trend = t.trend
    if trend is None:
        return [
            "Tren: belum dapat dihitung (perlu paling sedikit 2 tahun data)"
            if lang == "id"
            else "Trend: cannot be computed (needs at least 2 years of data)"
        ]
    years = f"{trend.years[0]}-{trend.years[-1]}, {len(trend.years)} {'titik' if lang == 'id' else 'points'}"
    per_year = "per tahun" if lang == "id" else "per year"
    head = "Tren garis lurus (kuadrat terkecil" if lang == "id" else "Linear trend (least squares"
    at = "proyeksi" if lang == "id" else "projection for"
    line = (
        f"{head}, {years}): {number(trend.slope, lang, 3)} {'poin persen' if lang == 'id' else 'points'} "
        f"{per_year}; {at} {t.target.year} = {percent(trend.projection, lang)}"
    )
    if trend.raw_projection != trend.projection:
        line += (
            f" (garis memberi {percent(trend.raw_projection, lang)}, dibatasi 0-100%)"
            if lang == "id"
            else f" (the line gives {percent(trend.raw_projection, lang)}, kept within 0-100%)"
        )
    lines = [line]
    if t.missing_years:
        missing = ", ".join(str(year) for year in t.missing_years)
        lines.append(f"Tahun tanpa data: {missing}" if lang == "id" else f"Years without data: {missing}")
    return lines


def _status(t: Tracking, lang: str) -> str:
    return f"Status: {t.status_label(lang)} — {_reason(t, lang)}"


def _reason(t: Tracking, lang: str) -> str:
    target, margin = percent(t.target.value, lang), points(t.margin, lang)
    projection = percent(t.trend.projection, lang) if t.trend else ""
    reasons = {
        "achieved": (
            f"nilai terakhir {percent(t.latest.value, lang)} ≤ target {target}",
            f"the latest value {percent(t.latest.value, lang)} ≤ target {target}",
        ),
        "off_passed": (
            f"tahun target {t.target.year} lewat dan target {target} belum tercapai",
            f"the target year {t.target.year} has passed and the target {target} is not met",
        ),
        "on_track": (f"proyeksi {projection} ≤ target {target}", f"projection {projection} ≤ target {target}"),
        "at_risk": (
            f"proyeksi {projection} di atas target {target} tetapi dalam toleransi {margin}",
            f"projection {projection} is above the target {target} but within the margin of {margin}",
        ),
        "off_track": (
            f"proyeksi {projection} > target {target} + toleransi {margin}",
            f"projection {projection} > target {target} + margin of {margin}",
        ),
        "unknown": ("tren belum dapat dihitung", "no trend can be computed yet"),
    }
    key = "off_passed" if t.deadline_passed and t.status == "off_track" else str(t.status)
    return reasons[key][0] if lang == "id" else reasons[key][1]
