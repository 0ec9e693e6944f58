"""Synthetic kelurahan boundaries, so the poverty-pocket map works before real ones are uploaded.

NOT the real boundaries: a Voronoi tessellation of made-up points, grouped by kecamatan around
rough kecamatan positions (the city pack's demo "centres"; a region without them: a ring around
DEFAULT_CENTRE). Neighbouring cells share their edges exactly (coordinates rounded
the same way), so contiguity works. Every map drawn from them is labelled SINTETIS / synthetic.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPoint, Point, mapping

DIGITS = 6  # ~0.1 m: every vertex is rounded once, so shared edges stay identical
RING = 0.0075  # degrees between a kecamatan's centre and its kelurahan points
DEFAULT_CENTRE = (2.96, 99.80)
Centres = Mapping[str, tuple[float, float]]  # kecamatan code -> rough (lat, lon)
SOURCE = "Batas sintetis (Voronoi) - bukan batas resmi / synthetic boundaries (Voronoi), not official"


@dataclass(frozen=True)
class Kelurahan:
    code: str
    name: str
    kecamatan: str


def kecamatan_centres(kecamatan: Sequence[str], known: Centres | None = None) -> dict[str, tuple[float, float]]:
    """Known positions when every kecamatan is in `known`, else a ring around DEFAULT_CENTRE."""
    known = known or {}
    if all(code in known for code in kecamatan):
        return {code: known[code] for code in kecamatan}
    radius = 0.02
    return {
        code: (
            DEFAULT_CENTRE[0] + radius * math.sin(2 * math.pi * i / len(kecamatan)),
            DEFAULT_CENTRE[1] + radius * math.cos(2 * math.pi * i / len(kecamatan)),
        )
        for i, code in enumerate(kecamatan)
    }


def seed_points(kelurahan: Sequence[Kelurahan], known: Centres | None = None) -> dict[str, tuple[float, float]]:
    """(lon, lat) per kelurahan: the first at its kecamatan's centre, the others on a ring around it."""
    groups: dict[str, list[Kelurahan]] = {}
    for k in kelurahan:
        groups.setdefault(k.kecamatan, []).append(k)
    centres = kecamatan_centres(list(groups), known)
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
    return shapely.set_precision(geometry, 10**-DIGITS)


def synthetic_polygons(kelurahan: Sequence[Kelurahan], known: Centres | None = None) -> dict[str, shapely.Polygon]:
    """One polygon per kelurahan (a Voronoi cell clipped to the hull of the points, buffered)."""
    points = seed_points(kelurahan, known)
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


def synthetic_geojson(kelurahan: Sequence[Kelurahan], known: Centres | None = None) -> str:
    """A FeatureCollection as a user would upload it (code property `kode_kemendagri`, names kept)."""
    names = {k.code: k.name for k in kelurahan}
    features = [
        {
            "type": "Feature",
            "properties": {"kode_kemendagri": code, "nama": names[code], "sintetis": True},
            "geometry": mapping(polygon),
        }
        for code, polygon in synthetic_polygons(kelurahan, known).items()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features})


def load_boundaries(users: dict, echo: Callable[[str], None] = print, place=None) -> None:
    """Idempotent: uploads synthetic boundaries of every kelurahan (of the demo region) only when no boundary set exists."""
    from tepat.pockets.actions import do_upload_boundaries
    from tepat.pockets.models import BoundarySet
    from tepat.regions.models import Level, Region

    if BoundarySet.objects.exists():
        echo("Batas wilayah sudah ada: dipakai ulang / boundaries reused.")
        return
    regions = place.kelurahan() if place else Region.objects.filter(level=Level.KELURAHAN)
    regions = regions.select_related("parent").order_by("code")
    kelurahan = [Kelurahan(r.code, r.name, r.parent.code) for r in regions]
    if not kelurahan:
        return
    geojson = synthetic_geojson(kelurahan, place.centres if place else _pack_centres())
    upload = do_upload_boundaries(
        geojson.encode(),
        file_name="batas-sintetis.geojson",
        source=SOURCE,
        synthetic=True,
        acting_user=users.get("analis"),
    )
    echo(f"Batas kelurahan sintetis: {upload.boundaries.count()} poligon (ditandai SINTETIS di peta).")


def _pack_centres() -> dict[str, tuple[float, float]]:
    """The installation's city pack's rough kecamatan positions ({} when it gives none)."""
    from tepat.regions.pack import pack_settings

    return {code: tuple(at) for code, at in pack_settings().get("demo", {}).get("centres", {}).items()}
