"""The public release: all linked tables protected together (no subtraction across levels gives a
small count back), `tepat publish` and its refusal, the analyst's download; on polars frames and on
the live registry."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import frictionless

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tepat.engine.disclosure import DisclosureRisk, LinkedTables, line_rule, table
from tepat.indicators import registry, release
from tests.disclosure_check import linprog_failures
from tests.files import family_rows, write_csv

KECAMATAN = "12.74.01"
DESIL5 = [10, 5, 4, 12, 9, 10]  # the issue's example: 50 at the kecamatan, 1003 has 4


def family_table(counts: dict[tuple[str, str, int | None], int]) -> pl.DataFrame:
    """A family table (registry.family_table's columns) with `counts` families per (kecamatan, kelurahan, desil);
    deprivation flags by a fixed pattern of the family number."""
    rows, n = [], 0
    for (kecamatan, kelurahan, desil), count in counts.items():
        for _ in range(count):
            n += 1
            flags = {
                key: (None if (n + i) % 7 == 0 else (n * (i + 3)) % 5 < 2)
                for i, key in enumerate(registry.dimensions())
            }
            rows.append(
                {
                    "family_id": n,
                    "kecamatan": kecamatan,
                    "kelurahan": kelurahan,
                    "desil": desil,
                    "people": 1 + n % 4,
                    **flags,
                }
            )
    schema = {
        "family_id": pl.Int64,
        "kecamatan": pl.String,
        "kelurahan": pl.String,
        "desil": pl.Int64,
        "people": pl.Int64,
        **dict.fromkeys(registry.dimensions(), pl.Boolean),
    }
    return pl.DataFrame(rows, schema=schema)


def issue_counts() -> dict:
    counts = {}
    for j, five in enumerate(DESIL5, start=1):
        kelurahan = f"{KECAMATAN}.{1000 + j}"
        counts |= {
            (KECAMATAN, kelurahan, 5): five,
            (KECAMATAN, kelurahan, 2): 20 + j,
            (KECAMATAN, kelurahan, 8): 15 if j == 3 else 30,
        }
    counts |= {
        ("12.74.02", "12.74.02.1001", 1): 30,
        ("12.74.02", "12.74.02.1002", 1): 25,
        ("12.74.02", "12.74.02.1001", 5): 3,
    }
    counts |= {
        ("12.74.03", "12.74.03.1001", 1): 20,
        ("12.74.03", "12.74.03.1001", 5): 6,
        ("12.74.03", "12.74.03.1001", 8): 14,
    }  # the kecamatan table's complement
    return counts  # the kelurahan table's d5 column has its second hidden cell in 12.74.02: 12.74.01 keeps only one


def per_level_old_pattern(tables: LinkedTables, frames: release.Frames) -> set[int]:
    """What Tepat did before: each level's desil table suppressed on its own with the line rule."""
    hidden = set()
    categories = [*release.DESIL_CATEGORIES]
    for level, frame in frames.desil.items():
        regions = frame["region"].to_list()
        one = table(
            [[frame.filter(pl.col("region") == r)[f"keluarga_{c}"].item() for c in categories] for r in regions]
        )
        pattern = line_rule(one).hidden
        for i in pattern:
            row, column = one.keys[i]
            key = (
                "keluarga",
                level,
                "kota" if row == "total" else regions[row],
                "jumlah" if column == "total" else categories[column],
            )
            if row != "total" or level == "kota":
                hidden.add(tables.index[key])
    return hidden


def test_the_issue_cross_level_example_is_recovered_by_the_old_pattern_and_not_by_the_release():
    frames = release.frames(family_table(issue_counts()), registry.af_at, ())
    desil_only = release.linked(frames, with_af=False)
    cell = desil_only.index[("keluarga", "kelurahan", "12.74.01.1003", "d5")]
    old = per_level_old_pattern(desil_only, frames)
    assert cell in old and cell in linprog_failures(desil_only.values, desil_only.equations, old)  # 50 - 46 = 4
    published = release.build(frames)
    assert published.hidden(("keluarga", "kelurahan", "12.74.01.1003", "d5"))
    assert not linprog_failures(published.tables.values, published.tables.equations, set(published.protected.hidden))
    kelurahan = (
        published.desil("kelurahan").filter(pl.col("region").str.starts_with(KECAMATAN))["keluarga_d5"].to_list()
    )
    kecamatan = published.desil("kecamatan").filter(pl.col("region") == KECAMATAN)["keluarga_d5"].item()
    assert kecamatan is None or kelurahan.count(None) >= 2


families = st.dictionaries(
    st.tuples(
        st.sampled_from(["12.74.01", "12.74.02"]),
        st.sampled_from(["1001", "1002", "1003"]),
        st.sampled_from([1, 2, 5, None]),
    ),
    st.integers(1, 9),
    min_size=1,
    max_size=10,
)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(families)
def test_random_registries_release_only_what_the_independent_audit_accepts(counts):
    table_ = family_table({(k, f"{k}.{kel}", d): n for (k, kel, d), n in counts.items()})
    published = release.build(release.frames(table_, registry.af_at, registry.dimensions()))
    tables = published.tables
    assert tables.closed(tables.primary()) <= published.protected.hidden
    assert not linprog_failures(tables.values, tables.equations, set(published.protected.hidden))


def test_a_second_af_release_keeps_the_first_pattern():
    table_ = family_table(issue_counts())
    first = release.build(release.frames(table_, registry.af_at, registry.dimensions()))
    other = release.build(
        release.frames(table_, lambda t, level: registry.af_at(t, level, k=0.5), registry.dimensions()), base=first
    )
    for i, key in enumerate(first.tables.keys):
        if key[0] != "af":
            assert (i in first.protected.hidden) == other.hidden(key), key
    assert other.protected.audit.passed


# ------------------------------------------------------------------------------ live registry
@pytest.fixture
def issue_registry(import_file, cast, tmp_path):
    """Tanjungbalai Selatan's six kelurahan with 10, 5, 4, 12, 9, 10 families of one desil (the issue's desil-5 example;
    P3KE files carry desil 1-4 only, so desil 3 here), and more of desil 1."""
    rows, base = [], 0
    for j, five in enumerate(DESIL5, start=1):
        for desil, count in (("3", five), ("1", 6 + j)):
            for _ in range(count):
                base += 1
                rows += family_rows(
                    f"F{base}",
                    base=base,
                    desil=desil,
                    kode=f"12740110{j:02d}",
                    jenis_lantai="Tanah" if base % 3 else "Keramik",
                )
    batch = import_file(write_csv(tmp_path / "p3ke.csv", rows), cast["analyst"])
    assert batch.status == "done", batch.report


@pytest.fixture
def issue_table_registry(import_file, cast, tmp_path):
    """Kelurahan 1001-1004 of Tanjungbalai Selatan x desil 1-4 holding the issue's table
    [[6, 8, 10, 9], [3, 7, 3, 3], [6, 5, 8, 7], [12, 5, 6, 5]]."""
    rows, base = [], 0
    for r, line in enumerate([[6, 8, 10, 9], [3, 7, 3, 3], [6, 5, 8, 7], [12, 5, 6, 5]], start=1):
        for desil, count in enumerate(line, start=1):
            for _ in range(count):
                base += 1
                rows += family_rows(f"F{base}", base=base, desil=str(desil), kode=f"12740110{r:02d}")
    batch = import_file(write_csv(tmp_path / "p3ke.csv", rows), cast["analyst"])
    assert batch.status == "done", batch.report


def read_csv(body: bytes) -> dict[tuple[str, str, str], str]:
    return {
        (r["level"], r["kode"], r["kategori"]): r["keluarga"] for r in csv.DictReader(io.StringIO(body.decode("utf-8")))
    }


def test_tepat_publish_writes_the_audited_release(issue_registry, tmp_path):
    from tepat.cli import main

    result = CliRunner().invoke(main, ["publish", "--out", str(tmp_path / "rilis")])
    assert result.exit_code == 0, result.output
    desil = read_csv((tmp_path / "rilis" / "desil.csv").read_bytes())
    assert desil[("kelurahan", "12.74.01.1003", "3")] == ""  # 4 families: hidden
    assert desil[("kota", "12.74", "jumlah")] == str(sum(DESIL5) + sum(6 + j for j in range(1, 7)))
    five = [desil[("kelurahan", f"12.74.01.{1000 + j}", "3")] for j in range(1, 7)]
    assert desil[("kecamatan", "12.74.01", "3")] == "" or five.count("") >= 2
    assert {k[2] for k in desil} == {*map(str, range(1, 11)), "tidak_diketahui", "jumlah"}
    deprivation = read_csv((tmp_path / "rilis" / "deprivasi.csv").read_bytes())
    assert ("kota", "12.74", "perumahan") in deprivation and ("kecamatan", "12.74.01", "perumahan_data") in deprivation
    package = json.loads((tmp_path / "rilis" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["sources"] and package["created"]
    assert [r["path"] for r in package["resources"]] == ["desil.csv", "deprivasi.csv", "audit.json"]
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == ["level", "kode", "kategori", "keluarga"]
    assert "1-4" in package["tepat:suppression"]["rule"] and package["tepat:suppression"]["small_cell"] == 5
    report = frictionless.validate(str(tmp_path / "rilis" / "datapackage.json"))  # the schemas hold for every row
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    audit = json.loads((tmp_path / "rilis" / "audit.json").read_text(encoding="utf-8"))
    assert (
        audit["passed"]
        and audit["hidden_cells"] > 0
        and all(t["possible_values"] is None or t["possible_values"] >= 5 for t in audit["tightest"])
    )


def test_tepat_publish_refuses_a_release_whose_audit_fails_and_writes_nothing(issue_table_registry, tmp_path):
    from tepat.cli import main

    with pytest.raises(DisclosureRisk):  # the old line rule on these tables: the audit finds a cell it gives back
        release.build(
            release.frames(registry.cached_family_table(None), registry.af_at, registry.dimensions()),
            protector=line_rule,
        )
    result = CliRunner().invoke(main, ["publish", "--out", str(tmp_path / "rilis"), "--method", "garis"])
    assert result.exit_code == 2 and "ditolak" in result.output and "audit failed" in result.output
    assert not (tmp_path / "rilis").exists() or not any((tmp_path / "rilis").iterdir())


def test_the_analyst_downloads_the_release_and_the_viewer_cannot(client, cast, issue_registry):
    client.force_login(cast["analyst"])
    page = client.get("/indikator/registri/").content.decode()
    assert 'data-testid="public-release"' in page
    response = client.get("/indikator/registri/rilis-publik.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["audit.json", "datapackage.json", "deprivasi.csv", "desil.csv"]
    assert read_csv(archive.read("desil.csv"))[("kelurahan", "12.74.01.1003", "3")] == ""
    client.force_login(cast["viewer"])
    assert client.get("/indikator/registri/rilis-publik.zip").status_code in (403, 404)
    assert 'data-testid="public-release"' not in client.get("/indikator/registri/").content.decode()


def test_the_viewer_pages_show_the_release(client, cast, issue_registry):
    client.force_login(cast["viewer"])
    published = registry.public_release()
    tables = registry.registry_indicators(cast["viewer"], "kelurahan")
    rows = {r["region"]: r for r in tables.desil.to_dicts()}
    assert rows["12.74.01.1003"]["keluarga_d3"] is None and rows["12.74.01.1003"]["jiwa_d3"] is None
    assert not linprog_failures(published.tables.values, published.tables.equations, set(published.protected.hidden))
    body = client.get("/indikator/registri/desil.csv", {"level": "kelurahan"}).content.decode()
    assert "12.74.01.1003" in body


def test_the_viewer_snapshot_comparison_hides_what_the_snapshot_release_hides(client, cast, issue_registry):
    from tepat.indicators.actions import do_create_snapshot

    snapshot = do_create_snapshot("sebelum", acting_user=cast["analyst"])
    do_create_snapshot("sesudah", acting_user=cast["analyst"])
    published = release.build(release.snapshot_frames(snapshot.data, registry.dimensions()))
    assert published.hidden(("keluarga", "kelurahan", "12.74.01.1003", "d3"))
    assert not linprog_failures(published.tables.values, published.tables.equations, set(published.protected.hidden))
    client.force_login(cast["viewer"])
    body = client.get("/indikator/snapshot.csv", {"level": "kelurahan", "ukuran": "keluarga_d3"}).content.decode(
        "utf-8-sig"
    )
    rows = {row[0]: row[1:4] for row in list(csv.reader(io.StringIO(body)))[1:]}
    assert rows["12.74.01.1003"] == ["", "", ""]
    shown = [code for code, values in rows.items() if values[0]]
    assert shown and all(not published.hidden(("keluarga", "kelurahan", code, "d3")) for code in shown)
    client.force_login(cast["analyst"])
    body = client.get("/indikator/snapshot.csv", {"level": "kelurahan", "ukuran": "keluarga_d3"}).content.decode(
        "utf-8-sig"
    )
    row = next(row for row in csv.reader(io.StringIO(body)) if row[0] == "12.74.01.1003")
    assert row[:4] == ["12.74.01.1003", "4.0", "4.0", "0.0"]


def test_the_pockets_map_and_the_home_table_hide_what_the_release_hides(client, cast, issue_table_registry):
    from tepat.pockets.measures import pockets

    published = registry.public_release()
    ranked = {row.code: row for row in pockets(cast["viewer"], "ekstrem").rows}
    hidden = {code for code, row in ranked.items() if row.suppressed}
    assert "12.74.01.1002" in hidden  # 3 families of desil 1
    assert hidden == published.hidden_regions("kelurahan", [("keluarga", "d1"), ("keluarga", "jumlah")]) & set(ranked)
    client.force_login(cast["viewer"])
    table = client.get("/").context["table"]
    assert table.row_totals == [published.shown(("keluarga", "kecamatan", KECAMATAN, "jumlah"))]
    assert table.cells[0] == [published.shown(("keluarga", "kecamatan", KECAMATAN, f"d{d}")) for d in range(1, 5)]
    client.force_login(cast["analyst"])
    assert client.get("/").context["table"].cells == [[27, 25, 27, 24]]  # column sums of the issue table, unsuppressed


def test_the_threshold_is_one_setting(settings, issue_registry):
    from tepat.indicators.publish import public_files

    settings.TEPAT_SMALL_CELL = 3
    package = json.loads(public_files()["datapackage.json"])
    assert package["tepat:suppression"]["small_cell"] == 3 and "1-2" in package["tepat:suppression"]["rule"]
    published = registry.public_release()
    assert published.small == 3 and published.protected.primary == published.tables.closed(published.tables.primary(3))
