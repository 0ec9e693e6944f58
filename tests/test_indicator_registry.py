"""Registry indicators on the live registry: desil and deprivation tables by region, Alkire-Foster from the
form matching the engine, snapshots and their change; every role; the viewer's small cells suppressed."""

from __future__ import annotations

import re

import io

import openpyxl
import pytest

from tepat.engine.measures import alkire_foster
from tepat.indicators.actions import do_create_snapshot
from tepat.indicators.registry import cached_family_table, normalised, registry_indicators
from tests.files import family_rows, write_csv

PANTAI_JOHOR, KOTA_I = "1274051010", "1274011001"


@pytest.fixture
def registry(import_file, cast, tmp_path):
    """Pantai Johor (Datuk Bandar): 7 families of desil 1, six with an earth floor; Tanjungbalai Kota I
    (Tanjungbalai Selatan): 2 families of desil 2 with a proper floor."""
    rows = []
    for n in range(7):
        rows += family_rows(
            f"A{n}",
            base=10 + n,
            desil="1",
            kode=PANTAI_JOHOR,
            jenis_lantai="Tanah" if n < 6 else "Keramik",
            sumber_air_minum="Sumur Tidak Terlindung" if n < 3 else "Sumur Bor",
        )
    for n in range(2):
        rows += family_rows(f"B{n}", base=30 + n, desil="2", kode=KOTA_I, jenis_lantai="Keramik")
    batch = import_file(write_csv(tmp_path / "p3ke.csv", rows), cast["analyst"])
    assert batch.report["summary"]["families_new"] == 9 if "summary" in (batch.report or {}) else True


def test_desil_and_deprivation_tables_by_kecamatan(cast, registry):
    tables = registry_indicators(cast["analyst"], "kecamatan")
    desil = {r["region_name"]: r for r in tables.desil.to_dicts()}
    assert desil["Datuk Bandar"]["keluarga_d1"] == 7 and desil["Datuk Bandar"]["jiwa_d1"] == 21
    assert desil["Tanjungbalai Selatan"]["keluarga_d2"] == 2
    deprivation = {r["region_name"]: r for r in tables.deprivation.to_dicts()}
    assert deprivation["Datuk Bandar"]["perumahan_n"] == 6 and deprivation["Datuk Bandar"][
        "perumahan_persen"
    ] == pytest.approx(85.71)
    assert deprivation["Datuk Bandar"]["air_n"] == 3
    # P3KE files carry no PBI receipt flag: unknown, not deprived
    assert (
        deprivation["Datuk Bandar"]["jaminan_kesehatan_data"] == 0
        and deprivation["Datuk Bandar"]["jaminan_kesehatan_persen"] is None
    )


def test_the_page_is_labelled_registry_counts_for_every_role(client, cast, registry):
    for role in ("admin", "analyst", "opd", "camat", "lurah", "enumerator", "viewer"):
        client.force_login(cast[role])
        page = client.get("/indikator/registri/", {"level": "kecamatan"})
        assert page.status_code == 200 and "Hitungan registri, bukan estimasi survei" in page.content.decode(), role


def test_camat_sees_only_his_kecamatan(client, cast, registry):
    client.force_login(cast["camat"])
    body = client.get("/indikator/registri/", {"level": "kecamatan"}).content.decode()
    assert "Datuk Bandar" in body and "Tanjungbalai Selatan" not in body


def test_viewer_sees_small_cells_suppressed_analyst_does_not(client, cast, registry):
    client.force_login(cast["viewer"])
    body = client.get("/indikator/registri/", {"level": "kecamatan"}).content.decode()
    assert 'data-testid="suppressed-note"' in body
    viewer = registry_indicators(cast["viewer"], "kecamatan")
    rows = {r["region_name"]: r for r in viewer.desil.to_dicts()}
    assert rows["Tanjungbalai Selatan"]["keluarga_d2"] is None  # 2 families
    assert rows["Datuk Bandar"]["keluarga_d1"] is None  # complementary: the column total would reveal the 2
    deprivation = {r["region_name"]: r for r in viewer.deprivation.to_dicts()}
    assert deprivation["Datuk Bandar"]["perumahan_n"] is None  # 1 family without the deprivation
    analyst = {r["region_name"]: r for r in registry_indicators(cast["analyst"], "kecamatan").desil.to_dicts()}
    assert analyst["Tanjungbalai Selatan"]["keluarga_d2"] == 2


def test_the_suppression_note_states_the_one_threshold(client, cast, registry, settings):
    client.force_login(cast["viewer"])
    assert "Sel dengan kurang dari 5 keluarga" in client.get("/indikator/registri/").content.decode()
    settings.TEPAT_SMALL_CELL = 3  # the setting over the engine's SMALL_CELL: the note says what is applied
    assert "Sel dengan kurang dari 3 keluarga" in client.get("/indikator/registri/").content.decode()


def test_downloads_xlsx_csv_and_public_ones_suppressed(client, cast, registry):
    client.force_login(cast["analyst"])
    csv = client.get("/indikator/registri/desil.csv", {"level": "kecamatan"}).content.decode("utf-8-sig")
    assert "Tanjungbalai Selatan" in csv and "Hitungan registri" in csv
    public = client.get("/indikator/registri/desil.xlsx", {"level": "kecamatan", "publik": "1"})
    assert "publik" in public["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(public.content)).active
    header = [c.value for c in sheet[1]]
    selatan = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "Tanjungbalai Selatan")
    assert selatan[header.index("keluarga_d2")] in (None, "")
    client.force_login(cast["viewer"])
    viewer_csv = client.get("/indikator/registri/deprivation.csv", {"level": "kecamatan"}).content.decode("utf-8-sig")
    assert '"6"' not in viewer_csv  # the six earth floors of Datuk Bandar are hidden
    chart = client.get("/indikator/registri/grafik.svg", {"level": "kelurahan", "ukuran": "perumahan"})
    assert chart.status_code == 200 and b"<svg" in chart.content


def test_af_page_matches_the_engine(client, cast, registry):
    client.force_login(cast["analyst"])
    query = {"level": "kelurahan", "k": "0.5", "i_perumahan": "on", "w_perumahan": "1", "i_air": "on", "w_air": "1"}
    page = client.get("/indikator/multidimensi/", query)
    body = page.content.decode()
    expected = alkire_foster(
        cached_family_table(cast["analyst"]),
        {"perumahan": "perumahan", "air": "air"},
        normalised({"perumahan": 1, "air": 1}),
        0.5,
        region="kelurahan",
    )
    assert page.status_code == 200 and expected.overall.h == pytest.approx(6 / 9)
    assert f'data-testid="af-h">{expected.overall.h:.4f}'.replace(".", ",") in body
    assert f'data-testid="af-m0">{expected.overall.m0:.4f}'.replace(".", ",") in body
    csv = client.get("/indikator/multidimensi.csv", query).content.decode("utf-8-sig")
    assert "12.74.05.1010" in csv and "66.67" in csv or "66,67" in csv


def test_af_refuses_no_indicator_with_a_message(client, cast, registry):
    client.force_login(cast["analyst"])
    page = client.get(
        "/indikator/multidimensi/", {"level": "kota", "k": "0.5", "indikator": "1"}
    )  # the form, nothing ticked
    assert page.status_code == 422 and "Pilih paling sedikit satu indikator" in page.content.decode()


def test_a_link_with_only_the_level_opens_with_the_default_indicators(client, cast, registry):
    from tepat.indicators.registry import af_defaults

    client.force_login(cast["analyst"])
    page = client.get("/indikator/multidimensi/", {"level": "kelurahan"})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="af-h"' in body
    for key in af_defaults()["indicators"]:
        assert re.search(rf'name="i_{key}"[^>]*checked', body), key


def test_viewer_af_is_suppressed(client, cast, registry):
    client.force_login(cast["viewer"])
    body = client.get(
        "/indikator/multidimensi/", {"level": "kelurahan", "k": "0.5", "i_perumahan": "on", "w_perumahan": "1"}
    ).content.decode()
    assert 'data-testid="suppressed-note"' in body and "Tanjungbalai Kota I" in body


def test_snapshots_compare_before_and_after(client, cast, registry, import_file, tmp_path):
    before = do_create_snapshot("sebelum", acting_user=cast["analyst"])
    rows = []
    for n in range(3):
        rows += family_rows(f"C{n}", base=50 + n, desil="1", kode=PANTAI_JOHOR, jenis_lantai="Tanah")
    import_file(
        write_csv(tmp_path / "more.csv", rows), cast["analyst"], allow_missing=True
    )  # a partial file: confirmed
    client.force_login(cast["analyst"])
    assert client.post("/indikator/snapshot/buat/", {"label": "sesudah"}).status_code == 302
    page = client.get("/indikator/snapshot/", {"level": "kecamatan", "ukuran": "keluarga_d1"}).content.decode()
    assert 'data-testid="snapshot-table"' in page and "Datuk Bandar" in page
    csv = client.get(
        "/indikator/snapshot.csv", {"level": "kecamatan", "ukuran": "keluarga_d1", "sebelum": before.pk}
    ).content.decode("utf-8-sig")
    line = next(l for l in csv.splitlines() if "Datuk Bandar" in l)
    assert line.startswith('"12.74.05","7.0","10.0","3.0"')
    client.force_login(cast["viewer"])
    assert client.post("/indikator/snapshot/buat/", {"label": "x"}).status_code == 404
    viewer_csv = client.get("/indikator/snapshot.csv", {"level": "kecamatan", "ukuran": "keluarga_d2"}).content.decode(
        "utf-8-sig"
    )
    assert '"12.74.01","","",""' in viewer_csv  # 2 families: hidden for the viewer


def test_cli_snapshot_stores_the_aggregates(registry):
    from click.testing import CliRunner

    from tepat.cli import main
    from tepat.indicators.models import RegistrySnapshot

    result = CliRunner().invoke(main, ["indicators", "snapshot", "--label", "sebelum verivali"])
    assert result.exit_code == 0 and "9 keluarga" in result.output
    snap = RegistrySnapshot.objects.get(label="sebelum verivali")
    assert snap.data["levels"]["kelurahan"]["12.74.05.1010"]["keluarga_d1"] == 7
    assert "nik" not in str(snap.data).lower()
