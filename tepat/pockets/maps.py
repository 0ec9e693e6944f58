"""The pockets' two maps (choropleth and hotspots) of a result, rendered once and kept with it; used by
the pockets page, the dashboard and the briefing pack."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tepat.charts import png, svg
from tepat.charts.maps import choropleth, hotspot_map
from tepat.engine.spatial import Label
from tepat.pockets.measures import HIDDEN, MEASURES, Pockets, label_text, method_text

RENDERERS = {"svg": (svg, "image/svg+xml"), "png": (png, "image/png")}
LABEL_ORDER = {
    "moran": [Label.HH, Label.HL, Label.LH, Label.LL],
    "getis": [Label.HOT_99, Label.HOT_95, Label.COLD_95, Label.COLD_99],
}
QUIET = [Label.NOT_SIGNIFICANT, Label.ISLAND, Label.NO_VALUE]


def _categories(result: Pockets) -> dict[str, str]:
    """Hotspot classes present on the map, in legend order: significant ones first."""
    present = {feature["properties"]["label"] for feature in result.collection["features"]}
    ordered = {
        label.value: label_text(label) for label in [*LABEL_ORDER[result.method], *QUIET] if label.value in present
    }
    if HIDDEN in present:
        ordered[HIDDEN] = _("disembunyikan")
    return ordered


def map_chart(result: Pockets, which: str, width: int | None = None):
    """The choropleth ("peta") or the hotspot map of a result; None without boundaries."""
    if result.collection is None:
        return None
    size = {"width": width} if width else {}
    label = str(MEASURES[result.measure].label)
    if which == "peta":
        return choropleth(
            result.collection,
            title=label,
            legend=_("Nilai"),
            synthetic=result.synthetic,
            percent=result.unit == "percent",
            subtitle=_("Abu-abu: tanpa data atau disembunyikan"),
            **size,
        )
    method = method_text(result.method)
    return hotspot_map(
        result.collection,
        title=f"{method}: {label}",
        legend=_("Kelas"),
        categories=_categories(result),
        synthetic=result.synthetic,
        subtitle=_("Signifikan pada p < 0,05 (uji permutasi)"),
        **size,
    )


def rendered(result: Pockets, which: str, kind: str = "svg", width: int | None = None):
    """SVG text or PNG bytes of a map, kept with the cached result."""
    key = (which, kind, width)
    if key not in result.rendered:
        chart = map_chart(result, which, width)
        result.rendered[key] = RENDERERS[kind][0](chart) if chart is not None else None
    return result.rendered[key]
