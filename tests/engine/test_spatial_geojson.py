"""Reading kelurahan boundaries (tepat.engine.spatial.geojson): every refusal with its reason, and
properties over generated files (hypothesis)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box, mapping

from tepat.engine.spatial import BoundaryError, RegionKey, neighbours, normalise, read_boundaries

REGIONS = [
    RegionKey(f"12.74.0{k}.10{i:02d}", f"Kel {k}{i}", f"12720{k}00{i:02d}") for k in range(1, 4) for i in range(1, 4)
]


def square(index: int) -> dict:
    x, y = (99780 + 10 * (index % 3)) / 1000, (2940 + 10 * (index // 3)) / 1000
    return mapping(box(x, y, round(x + 0.01, 6), round(y + 0.01, 6)))


def collection(codes=None, prop="kode", geometry=square, **extra) -> str:
    codes = [r.code for r in REGIONS] if codes is None else codes
    features = [
        {"type": "Feature", "properties": {prop: code, "nama": f"n{i}"}, "geometry": geometry(i)}
        for i, code in enumerate(codes)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features, **extra})


def problems(text, **kwargs) -> list[str]:
    with pytest.raises(BoundaryError) as error:
        read_boundaries(text, REGIONS, **kwargs)
    return [p.code for p in error.value.problems]


def test_a_good_file_gives_every_polygon_in_region_order():
    result = read_boundaries(collection(list(reversed([r.code for r in REGIONS]))), REGIONS)
    assert (
        list(result.polygons) == [r.code for r in REGIONS]
        and result.code_property == "kode"
        and result.code_kind == "kemendagri"
    )
    assert not result.missing and not result.warnings
    assert len(neighbours(result.polygons)[REGIONS[4].code]) == 8


def test_codes_without_dots_numbers_and_bps_codes_match():
    assert normalise(" 12.74.05.1010 ") == normalise(1274051010) == normalise(1274051010.0) == "1274051010"
    assert normalise(True) is None and normalise("12a") is None
    assert (
        read_boundaries(collection([int(r.code.replace(".", "")) for r in REGIONS]), REGIONS).code_kind == "kemendagri"
    )
    bps = read_boundaries(collection([r.bps_code for r in REGIONS], prop="KDBPS"), REGIONS)
    assert bps.code_kind == "bps" and bps.code_property == "KDBPS" and len(bps.polygons) == 9


def test_missing_kelurahan_are_accepted_with_a_warning():
    result = read_boundaries(collection([r.code for r in REGIONS[:7]]), REGIONS)
    assert [r.code for r in result.missing] == [REGIONS[7].code, REGIONS[8].code]
    assert "Kel 32" in str(result.warnings[0]) and "without a polygon" in str(result.warnings[0])


@pytest.mark.parametrize(
    "text, code",
    [
        ("{not json", "json"),
        (b"\xff\xfe\x00", "encoding"),
        ('{"type": "Feature"}', "not_feature_collection"),
        ("[1, 2]", "not_feature_collection"),
        ('{"type": "FeatureCollection", "features": []}', "empty"),
    ],
)
def test_unreadable_files_are_refused(text, code):
    assert problems(text) == [code]


def test_a_projected_crs_or_utm_coordinates_are_refused():
    utm = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32647"}}
    assert problems(collection(crs=utm)) == ["crs"]
    read_boundaries(collection(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}), REGIONS)
    metres = collection(geometry=lambda i: mapping(box(589000 + 1000 * i, 327000, 590000 + 1000 * i, 328000)))
    with pytest.raises(BoundaryError) as error:
        read_boundaries(metres, REGIONS)
    assert {p.code for p in error.value.problems} == {"projection"} and "UTM" in str(error.value.problems[0])
    swapped = collection(geometry=lambda i: mapping(box(2.94, 99.78 + 0.01 * i, 2.95, 99.79 + 0.01 * i)))
    assert set(problems(swapped)) == {"swapped"}


def test_bad_geometries_are_named_by_feature():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    geometries = {
        0: bowtie,
        1: {"type": "Point", "coordinates": [99.8, 2.96]},
        2: None,
        3: {"type": "Polygon", "coordinates": [[[1, 2]]]},
    }
    with pytest.raises(BoundaryError) as error:
        read_boundaries(collection(geometry=lambda i: geometries[i] if i in geometries else square(i)), REGIONS)
    found = {(p.feature, p.code) for p in error.value.problems}
    assert (
        (1, "geometry_invalid") in found
        and (2, "geometry_type") in found
        and (3, "geometry_type") in found
        and (4, "geometry") in found
    )
    assert "Self-intersection" in str(next(p for p in error.value.problems if p.feature == 1))


def test_unknown_codes_duplicates_and_empty_codes_are_listed():
    codes = [r.code for r in REGIONS]
    found = problems(collection([*codes[:-2], "12.74.09.9999", codes[0]]))
    assert set(found) == {"unmatched", "duplicate"}
    with pytest.raises(BoundaryError) as error:
        read_boundaries(collection([*codes[:-1], ""]), REGIONS)
    assert [(p.code, p.feature) for p in error.value.problems] == [("no_code", 9)]


def test_the_code_property_is_detected_or_must_exist():
    assert problems(collection(prop="id"), code_property="KODE") == ["property"]
    assert problems(collection(["x"] * 9)) == ["property"]


codes = st.lists(st.sampled_from([r.code for r in REGIONS] + ["12.74.09.9999", "", "abc"]), min_size=1, max_size=12)
broken = st.sampled_from(["ok", "ok", "ok", "utm", "bowtie", "point"])


def geometry_of(kind: str, index: int):
    return {
        "ok": square(index),
        "utm": mapping(box(589000, 327000, 590000, 328000)),
        "point": {"type": "Point", "coordinates": [99.8, 2.9]},
        "bowtie": {
            "type": "Polygon",
            "coordinates": [[[99.8, 2.9], [99.81, 2.91], [99.81, 2.9], [99.8, 2.91], [99.8, 2.9]]],
        },
    }[kind]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(codes, st.lists(broken, min_size=12, max_size=12))
def test_a_file_is_accepted_exactly_when_every_feature_is_good(chosen, kinds):
    text = collection(chosen, geometry=lambda i: geometry_of(kinds[i], i))
    known = {r.code for r in REGIONS}
    good = (
        all(code in known for code in chosen)
        and len(set(chosen)) == len(chosen)
        and all(kinds[i] == "ok" for i in range(len(chosen)))
    )
    try:
        result = read_boundaries(text, REGIONS)
    except BoundaryError as error:
        assert not good and error.problems
        assert all(p.feature is None or 1 <= p.feature <= len(chosen) for p in error.problems)
    else:
        assert good
        assert set(result.polygons) == set(chosen)
        assert {r.code for r in result.missing} == known - set(chosen)
        assert all(polygon.is_valid for polygon in result.polygons.values())


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_arbitrary_bytes_never_crash_the_reader(data):
    try:
        read_boundaries(data, REGIONS)
    except BoundaryError as error:
        assert error.problems and all(" / " in str(p) for p in error.problems)
