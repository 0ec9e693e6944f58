"""Kelurahan maps (Altair geoshape over a GeoJSON FeatureCollection), each defined once for pages,
downloads and PDF reports.

Feature properties read: `name`, `kecamatan`, `value` (number or null), `shown` (the value as text,
or why it is absent), and for hotspot maps `label` (the category text) and `p`. Kelurahan without a
value are drawn grey. Maps drawn from synthetic boundaries carry "SINTETIS: batas buatan" (in the reader's language)
in the title so a picture taken out of the page still says so.
"""

from __future__ import annotations

import altair as alt
from django.utils.translation import gettext as _

WIDTH = 460
NO_VALUE = "#d9d9d9"
# category text -> colour, in legend order (hotspot labels of tepat.engine.spatial.hotspots.LABELS)
HOTSPOT_COLOURS = {
    "HH": "#b2182b",
    "HL": "#ef8a62",
    "LH": "#67a9cf",
    "LL": "#2166ac",
    "hot99": "#b2182b",
    "hot95": "#ef8a62",
    "cold95": "#67a9cf",
    "cold99": "#2166ac",
    "ns": "#f0f0f0",
    "island": "#bdbdbd",
    "none": NO_VALUE,
    "hidden": "#9e9e9e",
}


def _title(title: str, synthetic: bool, subtitle: str | None = None) -> alt.TitleParams:
    lines = [line for line in (_("SINTETIS: batas buatan, bukan batas resmi") if synthetic else None, subtitle) if line]
    return alt.TitleParams(
        title,
        subtitle=lines or alt.Undefined,
        subtitleColor="#b2182b" if synthetic else "#555",
        anchor="start",
        fontSize=14,
    )


def _base(collection: dict, width: int) -> alt.Chart:
    data = alt.Data(values=collection["features"])
    return alt.Chart(data).project(type="mercator").properties(width=width, height=width)


def _tooltip(extra: list | None = None) -> list:
    return [
        alt.Tooltip("properties.name:N", title=_("Kelurahan")),
        alt.Tooltip("properties.kecamatan:N", title=_("Kecamatan")),
        alt.Tooltip("properties.shown:N", title=_("Nilai")),
        *(extra or []),
    ]


def choropleth(
    collection: dict,
    *,
    title: str,
    legend: str,
    synthetic: bool,
    percent: bool = False,
    width: int = WIDTH,
    subtitle: str | None = None,
) -> alt.LayerChart:
    """Sequential colour by `value` (darker = higher); grey where there is no value (suppressed or no families)."""
    base = _base(collection, width)
    empty = base.mark_geoshape(fill=NO_VALUE, stroke="white", strokeWidth=0.8).encode(tooltip=_tooltip())
    scale = alt.Scale(scheme="orangered", zero=True)
    legend_spec = alt.Legend(title=legend, format=".1f" if percent else ",.3~f", orient="right")
    filled = (
        base.mark_geoshape(stroke="white", strokeWidth=0.8)
        .encode(
            color=alt.Color("properties.value:Q", scale=scale, legend=legend_spec),
            tooltip=_tooltip(),
        )
        .transform_filter("isValid(datum.properties.value)")
    )
    return alt.layer(empty, filled).properties(title=_title(title, synthetic, subtitle))


def hotspot_map(
    collection: dict,
    *,
    title: str,
    legend: str,
    categories: dict[str, str],
    synthetic: bool,
    width: int = WIDTH,
    subtitle: str | None = None,
) -> alt.Chart:
    """Categorical colour by `label` (the hotspot class); `categories` maps class -> legend text, in order."""
    domain = list(categories.values())
    colours = [HOTSPOT_COLOURS[key] for key in categories]
    extra = [alt.Tooltip("properties.category:N", title=legend), alt.Tooltip("properties.p:N", title="p")]
    return (
        _base(collection, width)
        .mark_geoshape(stroke="#555", strokeWidth=0.6)
        .encode(
            color=alt.Color(
                "properties.category:N",
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(title=legend, orient="right"),
            ),
            tooltip=_tooltip(extra),
        )
        .properties(title=_title(title, synthetic, subtitle))
    )
