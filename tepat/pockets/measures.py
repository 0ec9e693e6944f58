"""Poverty pockets on the live registry: a measure per kelurahan, its ranking and hotspots, within a
user's aggregate scope (engine: tepat.engine.spatial).

Families and their deprivation flags come from the registry indicators (tepat.indicators.registry:
the same definitions, unknowns and AF defaults as the indicator pages), for the user's aggregate
scope (the viewer: the whole city, with small cells suppressed here). Results are cached per
(measure, method, contiguity, scope, registry state, boundary set, language), so a second look at
the same map costs the registry-state queries only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import narwhals.stable.v2 as nw
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext, gettext_lazy as _
from shapely.geometry import shape

from tepat.accounts.roles import Scope, policy_for
from tepat.engine import spatial
from tepat.formatting import number
from tepat.indicators import registry
from tepat.lru import LRU
from tepat.pockets.models import Boundary, BoundarySet
from tepat.programs.frames import registry_state
from tepat.programs.preview import scope_key
from tepat.regions.models import Level, Region

_CACHE: LRU[Pockets] = LRU(24)
_SHAPES: LRU[dict] = LRU(6)  # polygons and contiguity graphs of the latest boundary sets
HIDDEN = "hidden"  # hotspot class shown for a suppressed kelurahan


@dataclass(frozen=True)
class PocketMeasure:
    label: str
    unit: str  # "percent" | "count" | "index"
    compute: Callable  # (family table) -> [RegionValue]


def _af(which: str) -> Callable:
    """AF at the registry indicators' default parameters (tepat.indicators.registry), H as a percent."""
    scale = 100 if which == "h" else 1

    def compute(table):
        result = registry.af_at(table, "kelurahan")
        return [
            spatial.RegionValue(row.group, row.n, row.poor, getattr(row, which) * scale)
            for row in result.groups
            if row.group is not None
        ]

    return compute


def _deprivation(key: str) -> Callable:
    """Share of the families with data on the dimension (unknown kept apart, as the registry tables do)."""
    return lambda table: spatial.shares(table, nw.col(key), known=~nw.col(key).is_null())


def _measures() -> dict[str, PocketMeasure]:
    desil1 = nw.col("desil") == 1
    return {
        "desil1": PocketMeasure(
            _("Persentase keluarga desil 1"), "percent", lambda table: spatial.shares(table, desil1)
        ),
        "ekstrem": PocketMeasure(
            _("Jumlah keluarga miskin ekstrem (desil 1)"), "count", lambda table: spatial.counts(table, desil1)
        ),
        "af_m0": PocketMeasure(_("Kemiskinan multidimensi M0 (Alkire-Foster)"), "index", _af("m0")),
        "af_h": PocketMeasure(_("Persentase keluarga miskin multidimensi H (Alkire-Foster)"), "percent", _af("h")),
        **{
            f"deprivasi_{key}": PocketMeasure(
                format_lazy("{} {} (%)", _("Deprivasi:"), d.label), "percent", _deprivation(key)
            )
            for key, d in registry.dimensions().items()
        },
    }


MEASURES: dict[str, PocketMeasure] = _measures()
METHODS = tuple(spatial.METHOD_LABELS)
CONTIGUITIES = {
    spatial.Contiguity.QUEEN.value: _("Queen (titik sudut bersama)"),
    spatial.Contiguity.ROOK.value: _("Rook (sisi bersama)"),
}


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
            return gettext("disembunyikan (< %(n)s keluarga)") % {"n": registry.small_cell()}
        if self.value is None:
            return gettext("tanpa data")
        decimals = {"count": 0, "percent": 1}.get(unit, 3)
        return number(self.value, decimals) + ("%" if unit == "percent" else "")


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


def _polygons(boundary_set: BoundarySet) -> dict:
    def build():
        rows = Boundary.objects.filter(boundary_set=boundary_set).values_list("region__code", "geometry")
        return {code: shape(json.loads(text)) for code, text in rows}

    return _SHAPES.get((boundary_set.pk, boundary_set.uploaded_at, "polygons"), build)


def _graph(boundary_set: BoundarySet, contiguity: str) -> dict:
    return _SHAPES.get(
        (boundary_set.pk, boundary_set.uploaded_at, contiguity),
        lambda: spatial.neighbours(_polygons(boundary_set), spatial.Contiguity(contiguity)),
    )


def _regions() -> dict[str, tuple[str, str]]:
    rows = Region.objects.filter(level=Level.KELURAHAN).values_list("code", "name", "parent__name")
    return {code: (name, parent) for code, name, parent in rows}


def _in_language(pair: tuple[str, str]) -> str:
    return pair[1 if (get_language() or "id").startswith("en") else 0]


def label_text(label: spatial.Label) -> str:
    """The hotspot class in the page's language (the engine carries both)."""
    return _in_language(spatial.LABELS[label])


def method_text(method: str) -> str:
    """The hotspot method's name in the page's language."""
    return _in_language(spatial.METHOD_LABELS[method])


def _rows(ranked: list[spatial.Ranked], spots: dict) -> list[Row]:
    names = _regions()
    return [
        Row(
            r.rank,
            r.code,
            *names.get(r.code, (r.code, "")),
            r.families,
            r.counted,
            r.value,
            r.suppressed,
            None if r.suppressed else spots.get(r.code),
        )
        for r in ranked
    ]


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
            "name": names.get(code, (code, ""))[0],
            "kecamatan": names.get(code, ("", ""))[1],
            "value": None if row is None or row.suppressed else row.value,
            "shown": row.shown(result.unit) if row else gettext("tanpa data"),
            "label": label.value if label else HIDDEN,
            "category": label_text(label) if label else gettext("disembunyikan"),
            "p": f"{row.spot.p:.3f}" if row and row.spot and row.spot.p is not None else "-",
        }
    return spatial.feature_collection(_polygons(result.boundary_set), properties)


def _release_cells(measure: str) -> list[tuple[str, str]]:
    """The public release's cells behind a measure: its counted families and their base."""
    if measure in ("desil1", "ekstrem"):
        return [("keluarga", "d1"), ("keluarga", "jumlah")]
    if measure.startswith("af_"):
        return [("af", "miskin"), ("keluarga", "jumlah")]
    key = measure.removeprefix("deprivasi_")
    return [("deprivasi", key), ("deprivasi", f"{key}:data")]


def _released_hidden(measure: str, state: tuple) -> set[str]:
    """Kelurahan hidden in the audited public release for this measure (the same pattern as every
    other public table, so the map cannot be combined with them to recover a small count)."""
    return registry.public_release(state=state).hidden_regions("kelurahan", _release_cells(measure))


def pockets(
    user, measure: str = "desil1", method: str = "moran", contiguity: str = "queen", *, state: tuple | None = None
) -> Pockets:
    """The ranking, hotspots and map data for one user. Raises KeyError for an unknown option.
    `state`: the registry state when the caller has read it already (it costs a scan of the members)."""
    if measure not in MEASURES or method not in METHODS or contiguity not in CONTIGUITIES:
        raise KeyError(f"{measure} / {method} / {contiguity}")
    suppressed = policy_for(user).scope == Scope.NONE
    boundary_set = BoundarySet.current()
    boundaries_key = (boundary_set.pk, boundary_set.uploaded_at) if boundary_set else None
    state = state or registry_state()
    key = (measure, method, contiguity, suppressed, scope_key(user), state, boundaries_key, get_language())
    return _CACHE.get(key, lambda: _computed(user, measure, method, contiguity, suppressed, boundary_set, state))


def _computed(
    user, measure: str, method: str, contiguity: str, suppressed: bool, boundary_set: BoundarySet | None, state: tuple
) -> Pockets:
    table = registry.cached_family_table(user, state=state)  # the user's aggregate scope, with the deprivation flags
    values = MEASURES[measure].compute(table) if table.height else []
    found = None
    if boundary_set:
        found = spatial.hotspots(
            {v.code: v.value for v in values},
            _graph(boundary_set, contiguity),
            method,
            contiguity=spatial.Contiguity(contiguity),
        )
    ranked = spatial.rank(values, hidden=_released_hidden(measure, state) if suppressed else set())
    result = Pockets(
        measure, method, contiguity, suppressed, _rows(ranked, found.spots if found else {}), boundary_set, found
    )
    result.collection = _collection(result)
    return result
