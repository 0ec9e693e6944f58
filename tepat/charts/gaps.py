"""Convergence and gap charts (tepat.programs.gap_report builds their rows, already named and in
the user's language; nothing here translates or looks anything up).

    heatmap([{"row": "Kelurahan A", "row_code": "12.09.05.2001", "column": "PKH", "value": 0.5, "text": "50,0%"}], ...)
    bars([{"label": "PKH", "series": "Tereksklusi", "value": 12, "text": "12"}], ...)

A cell without a value (no eligible family: no coverage) is grey and says so in its tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

from tepat.charts import SMALLEST

WIDTH = 560
ROW = 22  # px per bar or heat-map row: room for a 12 px label
NO_VALUE = "#d9d9d9"
SERIES = ["#b2182b", "#ef8a62", "#fddbc7", "#67a9cf", "#2166ac"]


def heatmap(cells: Sequence[dict], *, title: str, row_title: str, column_title: str, legend: str) -> alt.LayerChart:
    """Rows (regions) × columns (programs), colour = value in [0, 1] (darker = higher), the value's
    text in each cell."""
    rows = list(dict.fromkeys(c["row"] for c in cells))
    columns = list(dict.fromkeys(c["column"] for c in cells))
    base = alt.Chart(alt.Data(values=list(cells))).encode(
        x=alt.X(
            "column:N", title=column_title, sort=columns, axis=alt.Axis(labelAngle=-40, labelLimit=180, orient="top")
        ),
        y=alt.Y("row:N", title=row_title, sort=rows, axis=alt.Axis(labelLimit=200)),
        tooltip=[
            alt.Tooltip("row:N", title=row_title),
            alt.Tooltip("column:N", title=column_title),
            alt.Tooltip("text:N", title=legend),
        ],
    )
    empty = base.mark_rect(fill=NO_VALUE).transform_filter("!isValid(datum.value)")
    filled = (
        base.mark_rect()
        .encode(
            color=alt.Color(
                "value:Q",
                title=legend,
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
                legend=alt.Legend(format=".0%", orient="bottom"),
            ),
        )
        .transform_filter("isValid(datum.value)")
    )
    text = base.mark_text(fontSize=SMALLEST).encode(
        text="text:N", color=alt.condition("datum.value > 0.6", alt.value("white"), alt.value("#1d2733"))
    )
    width = max(WIDTH // 2, 64 * len(columns))
    return alt.layer(empty, filled, text).properties(
        width=width, height=ROW * max(1, len(rows)) + 8, title=alt.TitleParams(title, anchor="start")
    )


def bars(
    rows: Sequence[dict], *, title: str, value_title: str, label_title: str | None = None, stacked: bool = False
) -> alt.LayerChart:
    """Horizontal bars, one per `label`; several `series` side by side (or stacked when `stacked`),
    each bar labelled with its `text`."""
    labels = list(dict.fromkeys(r["label"] for r in rows))
    series = list(dict.fromkeys(r["series"] for r in rows))
    colours = SERIES[: len(series)] if len(series) > 1 else ["#2e6da4"]
    base = alt.Chart(alt.Data(values=list(rows))).encode(
        y=alt.Y("label:N", title=label_title, sort=labels, axis=alt.Axis(labelLimit=240)),
        tooltip=[
            alt.Tooltip("label:N", title=label_title or " "),
            alt.Tooltip("series:N", title=" "),
            alt.Tooltip("text:N", title=value_title),
        ],
    )
    colour = alt.Color(
        "series:N",
        title=None,
        sort=series,
        scale=alt.Scale(domain=series, range=colours),
        legend=alt.Legend(orient="bottom", columns=2, labelLimit=320) if len(series) > 1 else None,
    )
    x = alt.X("value:Q", title=value_title, stack="zero" if stacked else None)
    offset = {} if stacked or len(series) < 2 else {"yOffset": alt.YOffset("series:N", sort=series)}
    bar = base.mark_bar().encode(x=x, color=colour, **offset)
    layers = [bar]
    if not stacked:
        layers.append(base.mark_text(align="left", dx=3, fontSize=SMALLEST).encode(x=x, text="text:N", **offset))
    per_label = 1 if stacked else max(1, len(series))
    return alt.layer(*layers).properties(
        width=WIDTH, height=ROW * per_label * max(1, len(labels)) + 8, title=alt.TitleParams(title, anchor="start")
    )
