"""Poverty pockets on the live registry: a measure per kelurahan, its ranking and hotspots, within a
user's aggregate scope (engine: tepat.engine.spatial).

Families come from `aggregate_families` (the viewer: the whole city, with small cells suppressed),
read through the cached registry frames. Results are cached per (measure, method, contiguity,
scope, registry state, boundary set), so a second look at the same map costs two aggregate queries.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce

import narwhals.stable.v2 as nw
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext, gettext_lazy as _
from shapely.geometry import shape

from tepat.accounts.roles import Scope, policy_for
from tepat.accounts.scope import aggregate_families
from tepat.engine import spatial
from tepat.pockets.models import Boundary, BoundarySet
from tepat.programs.frames import WHOLE_REGISTRY, registry_frames, registry_state
from tepat.programs.preview import scope_key
from tepat.regions.models import Level, Region
from tepat.registry.filters import DEPRIVATIONS

SMALL_CELL = 5
AF_K = Fraction(1, 3)  # multidimensionally poor: deprived in at least a third of the weighted indicators
_CACHE: OrderedDict[tuple, Pockets] = OrderedDict()
_SHAPES: dict[tuple, dict] = {}
_CACHE_SIZE = 24
HIDDEN = "hidden"  # hotspot class shown for a suppressed kelurahan


def expression_of(condition: Q) -> nw.Expr:
    """The narwhals twin of a filter Q made of `field=value` and `field__in=[...]` terms joined by AND,
    so the deprivations are defined once (tepat.registry.filters) for the family list and the maps."""
    terms = []
    for lookup, value in condition.children:
        name, _, operator = lookup.partition("__")
        terms.append(nw.col(name).is_in(list(value)) if operator == "in" else nw.col(name) == value)
    if condition.connector != Q.AND or condition.negated:
        raise ValueError(f"unsupported filter: {condition}")
    return reduce(lambda left, right: left & right, terms)


@dataclass(frozen=True)
class PocketMeasure:
    label: str
    unit: str  # "percent" | "count" | "index"
    compute: Callable


def _af(which: str) -> Callable:
    indicators = {name: expression_of(q) for name, (_, q) in DEPRIVATIONS.items()}
    weights = {name: 1 / len(indicators) for name in indicators}

    def compute(frame):
        values = spatial.multidimensional(frame, indicators, weights, float(AF_K), which=which)
        scale = 100 if which == "h" else 1
        return [spatial.RegionValue(v.code, v.families, v.counted, None if v.value is None else v.value * scale) for v in values]

    return compute


def _deprivation(q: Q) -> Callable:
    return lambda frame: spatial.shares(frame, expression_of(q))


MEASURES: dict[str, PocketMeasure] = {
    "desil1": PocketMeasure(_("Persentase keluarga desil 1"), "percent", lambda frame: spatial.shares(frame, nw.col("desil") == 1)),
    "ekstrem": PocketMeasure(_("Jumlah keluarga miskin ekstrem (desil 1)"), "count", lambda frame: spatial.counts(frame, nw.col("desil") == 1)),
    "af_m0": PocketMeasure(_("Kemiskinan multidimensi M0 (Alkire-Foster)"), "index", _af("m0")),
    "af_h": PocketMeasure(_("Persentase keluarga miskin multidimensi H (Alkire-Foster)"), "percent", _af("h")),
    **{f"deprivasi_{name}": PocketMeasure(format_lazy("{} {} (%)", _("Deprivasi:"), label), "percent", _deprivation(q))
       for name, (label, q) in DEPRIVATIONS.items()},
}
METHODS = {"moran": spatial.METHOD_LABELS["moran"][0], "getis": spatial.METHOD_LABELS["getis"][0]}
CONTIGUITIES = {spatial.Contiguity.QUEEN.value: _("Queen (titik sudut bersama)"), spatial.Contiguity.ROOK.value: _("Rook (sisi bersama)")}


@dataclass
class Row:
    rank: int | None
    code: str
    name: str
    kecamatan: str
    families: int | None
    counted: int | None
    value: float | None
    suppressed: bool
    spot: spatial.Spot | None = None

    def shown(self, unit: str) -> str:
        if self.suppressed:
            return gettext("disembunyikan (< 5 keluarga)")
        if self.value is None:
            return gettext("tanpa data")
        return f"{self.value:,.0f}" if unit == "count" else (f"{self.value:.1f}%" if unit == "percent" else f"{self.value:.3f}")


@dataclass
class Pockets:
    measure: str
    method: str
    contiguity: str
    suppressed: bool
    rows: list[Row]
    boundary_set: BoundarySet | None
    hotspots: spatial.Hotspots | None
    collection: dict | None = None
    rendered: dict = field(default_factory=dict)  # (which, kind) -> svg text / png bytes

    @property
    def unit(self) -> str:
        return MEASURES[self.measure].unit

    @property
    def synthetic(self) -> bool:
        return bool(self.boundary_set and self.boundary_set.synthetic)


def _frame(user):
    families = aggregate_families(user)
    key = WHOLE_REGISTRY if policy_for(user).scope in (Scope.CITY, Scope.NONE) else scope_key(user)
    return registry_frames(families, key)[0]


def _polygons(boundary_set: BoundarySet) -> dict:
    key = (boundary_set.pk, "polygons")
    if key not in _SHAPES:
        rows = Boundary.objects.filter(boundary_set=boundary_set).values_list("region__code", "geometry")
        _SHAPES[key] = {code: shape(json.loads(text)) for code, text in rows}
    return _SHAPES[key]


def _graph(boundary_set: BoundarySet, contiguity: str) -> dict:
    key = (boundary_set.pk, contiguity)
    if key not in _SHAPES:
        _SHAPES[key] = spatial.neighbours(_polygons(boundary_set), spatial.Contiguity(contiguity))
    return _SHAPES[key]


def _regions() -> dict[str, tuple[str, str]]:
    rows = Region.objects.filter(level=Level.KELURAHAN).values_list("code", "name", "parent__name")
    return {code: (name, parent) for code, name, parent in rows}


def label_text(label: spatial.Label) -> str:
    """The hotspot class in the page's language (the engine carries both)."""
    return spatial.LABELS[label][1 if (get_language() or "id").startswith("en") else 0]


def _rows(ranked: list[spatial.Ranked], spots: dict) -> list[Row]:
    names = _regions()
    return [Row(r.rank, r.code, *names.get(r.code, (r.code, "")), r.families, r.counted, r.value, r.suppressed,
                None if r.suppressed else spots.get(r.code)) for r in ranked]


def _collection(result: Pockets) -> dict | None:
    if result.boundary_set is None:
        return None
    by_code = {row.code: row for row in result.rows}
    names = _regions()
    properties = {}
    for code in _polygons(result.boundary_set):
        row = by_code.get(code)
        label = row.spot.label if row and row.spot else (None if row and row.suppressed else spatial.Label.NO_VALUE)
        properties[code] = {
            "name": names.get(code, (code, ""))[0], "kecamatan": names.get(code, ("", ""))[1],
            "value": None if row is None or row.suppressed else row.value,
            "shown": row.shown(result.unit) if row else gettext("tanpa data"),
            "label": label.value if label else HIDDEN,
            "category": label_text(label) if label else gettext("disembunyikan"),
            "p": f"{row.spot.p:.3f}" if row and row.spot and row.spot.p is not None else "-",
        }
    return spatial.feature_collection(_polygons(result.boundary_set), properties)


def pockets(user, measure: str = "desil1", method: str = "moran", contiguity: str = "queen") -> Pockets:
    """The ranking, hotspots and map data for one user. Raises KeyError for an unknown option."""
    spec, _method, _cont = MEASURES[measure], METHODS[method], CONTIGUITIES[contiguity]
    suppressed = policy_for(user).scope == Scope.NONE
    boundary_set = BoundarySet.current()
    frame = _frame(user)  # before the key: reading the frames may refresh the registry state
    key = (measure, method, contiguity, suppressed, scope_key(user), registry_state(), boundary_set.pk if boundary_set else None,
           get_language())
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    values = spec.compute(frame) if frame.height else []
    spots = {}
    found = None
    if boundary_set:
        found = spatial.hotspots({v.code: v.value for v in values}, _graph(boundary_set, contiguity), method,
                                 contiguity=spatial.Contiguity(contiguity))
        spots = found.spots
    ranked = spatial.rank(values, threshold=SMALL_CELL if suppressed else 0)
    result = Pockets(measure, method, contiguity, suppressed, _rows(ranked, spots), boundary_set, found)
    result.collection = _collection(result)
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result
