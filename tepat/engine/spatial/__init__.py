"""Poverty pockets (issue 5 §5): kelurahan boundaries, contiguity, hotspots and ranking. No Django.

    from tepat.engine.spatial import read_boundaries, RegionKey, neighbours, hotspots, shares, rank
    boundaries = read_boundaries(geojson_bytes, [RegionKey("12.09.20.1001", "Teladan")])  # BoundaryError
    graph = neighbours(boundaries.polygons, Contiguity.QUEEN)
    values = shares(families_frame, nw.col("desil") == 1)                 # polars or DuckDB
    hotspots({v.code: v.value for v in values}, graph, "moran").spots    # HH/LL/HL/LH, p < 0.05
    rank(values, threshold=5)                                            # small cells suppressed

Statistics use permutation pseudo p-values with a fixed seed (repeatable maps).
"""

from __future__ import annotations

from tepat.engine.spatial.geojson import (
    Boundaries,
    BoundaryError,
    Problem,
    RegionKey,
    feature_collection,
    normalise,
    read_boundaries,
    read_geometry,
)
from tepat.engine.spatial.hotspots import (
    LABELS,
    METHOD_LABELS,
    METHODS,
    PERMUTATIONS,
    SEED,
    Contiguity,
    Hotspots,
    Label,
    Spot,
    hotspots,
    neighbours,
)
from tepat.engine.spatial.ranking import Ranked, RegionValue, counts, flag_counts, rank, shares

__all__ = [
    "LABELS",
    "METHODS",
    "METHOD_LABELS",
    "PERMUTATIONS",
    "SEED",
    "Boundaries",
    "BoundaryError",
    "Contiguity",
    "Hotspots",
    "Label",
    "Problem",
    "Ranked",
    "RegionKey",
    "RegionValue",
    "Spot",
    "counts",
    "feature_collection",
    "flag_counts",
    "hotspots",
    "neighbours",
    "normalise",
    "rank",
    "read_boundaries",
    "read_geometry",
    "shares",
]
