"""Synthetic kelurahan boundaries, so the poverty-pocket map works before real ones are uploaded.

NOT the real boundaries: a Voronoi tessellation of made-up points, grouped by kecamatan around
rough kecamatan positions (Tanjungbalai: near 2.96 N 99.80 E; any other city: a ring around its
first kelurahan's kecamatan). Neighbouring cells share their edges exactly (coordinates rounded
the same way), so contiguity works. Every map drawn from them is labelled SINTETIS / synthetic.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, Point, mapping

DIGITS = 6  # ~0.1 m: every vertex is rounded once, so shared edges stay identical
RING = 0.0075  # degrees between a kecamatan's centre and its kelurahan points
# Rough (lat, lon) of Tanjungbalai's kecamatan (for a believable picture only).
TANJUNGBALAI = {
    "12.74.01": (2.962, 99.797),
    "12.74.02": (2.978, 99.808),
    "12.74.03": (2.954, 99.775),
    "12.74.04": (2.990, 99.833),
    "12.74.05": (2.932, 99.797),
    "12.74.06": (2.944, 99.825),
}
DEFAULT_CENTRE = (2.96, 99.80)
SOURCE = "Batas sintetis (Voronoi) - bukan batas resmi / synthetic boundaries (Voronoi), not official"


@dataclass(frozen=True)
class Kelurahan:
    code: str
    name: str
    kecamatan: str


def kecamatan_centres(kecamatan: Sequence[str]) -> dict[str, tuple[float, float]]:
    """Known positions when every kecamatan is in TANJUNGBALAI, else a ring around DEFAULT_CENTRE."""
    if all(code in TANJUNGBALAI for code in kecamatan):
        return {code: TANJUNGBALAI[code] for code in kecamatan}
    radius = 0.02
    return {code: (DEFAULT_CENTRE[0] + radius * math.sin(2 * math.pi * i / len(kecamatan)),
                   DEFAULT_CENTRE[1] + radius * math.cos(2 * math.pi * i / len(kecamatan))) for i, code in enumerate(kecamatan)}


def seed_points(kelurahan: Sequence[Kelurahan]) -> dict[str, tuple[float, float]]:
    """(lon, lat) per kelurahan: the first at its kecamatan's centre, the others on a ring around it."""
    groups: dict[str, list[Kelurahan]] = {}
    for k in kelurahan:
        groups.setdefault(k.kecamatan, []).append(k)
    centres = kecamatan_centres(list(groups))
    points = {}
    for number, (kecamatan, members) in enumerate(groups.items()):
        lat, lon = centres[kecamatan]
        points[members[0].code] = (lon, lat)
        ring = members[1:]
        for i, k in enumerate(ring):
            angle = 2 * math.pi * i / len(ring) + number * 0.7
            points[k.code] = (lon + RING * math.cos(angle), lat + RING * math.sin(angle))
    return points


def _rounded(geometry):
    return shapely.set_precision(geometry, 10 ** -DIGITS)


def synthetic_polygons(kelurahan: Sequence[Kelurahan]) -> dict[str, shapely.Polygon]:
    """One polygon per kelurahan (a Voronoi cell clipped to the hull of the points, buffered)."""
    points = seed_points(kelurahan)
    codes = list(points)
    cloud = MultiPoint([points[c] for c in codes])
    outline = _rounded(cloud.convex_hull.buffer(0.006, quad_segs=4))
    cells = shapely.voronoi_polygons(cloud, extend_to=outline, ordered=True)
    polygons = {}
    for code, cell in zip(codes, cells.geoms):
        clipped = _rounded(cell.intersection(outline))
        assert clipped.contains(Point(points[code])) or clipped.touches(Point(points[code])), code
        polygons[code] = clipped
    return polygons


def synthetic_geojson(kelurahan: Sequence[Kelurahan]) -> str:
    """A FeatureCollection as a user would upload it (code property `kode_kemendagri`, names kept)."""
    names = {k.code: k.name for k in kelurahan}
    features = [{"type": "Feature", "properties": {"kode_kemendagri": code, "nama": names[code], "sintetis": True},
                 "geometry": mapping(polygon)} for code, polygon in synthetic_polygons(kelurahan).items()]
    return json.dumps({"type": "FeatureCollection", "features": features})


def load_boundaries(users: dict, echo: Callable[[str], None] = print) -> None:
    """Idempotent: uploads synthetic boundaries of every kelurahan only when no boundary set exists."""
    from tepat.pockets.actions import do_upload_boundaries
    from tepat.pockets.models import BoundarySet
    from tepat.regions.models import Level, Region

    if BoundarySet.objects.exists():
        echo("Batas wilayah sudah ada: dipakai ulang / boundaries reused.")
        return
    regions = Region.objects.filter(level=Level.KELURAHAN).select_related("parent").order_by("code")
    kelurahan = [Kelurahan(r.code, r.name, r.parent.code) for r in regions]
    if not kelurahan:
        return
    upload = do_upload_boundaries(synthetic_geojson(kelurahan).encode(), file_name="batas-sintetis.geojson", source=SOURCE,
                                  synthetic=True, acting_user=users.get("analis"))
    echo(f"Batas kelurahan sintetis: {upload.boundaries.count()} poligon (ditandai SINTETIS di peta).")
