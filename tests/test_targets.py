"""Target lists: priority order, quota and budget cuts, frozen with rule and data state, exports per OPD."""

from __future__ import annotations

import csv
import io

import pytest

from tepat.programs.actions import do_freeze_target_list, do_save_rule
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Program
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="2", jenis_lantai="Semen")
    rows += family_rows("B", base=2, desil="1", jenis_lantai="Tanah", sumber_air_minum="Air Hujan")
    rows += family_rows("C", base=3, desil="1", jenis_lantai="Semen", kode="1274011001")
    rows += family_rows("D", base=4, desil="4")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    program = Program.objects.get(code="air_bersih")
    do_save_rule(program, "desil <= 2", acting_user=cast["analyst"], reason="uji")
    return program


def keys(target):
    return [e.family.source_key for e in target.entries.order_by("rank")]


def test_families_are_ordered_by_desil_then_deprivations(registry, cast):
    target = do_freeze_target_list(registry, acting_user=cast["analyst"])
    assert keys(target) == ["B", "C", "A"]  # B and C desil 1, B has more deprivations
    assert target.eligible == 3 and target.rule.text == "desil <= 2" and target.created_by == cast["analyst"]
    assert target.registry_state["families"] == 4
    assert target.entries.get(rank=1).reasons == ["desil <= 2"]


def test_a_quota_and_a_budget_cut_the_list(registry, cast):
    assert keys(do_freeze_target_list(registry, acting_user=cast["analyst"], quota=2)) == ["B", "C"]
    by_budget = do_freeze_target_list(registry, acting_user=cast["analyst"], budget=registry.unit_cost * 1)
    assert keys(by_budget) == ["B"] and by_budget.quota == 1
    per_kecamatan = do_freeze_target_list(registry, acting_user=cast["analyst"], quota=1, per_kecamatan=True)
    assert keys(per_kecamatan) == ["B", "C"]  # the first of Datuk Bandar and of Tanjungbalai Selatan


def test_a_frozen_list_does_not_change_with_the_rule(registry, cast):
    target = do_freeze_target_list(registry, acting_user=cast["analyst"])
    do_save_rule(registry, "desil == 4", acting_user=cast["analyst"], reason="uji")
    target.refresh_from_db()
    assert keys(target) == ["B", "C", "A"] and target.rule.version == 2


def test_the_opd_downloads_its_list_and_other_opds_cannot(client, cast, registry):
    from tepat.accounts.models import Opd

    target = do_freeze_target_list(registry, acting_user=cast["analyst"])
    registry.opd = Opd.objects.get(code="dinsos")  # the operator's agency
    registry.save()
    client.force_login(cast["opd"])
    rows = list(csv.DictReader(io.StringIO(client.get(f"/sasaran/{target.pk}/unduh.csv").content.decode("utf-8-sig"))))
    assert [r["id_keluarga"] for r in rows] == ["B", "C", "A"]
    assert rows[0]["nik_kepala_keluarga"] == "1274050101800002"
    registry.opd = Opd.objects.get_or_create(code="pupr", defaults={"name": "Dinas PUPR"})[0]
    registry.save()
    assert client.get(f"/sasaran/{target.pk}/unduh.csv").status_code == 404


def test_the_camat_cannot_reach_target_lists_and_admin_sees_masked_niks(client, cast, registry):
    target = do_freeze_target_list(registry, acting_user=cast["analyst"])
    client.force_login(cast["camat"])
    assert client.get(f"/sasaran/{target.pk}/").status_code == 404
    client.force_login(cast["admin"])
    body = client.get(f"/sasaran/{target.pk}/unduh.csv").content.decode("utf-8-sig")
    assert "1274050101800002" not in body and "127405******0002" in body


def test_freezing_from_the_program_page(client, cast, registry):
    client.force_login(cast["analyst"])
    response = client.post("/program/air_bersih/bekukan/", {"quota": "2"})
    page = client.get(response["Location"]).content.decode()
    assert "2 keluarga" in page and "desil &lt;= 2" in page


def test_a_budget_needs_a_unit_cost_and_a_city_wide_list(registry, cast, client):
    with pytest.raises(ValueError):
        do_freeze_target_list(registry, acting_user=cast["analyst"], budget=1000000, per_kecamatan=True)
    client.force_login(cast["analyst"])
    response = client.post("/program/air_bersih/bekukan/", {"quota": "0"})
    assert response["Location"] == "/program/air_bersih/"
    assert registry.target_lists.count() == 0


def test_a_custom_priority_puts_its_families_first(registry, cast):
    from tepat.programs.actions import RuleRejected

    target = do_freeze_target_list(
        registry, acting_user=cast["analyst"], priority='kelurahan == "12.74.05.1010" and desil == 2'
    )
    assert keys(target) == ["A", "B", "C"] and target.priority.startswith("kelurahan")
    with pytest.raises(RuleRejected):
        do_freeze_target_list(registry, acting_user=cast["analyst"], priority="desl == 2")


def test_target_and_realisasi_rows_link_to_the_family(client, cast, registry):
    import re
    from datetime import date

    from tepat.programs.actions import do_record_intervention
    from tepat.programs.models import TargetList
    from tepat.registry.models import Family

    client.force_login(cast["analyst"])
    client.post("/program/air_bersih/bekukan/", {"quota": "2"})
    target = TargetList.objects.get()
    page = client.get(f"/sasaran/{target.pk}/").content.decode()
    linked = re.findall(r'<a href="/keluarga/(\d+)/">', page)
    assert sorted(int(i) for i in linked) == sorted(e.family_id for e in target.entries.all())
    family = Family.objects.get(pk=target.entries.first().family_id)
    do_record_intervention(target.program, family, acting_user=cast["analyst"], date=date(2026, 6, 1), amount=750000)
    realisasi = client.get("/realisasi/").content.decode()
    assert f'<a href="/keluarga/{family.pk}/">' in realisasi and "Rp750.000" in realisasi
