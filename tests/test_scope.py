"""Who sees what: every role's scope on list, detail and export, guessed URLs, masking, access log."""

from __future__ import annotations

import csv
import io

import pytest

from tepat.accounts.models import PersonalDataAccess
from tepat.registry.actions import do_assign
from tepat.registry.models import Family
from tests.files import family_rows, write_xlsx

JOHOR_HEAD = "1274050101800001"  # Pantai Johor, Datuk Bandar
KOTA_HEAD = "1274050101800002"  # Tanjungbalai Kota I, Tanjungbalai Selatan


@pytest.fixture
def registry(import_file, cast, tmp_path):
    rows = family_rows("JOHOR", base=1) + family_rows("KOTA", base=2, kode="1274011001", alamat="Jl. Kota")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    johor, kota = Family.objects.get(source_key="JOHOR"), Family.objects.get(source_key="KOTA")
    do_assign(Family.objects.filter(pk=johor.pk), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    return johor, kota


# role -> (sees Johor, sees Kota, full NIK)
EXPECTED = {
    "analyst": (True, True, True),
    "opd": (True, True, True),
    "admin": (True, True, False),
    "camat": (True, False, False),
    "lurah": (True, False, True),
    "other_lurah": (False, True, True),
    "enumerator": (True, False, True),
    "viewer": (False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED)
def test_family_pages_respect_the_scope_of(role, client, cast, registry):
    johor, kota = registry
    sees_johor, sees_kota, _ = EXPECTED[role]
    client.force_login(cast[role])
    assert client.get(f"/keluarga/{johor.pk}/").status_code == (200 if sees_johor else 404)
    assert client.get(f"/keluarga/{kota.pk}/").status_code == (200 if sees_kota else 404)
    listing = client.get("/keluarga/")
    if role == "viewer":
        assert listing.status_code == 404
        return
    body = listing.content.decode()
    assert ("Jl. Contoh" in body) == sees_johor and ("Jl. Kota" in body) == sees_kota


@pytest.mark.parametrize("role", [r for r in EXPECTED if r != "viewer"])
def test_nik_is_masked_unless_the_role_needs_it(role, client, cast, registry):
    johor, _ = registry
    _, _, full = EXPECTED[role]
    client.force_login(cast[role])
    if not EXPECTED[role][0]:
        return
    body = client.get(f"/keluarga/{johor.pk}/").content.decode()
    assert (JOHOR_HEAD in body) == full
    assert ("127405******0001" in body) == (not full)


@pytest.mark.parametrize("role", ["analyst", "camat", "lurah", "admin", "opd"])
def test_exports_hold_only_the_scope_and_are_masked_and_logged(role, client, cast, registry):
    client.force_login(cast[role])
    response = client.get("/keluarga/unduh.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    keys = {row["id_keluarga"] for row in rows}
    assert keys == {k for k, seen in (("JOHOR", EXPECTED[role][0]), ("KOTA", EXPECTED[role][1])) if seen}
    heads = {row["nik_kepala_keluarga"] for row in rows}
    assert (JOHOR_HEAD in heads) == (EXPECTED[role][2] and EXPECTED[role][0])
    log = PersonalDataAccess.objects.get(user=cast[role], kind="export")
    assert log.records == len(rows)


@pytest.mark.parametrize("role", ["viewer", "enumerator"])
def test_roles_without_export_get_404_on_guessed_export_urls(role, client, cast, registry):
    client.force_login(cast[role])
    assert client.get("/keluarga/unduh.xlsx").status_code == 404


def test_xlsx_export_opens_with_the_same_rows(client, cast, registry):
    import openpyxl

    client.force_login(cast["lurah"])
    response = client.get("/keluarga/unduh.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][1] == "id_keluarga" and [v[1] for v in values[1:]] == ["JOHOR"]


def test_viewing_a_family_is_logged(client, cast, registry):
    johor, _ = registry
    client.force_login(cast["lurah"])
    client.get(f"/keluarga/{johor.pk}/")
    entry = PersonalDataAccess.objects.get(user=cast["lurah"])
    assert entry.kind == "view" and entry.records == 4 and entry.unmasked


def test_the_viewer_sees_aggregates_with_small_cells_suppressed(client, cast, registry):
    client.force_login(cast["viewer"])
    body = client.get("/").content.decode()
    assert "Datuk Bandar" in body and "×" in body
    assert ">1<" not in body  # one family per kecamatan: every count is hidden
    assert "JOHOR" not in body


@pytest.mark.parametrize("role", ["camat", "lurah", "opd", "enumerator", "viewer"])
def test_only_importers_reach_the_import_pages(role, client, cast, registry):
    from tepat.registry.models import ImportBatch

    client.force_login(cast[role])
    batch = ImportBatch.objects.first()
    assert client.get("/impor/").status_code == 404
    assert client.get(f"/impor/{batch.pk}/").status_code == 404
    assert client.get(f"/impor/{batch.pk}/laporan.json").status_code == 404


def test_anonymous_users_are_sent_to_login(client, registry):
    johor, _ = registry
    response = client.get(f"/keluarga/{johor.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_dtsen_family_key_is_its_no_kk_and_is_masked_like_one(client, cast, import_file, tmp_path):
    from tests.files import write_csv

    header = ["nomor_kartu_keluarga", "kode_desa_kelurahan", "nama_kepala_keluarga", "desil_nasional"]
    rows = [
        {
            "nomor_kartu_keluarga": "1274050101200001",
            "kode_desa_kelurahan": "1274051010",
            "nama_kepala_keluarga": "A",
            "desil_nasional": "2",
        }
    ]
    import_file(write_csv(tmp_path / "k.csv", rows, header=header, delimiter=",", title=False))
    family = Family.objects.get()
    client.force_login(cast["camat"])
    assert "1274050101200001" not in client.get(f"/keluarga/{family.pk}/").content.decode()
    assert "1274050101200001" not in client.get("/keluarga/unduh.csv").content.decode("utf-8-sig")
