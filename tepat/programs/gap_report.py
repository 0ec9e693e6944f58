"""The convergence and gap measures as people read them: named rows and columns, chart rows and
download tables (tepat.programs.gaps computes; tepat.programs.gap_labels names; this module joins them).

    names = Names.load()
    table = summary_table(measure, "cakupan", "kelurahan", names)   # headers + rows for the page
    frame = summary_frame(measure, names)                           # the same table for xlsx/csv
    chart = gap_chart(measure, "cakupan", "kelurahan", names)       # an Altair chart (tepat.charts.gaps)

Cost: two small queries for the names (regions, programs); the rest is work on the summary frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import altair as alt
import polars as pl
from django.utils.translation import gettext as _

from tepat import formatting
from tepat.charts import gaps as charts
from tepat.engine.convergence import Measure
from tepat.programs.gap_labels import BY, KEYS, MEASURES, column_term
from tepat.programs.models import Program, Strategy
from tepat.regions.models import Level, Region

REGIONS = ("kecamatan", "kelurahan")


@dataclass(frozen=True)
class Names:
    regions: dict[str, str]
    programs: dict[str, str]
    strategies: dict[str, str]

    @classmethod
    def load(cls) -> Names:
        regions = dict(Region.objects.filter(level__in=[Level.KECAMATAN, Level.KELURAHAN]).values_list("code", "name"))
        programs = dict(Program.objects.order_by("strategy", "code").values_list("code", "name"))
        return cls(regions, programs, {code: str(label) for code, label in Strategy.choices})

    def of(self, key: str, value) -> str:
        """The name of a key value: a region, program or strategy (a stacking group is a strategy)."""
        if value is None or value == "":
            return _("Di luar registri") if key in REGIONS else "–"
        table = {
            "kecamatan": self.regions,
            "kelurahan": self.regions,
            "program": self.programs,
            "strategy": self.strategies,
            "group": self.strategies,
        }.get(key, {})
        return table.get(value, str(value))


def headers(measure: Measure, names: Names) -> list[dict]:
    """One header per summary column: key, label, definition, kind (key, count or rate)."""
    result = []
    for column in measure.summary.columns:
        if column in measure.keys:
            result.append({"key": column, "label": str(KEYS[column]), "definition": "", "kind": "key"})
        else:
            term = column_term(column, names.programs, names.strategies)
            kind = "rate" if column in measure.rates else "count"
            result.append({"key": column, "label": str(term.label), "definition": str(term.definition), "kind": kind})
    return result


def summary_table(measure: Measure, slug: str, by: str, names: Names) -> dict:
    """Headers and rows for the page; every non-zero count links to its drill-down."""
    columns = headers(measure, names)
    rows = []
    for row in measure.summary.to_dicts():
        keys = {k: row[k] for k in measure.keys if row[k] is not None}
        cells = []
        for column in columns:
            value = row[column["key"]]
            cell = {"kind": column["kind"], "value": value}
            if column["kind"] == "key":
                cell.update(text=names.of(column["key"], value), code=value if column["key"] in REGIONS else "")
            elif column["kind"] == "count" and value:
                cell["link"] = "?" + urlencode({"measure": slug, "by": by, "column": column["key"], **keys})
            cells.append(cell)
        rows.append(cells)
    return {"headers": columns, "rows": rows}


def summary_frame(measure: Measure, names: Names) -> pl.DataFrame:
    """The summary for a spreadsheet: names (and region codes) instead of keys, labelled columns,
    rates as percentages rounded to 0.1."""
    out: dict[str, pl.Series] = {}
    summary = measure.summary
    for column in headers(measure, names):
        key, label = column["key"], column["label"]
        if column["kind"] == "key":
            out[label] = pl.Series([names.of(key, v) for v in summary[key].to_list()], dtype=pl.String)
            if key in REGIONS:
                out[_("Kode %(k)s") % {"k": label.lower()}] = summary[key]
        elif column["kind"] == "rate":
            out[label if label.startswith("%") else f"{label} (%)"] = (summary[key] * 100).round(1)
        else:
            out[label] = summary[key]
    return pl.DataFrame(out)


def _region(row: dict, by: str, names: Names) -> str:
    return names.of(by, row[by]) if by else _("Semua wilayah")


def _program_totals(measure: Measure, columns: list[str]) -> list[dict]:
    """Counts summed over regions, one row per program (in catalogue order)."""
    return measure.summary.group_by("program", maintain_order=True).agg(pl.col(c).sum() for c in columns).to_dicts()


def _chart_rows(measure: Measure, kind: str, by: str, names: Names) -> list[dict]:
    summary, number = measure.summary, formatting.number
    if kind == "heatmap":
        return [
            {
                "row": _region(r, by, names),
                "column": names.of("program", r["program"]),
                "value": r["coverage"],
                "text": formatting.percent(r["coverage"], 0),
            }
            for r in summary.to_dicts()
        ]
    if kind == "strategies":
        return [
            {
                "label": _region(r, by, names),
                "series": str(column_term(f"strategies_{n}", {}, {}).label),
                "value": r[f"strategies_{n}"],
                "text": number(r[f"strategies_{n}"]),
            }
            for r in summary.to_dicts()
            for n in range(4)
        ]
    if kind == "exclusion":
        return [
            {
                "label": names.of("program", r["program"]),
                "series": str(column_term("excluded", {}, {}).label),
                "value": r["excluded"],
                "text": f"{number(r['excluded'])} ({formatting.percent(r['excluded'] / r['target'] if r['target'] else None, 0)})",
            }
            for r in _program_totals(measure, ["target", "excluded"])
            if r["target"]
        ]
    if kind == "inclusion":
        errors = ["not_eligible", "above_desil", "not_registered"]
        return [
            {
                "label": names.of("program", r["program"]),
                "series": str(column_term(c, {}, {}).label),
                "value": r[c],
                "text": number(r[c]),
            }
            for r in _program_totals(measure, errors)
            if any(r[c] for c in errors)
            for c in errors
        ]
    if kind == "stacking":
        totals = summary.group_by("group", maintain_order=True).agg(pl.col("stacked").sum()).to_dicts()
        return [
            {"label": names.of("group", r["group"]), "series": "", "value": r["stacked"], "text": number(r["stacked"])}
            for r in totals
        ]
    return [
        {
            "label": _region(r, by, names),
            "series": "",
            "value": r["unserved"],
            "text": f"{number(r['unserved'])} ({formatting.percent(r['unserved_share'], 0)})",
        }
        for r in summary.to_dicts()
    ]


def gap_chart(measure: Measure, slug: str, by: str, names: Names) -> alt.TopLevelMixin | None:
    """The measure's chart (MEASURES[slug] names its kind), None when there is nothing to draw."""
    term, kind = MEASURES[slug]
    rows = _chart_rows(measure, kind, by, names)
    if not rows:
        return None
    title = f"{term.label} — {BY[by]}"
    region = str(KEYS[by]) if by else None
    if kind == "heatmap":
        return charts.heatmap(
            rows, title=title, row_title=region or "", column_title=str(KEYS["program"]), legend=str(term.label)
        )
    value_title = {
        "exclusion": _("Keluarga sasaran belum dilayani"),
        "inclusion": _("Pasangan keluarga–program (catatan untuk penerima tidak terdaftar)"),
        "stacking": _("Keluarga"),
        "strategies": _("Keluarga miskin ekstrem"),
        "unserved": _("Keluarga miskin ekstrem belum terlayani"),
    }[kind]
    label_title = {"exclusion": KEYS["program"], "inclusion": KEYS["program"], "stacking": KEYS["group"]}.get(
        kind, region
    )
    return charts.bars(
        rows,
        title=title,
        value_title=str(value_title),
        label_title=str(label_title) if label_title else None,
        stacked=kind == "strategies",
    )
