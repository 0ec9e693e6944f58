"""Indicator charts, each defined once (pages, downloads and PDF reports draw the same picture).

    from tepat.charts import svg, png
    from tepat.charts.indicators import trend_chart, comparison_chart, registry_bar_chart
    from tepat.indicators.official import trend_data, comparison_data
    svg(trend_chart(*trend_data("poverty_pct", "12.09")))
    svg(comparison_chart(comparison_data("poverty_pct", 2024, ["12.09", "12", "", "12.71"]), title="..."))

Inputs are plain dicts (no Django): a point is {"year", "value", "ppp_basis", "region", "synthetic"};
a target {"year", "value", "legal_basis"}. A series never joins two PPP bases: each basis is its own
line, named with its basis; a line also breaks at a missing year (the gap stays visible).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import altair as alt
from django.utils.translation import gettext as _

from tepat.charts import SMALLEST
from tepat.formatting import number

WIDTH, HEIGHT = 560, 260


def synthetic_suffix() -> str:
    return " (" + _("sintetis") + ")"


def series_name(point: dict) -> str:
    name = point.get("region") or "Indonesia"
    return f"{name} — {point['ppp_basis']}" if point.get("ppp_basis") else name


def _with_segments(points: Iterable[dict]) -> list[dict]:
    """Each point with its series name and a segment number that changes at a missing year, so the
    line is drawn only between consecutive years of one series (one PPP basis)."""
    rows = []
    for name in sorted({series_name(p) for p in points}):
        own = sorted((p for p in points if series_name(p) == name), key=lambda p: p["year"])
        segment, previous = 0, None
        for point in own:
            if previous is not None and point["year"] != previous + 1:
                segment += 1
            previous = point["year"]
            rows.append(
                {
                    **point,
                    "series": name,
                    "segment": f"{name}#{segment}",
                    "source_note": _("sintetis") if point.get("synthetic") else _("resmi"),
                }
            )
    return rows


def trend_chart(
    points: Sequence[dict], targets: Sequence[dict] = (), *, title: str = "", unit: str = "%", width: int = WIDTH
) -> alt.LayerChart:
    """Lines per series (region and PPP basis), points for every value (hollow when synthetic), and
    the targets as red diamonds labelled with their legal basis."""
    rows = _with_segments(points)
    years = [r["year"] for r in rows] + [t["year"] for t in targets]
    x = alt.X(
        "year:O",
        title=_("Tahun"),
        scale=alt.Scale(domain=list(range(min(years), max(years) + 1))) if years else alt.Undefined,
    )
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True))
    base = alt.Chart(alt.Data(values=rows))
    color = alt.Color("series:N", title=_("Seri"), legend=alt.Legend(orient="bottom", columns=1, labelLimit=400))
    lines = base.mark_line().encode(x=x, y=y, color=color, detail="segment:N")
    dots = base.mark_point(size=60, filled=True).encode(
        x=x,
        y=y,
        color=color,
        shape=alt.Shape(
            "source_note:N",
            title=_("Sumber"),
            scale=alt.Scale(domain=[_("resmi"), _("sintetis")], range=["circle", "triangle"]),
        ),
        tooltip=["series:N", "year:O", "value:Q", "source_note:N"],
    )
    labels = base.mark_text(dy=-10, fontSize=SMALLEST).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".2f"), color=color
    )
    layers = [lines, dots, labels]
    if targets:
        goal = alt.Chart(
            alt.Data(
                values=[
                    {
                        **t,
                        "label": _("target %(v)s (%(basis)s)")
                        % {"v": number(t["value"], 2).rstrip("0").rstrip(",."), "basis": t["legal_basis"]},
                    }
                    for t in targets
                ]
            )
        )
        layers.append(
            goal.mark_point(shape="diamond", size=120, color="#c0392b", filled=True).encode(
                x=x, y=y, tooltip=["label:N"]
            )
        )
        layers.append(
            goal.mark_text(dx=8, align="left", fontSize=SMALLEST, color="#c0392b").encode(x=x, y=y, text="label:N")
        )
    return alt.layer(*layers).properties(width=width, height=HEIGHT, title=title or alt.Undefined)


def comparison_chart(rows: Sequence[dict], *, title: str = "", unit: str = "%") -> alt.LayerChart:
    """Horizontal bars, one per region (and PPP basis when there is one), for one indicator and year;
    synthetic figures are pale and named so. Bars of different PPP bases get different colours."""
    values = [
        {
            **r,
            "label": series_name(r) + (synthetic_suffix() if r.get("synthetic") else ""),
            "basis": r.get("ppp_basis") or "-",
            "opacity": 0.4 if r.get("synthetic") else 1.0,
        }
        for r in rows
    ]
    base = alt.Chart(alt.Data(values=values))
    y = alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=300))
    x = alt.X("value:Q", title=unit)
    bars = base.mark_bar().encode(
        x=x,
        y=y,
        color=alt.Color("basis:N", title=_("Dasar PPP"), legend=alt.Legend(orient="bottom")),
        opacity=alt.Opacity("opacity:Q", legend=None, scale=None),
        tooltip=["label:N", "value:Q", "basis:N"],
    )
    text = base.mark_text(align="left", dx=3, fontSize=SMALLEST).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".2f")
    )
    return alt.layer(bars, text).properties(width=WIDTH, height=max(60, 28 * len(values)), title=title or alt.Undefined)


def registry_bar_chart(rows: Sequence[dict], value: str, *, title: str = "", unit: str = "%") -> alt.LayerChart:
    """One bar per region (`region_name`) for a registry measure (hidden cells = None are left out
    and listed in the subtitle); titled as registry counts, not survey estimates."""
    shown = [r for r in rows if r.get(value) is not None]
    hidden = [r["region_name"] for r in rows if r.get(value) is None]
    subtitle = [_("Hitungan registri, bukan estimasi survei")] + (
        [_("Disembunyikan (sel kecil): %(names)s") % {"names": ", ".join(hidden)}] if hidden else []
    )
    base = alt.Chart(alt.Data(values=[{"region_name": r["region_name"], "value": r[value]} for r in shown]))
    y = alt.Y("region_name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=250))
    x = alt.X("value:Q", title=unit)
    bars = base.mark_bar(color="#2e6da4").encode(x=x, y=y, tooltip=["region_name:N", "value:Q"])
    text = base.mark_text(align="left", dx=3, fontSize=SMALLEST).encode(
        x=x, y=y, text=alt.Text("value:Q", format=".2f")
    )
    return alt.layer(bars, text).properties(
        width=WIDTH, height=max(60, 18 * len(shown)), title=alt.TitleParams(title or value, subtitle=subtitle)
    )
