"""Reading uploaded kelurahan boundaries: a GeoJSON FeatureCollection of polygons in WGS84 lon/lat,
each feature carrying the region code in one property. No Django.

Refused (BoundaryError, nothing to write): text that is not JSON or not a FeatureCollection, a `crs`
other than WGS84/CRS84, coordinates outside longitude/latitude ranges (projected metres such as
UTM), a geometry that is missing, not a (multi)polygon or invalid (shapely's reason), a feature
without a code, a code that matches no kelurahan, the same kelurahan twice. Accepted with a warning:
kelurahan of the region master that have no polygon (listed in `Boundaries.missing`).

Codes match the Kemendagri code with or without dots (12.09.20.1001, 1209201001) or the BPS code;
the property holding them is given or detected (the property whose values match most kelurahan).
Cost: one JSON parse and one shapely validity check per feature.
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:ogc::crs84",
        "ogc:crs84",
        "crs84",
        "urn:ogc:def:crs:epsg::4326",
        "urn:ogc:def:crs:epsg:4326",
        "epsg:4326",
    }
)
POLYGON_TYPES = ("Polygon", "MultiPolygon")
LISTED = 30  # how many codes or feature numbers one message names


@dataclass(frozen=True)
class RegionKey:
    """A kelurahan the boundaries may name: its Kemendagri code (the key), BPS code and name."""

    code: str
    name: str
    bps_code: str | None = None


@dataclass(frozen=True)
class Problem(Bilingual):
    """One thing wrong with the file; `feature` is the 1-based position in `features`, when known."""

    code: str
    bilingual: Message
    feature: int | None = None

    def __str__(self) -> str:
        where = f"fitur {self.feature} / feature {self.feature}: " if self.feature else ""
        return f"{where}{self.bilingual}"


class BoundaryError(ValueError):
    """The file is refused; `problems` says why (every problem found, not only the first)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))


@dataclass(frozen=True)
class Boundaries:
    polygons: dict[str, BaseGeometry]  # Kemendagri code -> polygon, in region master order
    code_property: str
    code_kind: str  # "kemendagri" or "bps"
    missing: tuple[RegionKey, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())


def _listed(values: Iterable[Any]) -> str:
    values = [str(v) for v in values]
    more = f" (+{len(values) - LISTED})" if len(values) > LISTED else ""
    return ", ".join(values[:LISTED]) + more


def normalise(value: Any) -> str | None:
    """A code as digits only: '12.09.20.1001', ' 1209201001 ' and 1209201001 all give '1209201001'."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    digits = "".join(ch for ch in str(value) if ch not in ". -")
    return digits if digits.isdigit() else None


def _lookups(regions: Sequence[RegionKey]) -> dict[str, dict[str, str]]:
    return {
        "kemendagri": {normalise(r.code): r.code for r in regions},
        "bps": {normalise(r.bps_code): r.code for r in regions if r.bps_code},
    }


MAX_DEPTH = 32  # a MultiPolygon FeatureCollection nests 7 deep; json.loads recurses once per level
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def nesting_depth(data: bytes | str) -> int:
    """How deep [ and { nest outside strings, without parsing. Cost: one regex pass and one numpy cumsum."""
    raw = _STRING.sub(b'""', data.encode("utf-8", "replace") if isinstance(data, str) else data)
    codes = np.frombuffer(raw, dtype=np.uint8)
    steps = np.isin(codes, (91, 123)).astype(np.int32) - np.isin(codes, (93, 125)).astype(np.int32)
    return int(np.cumsum(steps).max()) if steps.size else 0


def parse_json(data: bytes | str, max_depth: int = MAX_DEPTH) -> dict:
    """The FeatureCollection as a dict, or BoundaryError for unreadable text, nesting deeper than
    `max_depth` (checked before parsing) or another GeoJSON type."""
    depth = nesting_depth(data)
    if depth > max_depth:
        raise BoundaryError(
            [
                Problem(
                    "too_deep",
                    Message(
                        f"JSON bersarang {depth} tingkat; batasnya {max_depth}",
                        f"The JSON nests {depth} levels deep; the limit is {max_depth}",
                    ),
                )
            ]
        )
    try:
        document = json.loads(data)
    except UnicodeDecodeError:
        raise BoundaryError(
            [Problem("encoding", Message("Berkas bukan teks UTF-8", "The file is not UTF-8 text"))]
        ) from None
    except json.JSONDecodeError as error:
        raise BoundaryError(
            [
                Problem(
                    "json",
                    Message(
                        f"Bukan JSON yang sah: {error.msg} (baris {error.lineno}, kolom {error.colno})",
                        f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                    ),
                )
            ]
        ) from None
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        found = document.get("type") if isinstance(document, dict) else type(document).__name__
        raise BoundaryError(
            [
                Problem(
                    "not_feature_collection",
                    Message(
                        f"Berkas harus GeoJSON FeatureCollection, bukan {found!r}",
                        f"The file must be a GeoJSON FeatureCollection, not {found!r}",
                    ),
                )
            ]
        )
    if not document["features"]:
        raise BoundaryError(
            [Problem("empty", Message("FeatureCollection tidak berisi fitur", "The FeatureCollection has no features"))]
        )
    return document


def check_crs(document: dict) -> None:
    """GeoJSON (RFC 7946) is WGS84 lon/lat; an older `crs` member naming anything else is refused."""
    crs = document.get("crs")
    if crs is None:
        return
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str) or name.strip().lower() not in WGS84_NAMES:
        raise BoundaryError(
            [
                Problem(
                    "crs",
                    Message(
                        f"Sistem koordinat {name or crs!r} bukan WGS84 (bujur/lintang); ubah ke EPSG:4326",
                        f"Coordinate system {name or crs!r} is not WGS84 (longitude/latitude); convert to EPSG:4326",
                    ),
                )
            ]
        )


def _properties(feature: Any) -> dict:
    properties = feature.get("properties") if isinstance(feature, dict) else None
    return properties if isinstance(properties, dict) else {}


def detect_property(features: list, regions: Sequence[RegionKey], wanted: str | None = None) -> tuple[str, str]:
    """(property name, code kind): the given property, else the one whose values match most kelurahan;
    the kind (Kemendagri or BPS) is whichever matches more of its values."""
    lookups = _lookups(regions)
    names = Counter(name for feature in features for name in _properties(feature))
    candidates = [wanted] if wanted else list(names)
    if wanted and wanted not in names:
        raise BoundaryError(
            [
                Problem(
                    "property",
                    Message(
                        f"Properti {wanted!r} tidak ada di fitur mana pun (yang ada: {_listed(names)})",
                        f"No feature has the property {wanted!r} (properties found: {_listed(names)})",
                    ),
                )
            ]
        )
    scores = []
    for name in candidates:
        values = {normalise(_properties(f).get(name)) for f in features}
        for kind, lookup in lookups.items():
            scores.append((len(values & lookup.keys()), kind == "kemendagri", name, kind))
    best = max(scores, default=(0, False, "", "kemendagri"))
    if best[0] == 0 and not wanted:
        raise BoundaryError(
            [
                Problem(
                    "property",
                    Message(
                        "Tidak ada properti yang berisi kode kelurahan (kode Kemendagri atau BPS); "
                        f"properti yang ada: {_listed(names)}",
                        f"No property holds kelurahan codes (Kemendagri or BPS code); properties found: {_listed(names)}",
                    ),
                )
            ]
        )
    return best[2], best[3]


def _out_of_range(geometry: BaseGeometry) -> Problem | None:
    west, south, east, north = geometry.bounds
    if all(-180 <= x <= 180 for x in (west, east)) and all(-90 <= y <= 90 for y in (south, north)):
        return None
    if all(-90 <= x <= 90 for x in (west, east)) and all(-180 <= y <= 180 for y in (south, north)):
        return Problem(
            "swapped",
            Message(
                f"Koordinat di luar rentang lintang ({west:g}, {south:g}); bujur dan lintang tampaknya tertukar",
                f"Coordinates outside the latitude range ({west:g}, {south:g}); longitude and latitude seem swapped",
            ),
        )
    return Problem(
        "projection",
        Message(
            f"Koordinat ({west:g}, {south:g}) di luar rentang bujur/lintang: tampaknya meter proyeksi "
            "(mis. UTM); ubah ke WGS84 (EPSG:4326)",
            f"Coordinates ({west:g}, {south:g}) are outside longitude/latitude ranges: they look like projected "
            "metres (e.g. UTM); convert to WGS84 (EPSG:4326)",
        ),
    )


def read_geometry(raw: Any) -> tuple[BaseGeometry | None, Problem | None]:
    """A valid (multi)polygon in lon/lat, or the problem with it (without its feature number)."""
    if not isinstance(raw, dict) or raw.get("type") not in POLYGON_TYPES:
        found = raw.get("type") if isinstance(raw, dict) else raw
        return None, Problem(
            "geometry_type",
            Message(
                f"Geometri harus Polygon atau MultiPolygon, bukan {found!r}",
                f"The geometry must be a Polygon or MultiPolygon, not {found!r}",
            ),
        )
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as error:
        return None, Problem(
            "geometry", Message(f"Geometri tidak dapat dibaca: {error}", f"The geometry cannot be read: {error}")
        )
    if geometry.is_empty:
        return None, Problem("geometry_empty", Message("Geometri kosong", "The geometry is empty"))
    if not all(math.isfinite(v) for v in geometry.bounds):
        return None, Problem("geometry", Message("Koordinat bukan angka", "Coordinates are not numbers"))
    problem = _out_of_range(geometry)
    if problem:
        return None, problem
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        return None, Problem(
            "geometry_invalid", Message(f"Geometri tidak sah: {reason}", f"Invalid geometry: {reason}")
        )
    return geometry, None


def _at(problem: Problem, feature: int) -> Problem:
    return Problem(problem.code, problem.bilingual, feature)


def read_features(features: list, lookup: dict[str, str], prop: str) -> tuple[dict[str, BaseGeometry], list[Problem]]:
    """Each feature's polygon by region code; every problem found (positions 1-based)."""
    polygons: dict[str, BaseGeometry] = {}
    seen: dict[str, list[int]] = {}
    problems, unmatched = [], []
    for number, feature in enumerate(features, start=1):
        raw_code = _properties(feature).get(prop)
        code = lookup.get(normalise(raw_code) or "")
        geometry, problem = read_geometry(feature.get("geometry") if isinstance(feature, dict) else None)
        if problem:
            problems.append(_at(problem, number))
        if raw_code in (None, ""):
            problems.append(
                Problem("no_code", Message(f"Properti {prop!r} kosong", f"The property {prop!r} is empty"), number)
            )
        elif code is None:
            unmatched.append(f"{raw_code} ({number})")
        else:
            seen.setdefault(code, []).append(number)
            if geometry is not None:
                polygons[code] = geometry
    if unmatched:
        problems.append(
            Problem(
                "unmatched",
                Message(
                    f"Kode tanpa kelurahan di master wilayah (kode (fitur)): {_listed(unmatched)}",
                    f"Codes matching no kelurahan of the region master (code (feature)): {_listed(unmatched)}",
                ),
            )
        )
    duplicates = [f"{code} ({', '.join(map(str, numbers))})" for code, numbers in seen.items() if len(numbers) > 1]
    if duplicates:
        problems.append(
            Problem(
                "duplicate",
                Message(
                    f"Kelurahan dengan lebih dari satu fitur: {_listed(duplicates)}",
                    f"Kelurahan with more than one feature: {_listed(duplicates)}",
                ),
            )
        )
    return polygons, problems


def read_boundaries(data: bytes | str, regions: Sequence[RegionKey], code_property: str | None = None) -> Boundaries:
    """The polygons of `regions` from a GeoJSON file, or BoundaryError listing every problem."""
    document = parse_json(data)
    check_crs(document)
    features = document["features"]
    prop, kind = detect_property(features, regions, code_property or None)
    polygons, problems = read_features(features, _lookups(regions)[kind], prop)
    if problems:
        raise BoundaryError(problems)
    missing = tuple(r for r in regions if r.code not in polygons)
    warnings = (
        (
            Problem(
                "missing",
                Message(
                    f"Kelurahan tanpa poligon (tidak tampil di peta): {_listed(r.code + ' ' + r.name for r in missing)}",
                    f"Kelurahan without a polygon (left off the map): {_listed(r.code + ' ' + r.name for r in missing)}",
                ),
            ),
        )
        if missing
        else ()
    )
    ordered = {r.code: polygons[r.code] for r in regions if r.code in polygons}
    return Boundaries(ordered, prop, kind, missing, warnings)


def feature_collection(polygons: dict[str, BaseGeometry], properties: dict[str, dict] | None = None) -> dict:
    """GeoJSON of polygons keyed by code, each feature's properties = {"code": code, **properties[code]}."""
    properties = properties or {}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": code, **properties.get(code, {})},
                "geometry": shapely.geometry.mapping(geometry),
            }
            for code, geometry in polygons.items()
        ],
    }
