"""The region master as the spatial engine sees it."""

from __future__ import annotations

from tepat.engine.spatial import RegionKey
from tepat.regions.models import Level, Region


def region_keys() -> list[RegionKey]:
    """Every kelurahan/desa of the region master, in code order (one query)."""
    rows = Region.objects.filter(level=Level.KELURAHAN).order_by("code").values_list("code", "name", "bps_code")
    return [RegionKey(code, name, bps) for code, name, bps in rows]
