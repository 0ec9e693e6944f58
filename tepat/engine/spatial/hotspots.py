"""Contiguity weights and local spatial statistics over kelurahan polygons. No Django.

Weights: Queen (a shared vertex is enough) or rook (a shared edge) contiguity from shapely polygons,
through libpysal. Statistics (esda), each with conditional-permutation pseudo p-values drawn from a
fixed seed, so the same data always give the same map:

- local Moran's I (row-standardised weights): a kelurahan is in a cluster when p < 0.05, labelled by
  its quadrant: HH (high among high), LL, HL (high among low), LH;
- Getis-Ord Gi* (the kelurahan itself included, binary weights): hot or cold spot at 99 % (p < 0.01)
  or 95 % (p < 0.05) by the sign of the standardised statistic.

A kelurahan without a value (no families, or no polygon) takes no part; one without neighbours among
the rest is labelled ISLAND. Fewer than MIN_REGIONS connected kelurahan, or values that do not vary,
give no significant result (`Hotspots.note` says why). Cost: O(permutations x regions x neighbours).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from shapely.geometry.base import BaseGeometry

PERMUTATIONS = 999
SEED = 20241204  # the date of the rakor in the seed: any fixed number makes runs repeatable
MIN_REGIONS = 5


class Contiguity(StrEnum):
    QUEEN = "queen"
    ROOK = "rook"


class Label(StrEnum):
    HH = "HH"
    LL = "LL"
    HL = "HL"
    LH = "LH"
    HOT_99 = "hot99"
    HOT_95 = "hot95"
    COLD_95 = "cold95"
    COLD_99 = "cold99"
    NOT_SIGNIFICANT = "ns"
    ISLAND = "island"
    NO_VALUE = "none"


LABELS = {
    Label.HH: ("Tinggi-tinggi (kantong)", "High-high (pocket)"),
    Label.LL: ("Rendah-rendah", "Low-low"),
    Label.HL: ("Tinggi di antara rendah", "High among low"),
    Label.LH: ("Rendah di antara tinggi", "Low among high"),
    Label.HOT_99: ("Titik panas 99%", "Hot spot 99%"),
    Label.HOT_95: ("Titik panas 95%", "Hot spot 95%"),
    Label.COLD_95: ("Titik dingin 95%", "Cold spot 95%"),
    Label.COLD_99: ("Titik dingin 99%", "Cold spot 99%"),
    Label.NOT_SIGNIFICANT: ("Tidak signifikan", "Not significant"),
    Label.ISLAND: ("Tanpa tetangga", "No neighbours"),
    Label.NO_VALUE: ("Tanpa nilai", "No value"),
}
QUADRANTS = {1: Label.HH, 2: Label.LH, 3: Label.LL, 4: Label.HL}


@dataclass(frozen=True)
class Spot:
    code: str
    value: float | None
    statistic: float | None
    p: float | None
    label: Label


@dataclass(frozen=True)
class Hotspots:
    method: str
    contiguity: Contiguity
    spots: dict[str, Spot]
    permutations: int
    seed: int
    note: str | None = None  # "<id> / <en>" when nothing could be tested

    def significant(self) -> dict[str, Spot]:
        quiet = {Label.NOT_SIGNIFICANT, Label.ISLAND, Label.NO_VALUE}
        return {code: spot for code, spot in self.spots.items() if spot.label not in quiet}


def neighbours(polygons: Mapping[str, BaseGeometry], contiguity: Contiguity = Contiguity.QUEEN) -> dict[str, list[str]]:
    """Each code's contiguous codes (sorted). Shared boundaries must coincide exactly (as uploaded
    polygons of one tessellation do); touching within a tolerance is not contiguity."""
    from libpysal.weights import Queen, Rook

    builder = Queen if contiguity == Contiguity.QUEEN else Rook
    codes = list(polygons)
    if not codes:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libpysal warns about islands; we label them instead
        weights = builder.from_iterable([polygons[c] for c in codes], ids=codes)
    return {code: sorted(weights.neighbors[code]) for code in codes}


def _weights(graph: Mapping[str, list[str]], codes: list[str], transform: str):
    from libpysal.weights import W

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weights = W({c: [n for n in graph[c] if n in codes] for c in codes}, id_order=codes)
        weights.transform = transform
    return weights


def _moran(values: np.ndarray, graph: Mapping[str, list[str]], codes: list[str], permutations: int, seed: int):
    import esda

    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore", DeprecationWarning
        )  # esda's notice about a future default; p-values here are directed
        result = esda.Moran_Local(values, _weights(graph, codes, "r"), permutations=permutations, seed=seed, n_jobs=1)
    labels = [QUADRANTS[int(q)] if p < 0.05 else Label.NOT_SIGNIFICANT for q, p in zip(result.q, result.p_sim)]
    return result.Is, result.p_sim, labels


def _gi_label(z: float, p: float) -> Label:
    if p < 0.01:
        return Label.HOT_99 if z > 0 else Label.COLD_99
    if p < 0.05:
        return Label.HOT_95 if z > 0 else Label.COLD_95
    return Label.NOT_SIGNIFICANT


def _getis(values: np.ndarray, graph: Mapping[str, list[str]], codes: list[str], permutations: int, seed: int):
    import esda

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = esda.G_Local(
            values,
            _weights(graph, codes, "b"),
            transform="B",
            star=True,
            permutations=permutations,
            seed=seed,
            n_jobs=1,
        )
    return result.Zs, result.p_sim, [_gi_label(z, p) for z, p in zip(result.Zs, result.p_sim)]


METHODS: dict[str, Callable] = {"moran": _moran, "getis": _getis}
METHOD_LABELS = {
    "moran": ("Moran's I lokal (LISA)", "Local Moran's I (LISA)"),
    "getis": ("Getis-Ord Gi*", "Getis-Ord Gi*"),
}


def _connected(graph: Mapping[str, list[str]], codes: list[str]) -> list[str]:
    present = set(codes)
    return [c for c in codes if any(n in present for n in graph.get(c, []))]


def hotspots(
    values: Mapping[str, float | None],
    graph: Mapping[str, list[str]],
    method: str = "moran",
    *,
    contiguity: Contiguity = Contiguity.QUEEN,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> Hotspots:
    """Label every code of `graph` (see the module docstring). Raises KeyError for an unknown method."""
    compute = METHODS[method]
    valued = [c for c in graph if values.get(c) is not None and math.isfinite(values[c])]
    tested = _connected(graph, valued)
    spots = {c: Spot(c, values.get(c), None, None, Label.NO_VALUE) for c in graph}
    spots.update({c: Spot(c, values[c], None, None, Label.ISLAND) for c in valued if c not in tested})
    note = None
    array = np.array([float(values[c]) for c in tested])
    if len(tested) < MIN_REGIONS:
        note = (
            f"Terlalu sedikit kelurahan bertetangga yang bernilai ({len(tested)}; paling sedikit {MIN_REGIONS})"
            f" / Too few neighbouring kelurahan with a value ({len(tested)}; at least {MIN_REGIONS})"
        )
    elif np.ptp(array) == 0:
        note = "Nilai sama di semua kelurahan: tidak ada pola / The value is the same everywhere: no pattern"
    if note:
        spots.update({c: Spot(c, values[c], None, None, Label.NOT_SIGNIFICANT) for c in tested})
        return Hotspots(method, contiguity, spots, permutations, seed, note)
    statistics, pvalues, labels = compute(array, graph, tested, permutations, seed)
    spots.update(
        {
            c: Spot(c, values[c], float(s), float(p), label)
            for c, s, p, label in zip(tested, statistics, pvalues, labels)
        }
    )
    return Hotspots(method, contiguity, spots, permutations, seed)
