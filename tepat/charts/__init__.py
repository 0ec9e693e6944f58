"""Charts, each defined once (an Altair chart) and rendered to SVG or PNG without a browser.

A chart definition is a function returning an `altair.Chart`; pages embed `svg(chart)`, downloads
serve `svg`/`png`, and the PDF reports embed the same SVG, so screen and paper show one picture.
Rendering applies `READABLE` (no chart text below 12 px at the chart's own size; pages show charts
at that size and scroll them sideways rather than shrink them), marks hidden from screen readers
(the page names the figure and lists its numbers in a table) and the active language's number
format (`tepat.formatting`: 1.234,5 in Indonesian, 1,234.5 in English).
"""

from __future__ import annotations

import altair as alt

from tepat.formatting import d3_locale

alt.data_transformers.disable_max_rows()

SMALLEST = 12  # px: the smallest text a chart draws
READABLE = {
    "axis": {"labelFontSize": SMALLEST, "titleFontSize": SMALLEST + 1},
    "legend": {"labelFontSize": SMALLEST, "titleFontSize": SMALLEST + 1},
    "header": {"labelFontSize": SMALLEST, "titleFontSize": SMALLEST + 1},
    "title": {"fontSize": SMALLEST + 3, "subtitleFontSize": SMALLEST},
    "text": {"fontSize": SMALLEST},
    # Marks are not announced one by one (a screen reader gets the figure's label, and every chart
    # has its numbers in a table beside it); an unnamed mark is an axe "svg-img-alt" violation.
    "mark": {"aria": False},
}


def spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec(chart), config=READABLE, format_locale=d3_locale())


def png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec(chart), scale=scale, config=READABLE, format_locale=d3_locale())
