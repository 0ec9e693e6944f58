"""Poverty pockets: boundary upload (all or nothing), ranking, hotspots, maps and downloads, per role."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tepat.accounts.models import AuditEvent
from tepat.demo.boundaries import Kelurahan, load_boundaries, synthetic_geojson
from tepat.pockets.models import Boundary, BoundarySet
from tepat.regions.models import Level, Region
from tepat.registry.models import Family, VersionPart
from tepat.registry.version import bump

# Datuk Bandar (12.74.05) and Datuk Bandar Timur (12.74.06) are a pocket: most families in desil 1.
POCKET = ("12.74.05.", "12.74.06.")


def kelurahan() -> list[Kelurahan]:
    return [
        Kelurahan(r.code, r.name, r.parent.code)
        for r in Region.objects.filter(level=Level.KELURAHAN).select_related("parent")
    ]


def add_families(spec: dict[str, tuple[int, int]]) -> None:
    """spec: kelurahan code -> (families in desil 1, families in desil 3)."""
    regions = dict(Region.objects.filter(code__in=list(spec)).values_list("code", "id"))
    rows = []
    for code, (poor, other) in spec.items():
        offset = Family.objects.filter(kelurahan_id=regions[code]).count()
        for i in range(poor + other):
            rows.append(
                Family(
                    source="p3ke",
                    source_key=f"{code}-{offset + i}",
                    kelurahan_id=regions[code],
                    desil=1 if i < poor else 3,
                    sumber_air_minum="Air Hujan" if i < poor else "Sumur Bor",
                )
            )
    Family.objects.bulk_create(rows)
    bump(VersionPart.REGISTRY)  # bulk writes send no signal: the writer bumps the registry version


@pytest.fixture
def city(cast):
    """Every kelurahan with families; the pocket kecamatan mostly desil 1; one kelurahan with only 3 families."""
    spec = {k.code: ((16, 4) if k.code.startswith(POCKET) else (2, 18)) for k in kelurahan()}
    spec["12.74.01.1001"] = (2, 1)
    add_families(spec)
    load_boundaries({"analis": cast["analyst"]}, echo=lambda _: None)
    return cast


def login(client, user):
    client.force_login(user)
    return client


def test_the_demo_loads_synthetic_boundaries_once(cast):
    load_boundaries({"analis": cast["analyst"]}, echo=lambda _: None)
    load_boundaries({"analis": cast["analyst"]}, echo=lambda _: None)
    assert BoundarySet.objects.count() == 1
    assert BoundarySet.current().synthetic and Boundary.objects.count() == 31
    assert AuditEvent.objects.filter(action="boundaries_uploaded").count() == 1


def test_the_map_page_ranks_kelurahan_and_finds_the_pocket(client, city):
    response = login(client, city["analyst"]).get("/kantong/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "SINTETIS" in page and "<svg" in page
    ranking = response.context["result"].rows
    assert all(row.code.startswith(POCKET) for row in ranking[:10])
    assert ranking[0].value == pytest.approx(80.0) and ranking[0].rank == 1
    high = {row.code for row in response.context["significant"] if row.spot.label == "HH"}
    assert high and all(code.startswith(POCKET) for code in high)


def test_getis_ord_and_rook_are_selectable(client, city):
    response = login(client, city["analyst"]).get("/kantong/?measure=ekstrem&method=getis&contiguity=rook")
    labels = {row.spot.label.value for row in response.context["significant"]}
    assert labels and labels <= {"hot99", "hot95", "cold95", "cold99"}
    hot = [row.code for row in response.context["significant"] if row.spot.label.value.startswith("hot")]
    assert hot and all(code.startswith(POCKET) for code in hot)


def test_an_unknown_measure_is_not_found(client, city):
    assert login(client, city["analyst"]).get("/kantong/?measure=nope").status_code == 404


def test_the_viewer_sees_small_cells_suppressed(client, city):
    response = login(client, city["viewer"]).get("/kantong/")
    rows = {row.code: row for row in response.context["result"].rows}
    assert (
        rows["12.74.01.1001"].suppressed and rows["12.74.01.1001"].value is None and rows["12.74.01.1001"].rank is None
    )
    assert "disembunyikan" in response.content.decode()
    assert "?kelurahan=" not in response.content.decode()  # no drill-down to family lists
    analyst = login(client, city["analyst"]).get("/kantong/")
    assert {row.code: row for row in analyst.context["result"].rows}["12.74.01.1001"].value == pytest.approx(200 / 3)


def test_suppressed_ranking_download_hides_the_small_cell(client, city):
    body = login(client, city["viewer"]).get("/kantong/peringkat.csv").content.decode("utf-8-sig")
    rows = {row["kode_kelurahan"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["12.74.01.1001"]["nilai"] == "" and rows["12.74.01.1001"]["jumlah_keluarga"] == ""
    counted = [int(r["keluarga_terhitung"]) for r in rows.values() if r["keluarga_terhitung"]]
    assert all(n >= 5 for n in counted)


def test_ranking_downloads_as_xlsx(client, city):
    response = login(client, city["analyst"]).get("/kantong/peringkat.xlsx?measure=deprivasi_air")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("peringkat", "kode_kelurahan", "kelurahan") and len(rows) == 32
    assert rows[1][1].startswith(POCKET)


@pytest.mark.parametrize("which, kind, start", [("peta", "svg", b"<svg"), ("hotspot", "png", b"\x89PNG")])
def test_maps_download_as_svg_and_png(client, city, which, kind, start):
    response = login(client, city["analyst"]).get(f"/kantong/peta-{which}.{kind}?measure=af_h")
    assert response.status_code == 200 and response.content.startswith(start)


def test_without_boundaries_the_ranking_still_shows(client, cast):
    add_families({"12.74.05.1010": (6, 0), "12.74.01.1002": (1, 9)})
    response = login(client, cast["analyst"]).get("/kantong/")
    assert response.status_code == 200 and response.context["result"].collection is None
    assert [row.code for row in response.context["result"].rows[:2]] == ["12.74.05.1010", "12.74.01.1002"]
    assert login(client, cast["analyst"]).get("/kantong/peta-peta.svg").status_code == 404


def upload(client, user, content: bytes | str, **fields):
    data = content.encode() if isinstance(content, str) else content
    return login(client, user).post(
        "/kantong/batas/", {"file": SimpleUploadedFile("batas.geojson", data), "source": "BIG 2024", **fields}
    )


def test_an_analyst_uploads_boundaries_and_missing_kelurahan_are_listed(client, cast):
    collection = json.loads(synthetic_geojson(kelurahan()))
    collection["features"] = collection["features"][:-2]
    for feature in collection["features"]:
        feature["properties"] = {"NAMOBJ": "x", "KDEPUM": feature["properties"]["kode_kemendagri"].replace(".", "")}
    response = upload(client, cast["analyst"], json.dumps(collection))
    assert response.status_code == 302
    current = BoundarySet.current()
    assert current.code_property == "KDEPUM" and not current.synthetic and current.uploaded_by == cast["analyst"]
    assert current.boundaries.count() == 29
    page = client.get("/kantong/batas/").content.decode()
    assert "12.74.06.1005" in page and "tanpa poligon" in page


def test_bps_codes_are_matched(client, cast):
    Region.objects.filter(code="12.74.05.1010").update(bps_code="1272050010")
    collection = json.loads(synthetic_geojson(kelurahan()))
    feature = next(f for f in collection["features"] if f["properties"]["kode_kemendagri"] == "12.74.05.1010")
    feature["properties"] = {"KODE_BPS": 1272050010}
    response = upload(client, cast["analyst"], json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert response.status_code == 302
    assert BoundarySet.current().code_kind == "bps"
    assert list(Boundary.objects.values_list("region__code", flat=True)) == ["12.74.05.1010"]


def test_an_invalid_file_is_refused_whole(client, cast):
    collection = json.loads(synthetic_geojson(kelurahan()))
    collection["features"][0]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[99.8, 2.9], [99.81, 2.91], [99.81, 2.9], [99.8, 2.91], [99.8, 2.9]]],
    }
    collection["features"][1]["properties"]["kode_kemendagri"] = "12.74.09.9999"
    response = upload(client, cast["analyst"], json.dumps(collection))
    page = response.content.decode()
    assert response.status_code == 400 and not BoundarySet.objects.exists()
    assert "Self-intersection" in page and "12.74.09.9999" in page and "fitur 1" in page


def test_utm_coordinates_are_refused_with_a_reason(client, cast):
    feature = {
        "type": "Feature",
        "properties": {"kode": "12.74.05.1010"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[589000, 327000], [590000, 327000], [590000, 328000], [589000, 327000]]],
        },
    }
    response = upload(client, cast["admin"], json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert response.status_code == 400 and "UTM" in response.content.decode()


def test_only_importers_may_upload(client, cast):
    for role in ("viewer", "camat", "opd"):
        assert login(client, cast[role]).get("/kantong/batas/").status_code == 404


def test_a_camat_sees_only_their_kecamatan_and_a_lurah_gets_no_hotspots(client, city):
    rows = login(client, city["camat"]).get("/kantong/").context["result"].rows
    valued = {row.code for row in rows if row.value is not None}
    assert valued and all(code.startswith("12.74.05.") for code in valued)
    result = login(client, city["lurah"]).get("/kantong/").context["result"]
    assert [row.code for row in result.rows if row.value is not None] == ["12.74.05.1010"]
    assert result.hotspots.note and not result.hotspots.significant()
