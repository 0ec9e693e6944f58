"""The figures every report shares, computed once per document from live data, city-wide (reports are aggregates; only
roles that may see the whole city generate them).

Each function returns plain rows (lists of dicts) so the PDF templates, the DOCX builder and the
xlsx downloads print the same numbers. Cost: a few aggregate queries; the gap inputs
(`tepat.programs.gaps.gap_inputs` on the cached registry frames) come from the caller, which computes them once
per document (`tepat.reports.sections.ReportContext.gaps`).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from tepat.engine import convergence as cv
from tepat.indicators.tracker import trackers
from tepat.programs.models import Intervention, InterventionStatus, Program, Strategy
from tepat.reports.periods import Period


def headline() -> list[dict]:
    """One row per indicator target: latest value, target, gap in points and people, yearly reduction, status."""
    rows = []
    for entry in trackers():
        target, tracking = entry["target"], entry.get("tracking")
        row = {
            "indikator": target.get_indicator_display(),
            "wilayah": target.region.name,
            "target": float(target.value),
            "tahun_target": target.year,
            "dasar_hukum": target.legal_basis,
            "masalah": entry.get("problem", ""),
        }
        if tracking is not None:
            row.update(
                terakhir=tracking.latest.value,
                tahun_terakhir=tracking.latest.year,
                selisih_poin=tracking.gap_pp,
                selisih_jiwa=tracking.gap_people,
                penurunan_per_tahun=tracking.required_per_year,
                status=tracking.status_label("id"),
                penjelasan=entry["explain"],
            )
        rows.append(row)
    return rows


def _spending(period: Period) -> dict[str, dict]:
    delivered = Intervention.objects.filter(
        status=InterventionStatus.DELIVERED, date__gte=period.start, date__lte=period.end
    )
    totals = delivered.values("program__code").annotate(keluarga=Count("family", distinct=True), nilai=Sum("amount"))
    return {row["program__code"]: row for row in totals}


def program_rows(period: Period, inputs: cv.Inputs) -> list[dict]:
    """Per active program: strategy, OPD, eligible families, served eligible, coverage (from the city-wide
    gap `inputs`), families and rupiah realised within the period."""
    summary = cv.coverage(inputs, per="program").summary  # no "program" column without any catalogue program
    coverage = {row["program"]: row for row in summary.to_dicts()} if "program" in summary.columns else {}
    spending = _spending(period)
    rows = []
    for program in Program.objects.filter(is_active=True).select_related("opd").order_by("strategy", "code"):
        cov, spent = coverage.get(program.code, {}), spending.get(program.code, {})
        rows.append(
            {
                "program": program.name,
                "kode": program.code,
                "strategi": program.get_strategy_display(),
                "strategy": program.strategy,
                "opd": program.opd.name if program.opd else "-",
                "layak": cov.get("eligible", 0),
                "terlayani_layak": cov.get("served_eligible", 0),
                "cakupan": cov.get("coverage"),
                "keluarga_periode": spent.get("keluarga", 0),
                "realisasi_rp": spent.get("nilai") or Decimal(0),
            }
        )
    return rows


def by_strategy_and_opd(rows: list[dict]) -> list[dict]:
    """Program rows summed per (strategy, OPD): families reached and rupiah realised in the period."""
    groups: dict[tuple[str, str], dict] = defaultdict(
        lambda: {"program": 0, "keluarga_periode": 0, "realisasi_rp": Decimal(0)}
    )
    for row in rows:
        group = groups[(row["strategi"], row["opd"])]
        group["program"] += 1
        group["keluarga_periode"] += row["keluarga_periode"]
        group["realisasi_rp"] += row["realisasi_rp"]
    order = {str(label): i for i, label in enumerate(Strategy.labels)}
    return [
        {"strategi": s, "opd": o, **v}
        for (s, o), v in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1]))
    ]


def extreme_poor_coverage(inputs: cv.Inputs) -> dict:
    """The extreme poor (desil 1) and how many each strategy reached, how many none and how many all three
    (from the city-wide gap `inputs`)."""
    rows = cv.convergence(inputs).summary.to_dicts()
    row = rows[0] if rows else {}
    total = row.get("extreme_poor") or 0
    return {
        "miskin_ekstrem": total,
        "per_strategi": [{"strategi": str(label), "keluarga": row.get(code, 0)} for code, label in Strategy.choices],
        "tanpa_program": row.get("strategies_0", 0),
        "konvergen": row.get("converged", 0),
        "persen_konvergen": (row.get("converged", 0) / total * 100) if total else None,
    }
