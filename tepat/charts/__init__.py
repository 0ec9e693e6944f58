"""Charts, each defined once (an Altair chart) and rendered to SVG or PNG without a browser.

A chart definition is a function returning an `altair.Chart`; pages embed `svg(chart)`, downloads
serve `svg`/`png`, and the PDF reports embed the same SVG, so screen and paper show one picture.
"""
from __future__ import annotations

import altair as alt

alt.data_transformers.disable_max_rows()


def spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def svg(chart: alt.TopLevelMixin) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec(chart))


def png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec(chart), scale=scale)
