"""What the convergence and gap page calls things: measures, their columns and the groups they are
cut by, in the user's language, each with a one-line definition. Data, not code: a new count column
of the engine needs one entry here (tests/test_gaps.py fails on a column without one).

Column names of the engine (tepat.engine.convergence) stay the keys; the page, the chart and the
downloads show `label`, and the definition is the header's tooltip and the page's legend.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tepat.engine.convergence import STRATEGIES, program_column


@dataclass(frozen=True)
class Term:
    label: str
    definition: str


# measure slug (the ?measure= of the page) -> title, definition, chart kind (tepat.charts.gaps.CHARTS)
MEASURES: dict[str, tuple[Term, str]] = {
    "konvergensi": (
        Term(_("Konvergensi"), _("Keluarga miskin ekstrem yang menerima intervensi dari ketiga strategi sekaligus.")),
        "strategies",
    ),
    "cakupan": (Term(_("Cakupan program"), _("Bagian keluarga layak yang sudah dilayani tiap program.")), "heatmap"),
    "eksklusi": (
        Term(
            _("Kesalahan eksklusi"), _("Keluarga sasaran (layak dan diprioritaskan) yang belum dilayani program itu.")
        ),
        "exclusion",
    ),
    "inklusi": (
        Term(
            _("Kesalahan inklusi"),
            _("Penerima yang tidak layak, di atas batas desil program, atau tidak terdaftar di registri."),
        ),
        "inclusion",
    ),
    "tumpang_tindih": (
        Term(_("Tumpang tindih"), _("Keluarga yang menerima dua program atau lebih dari satu strategi yang sama.")),
        "stacking",
    ),
    "belum_terlayani": (
        Term(_("Belum terlayani"), _("Keluarga miskin ekstrem yang belum menerima program apa pun.")),
        "unserved",
    ),
}

# count or rate column -> label and definition
COLUMNS: dict[str, Term] = {
    "extreme_poor": Term(_("Miskin ekstrem"), _("Keluarga desil 1 (sangat miskin) dalam cakupan Anda.")),
    "converged": Term(_("Konvergen"), _("Keluarga miskin ekstrem yang dilayani ketiga strategi.")),
    "converged_share": Term(_("% konvergen"), _("Konvergen dibagi miskin ekstrem.")),
    "eligible": Term(_("Layak"), _("Keluarga yang memenuhi aturan terkini program.")),
    "served": Term(
        _("Dilayani"), _("Keluarga yang menerima program (catatan OPD atau status penerima di data sumber).")
    ),
    "served_eligible": Term(_("Layak dan dilayani"), _("Keluarga layak yang menerima program.")),
    "served_not_eligible": Term(_("Dilayani tapi tidak layak"), _("Penerima yang tidak memenuhi aturan program.")),
    "coverage": Term(_("Cakupan"), _("Layak dan dilayani dibagi layak.")),
    "target": Term(
        _("Sasaran"), _("Keluarga layak yang ada di daftar sasaran terakhir (tanpa daftar: semua yang layak).")
    ),
    "excluded": Term(_("Tereksklusi"), _("Sasaran yang belum dilayani program itu.")),
    "exclusion_rate": Term(_("% tereksklusi"), _("Tereksklusi dibagi sasaran.")),
    "not_eligible": Term(_("Tidak layak"), _("Penerima yang tidak memenuhi aturan program.")),
    "above_desil": Term(_("Di atas batas desil"), _("Penerima dengan desil di atas batas desil program.")),
    "not_registered": Term(
        _("Tidak terdaftar"), _("Catatan penyaluran untuk penerima yang tidak ada di registri (per catatan).")
    ),
    "inclusion": Term(
        _("Kesalahan inklusi"),
        _("Baris dengan salah satu kesalahan di atas (satu pasangan keluarga–program dihitung sekali)."),
    ),
    "stacked": Term(_("Tumpang tindih"), _("Keluarga yang menerima dua program atau lebih dari kelompok ini.")),
    "unserved": Term(_("Belum terlayani"), _("Keluarga miskin ekstrem yang belum menerima program apa pun.")),
    "unserved_share": Term(_("% belum terlayani"), _("Belum terlayani dibagi miskin ekstrem.")),
}
STRATEGY_COUNT = Term(
    _("Dilayani %(n)s strategi"), _("Keluarga miskin ekstrem yang dilayani tepat %(n)s dari 3 strategi.")
)
STRATEGY_SERVED = _("Keluarga miskin ekstrem yang dilayani sedikitnya satu program strategi ini.")
PROGRAM_SERVED = _("Keluarga miskin ekstrem yang dilayani program ini.")

# key column -> header (kecamatan and kelurahan show names, their codes on hover)
KEYS: dict[str, str] = {
    "kecamatan": _("Kecamatan"),
    "kelurahan": _("Kelurahan"),
    "strategy": _("Strategi"),
    "program": _("Program"),
    "group": _("Kelompok (strategi)"),
}
BY: dict[str, str] = {"": _("seluruh wilayah"), "kecamatan": _("per kecamatan"), "kelurahan": _("per kelurahan")}


def column_term(column: str, programs: dict[str, str], strategies: dict[str, str]) -> Term:
    """The label and definition of a summary column (programs and strategies: code -> name).
    Raises KeyError for a column no entry names (a new engine column needs its words)."""
    if column in COLUMNS:
        return COLUMNS[column]
    if column in strategies:
        return Term(strategies[column], STRATEGY_SERVED)
    for code, name in programs.items():
        if column == program_column(code):
            return Term(name, PROGRAM_SERVED)
    if column.startswith("strategies_") and column.removeprefix("strategies_").isdigit():
        n = column.removeprefix("strategies_")
        return Term(STRATEGY_COUNT.label % {"n": n}, STRATEGY_COUNT.definition % {"n": n})
    raise KeyError(column)


__all__ = ["BY", "COLUMNS", "KEYS", "MEASURES", "STRATEGIES", "Term", "column_term"]
