"""Allocation on the live registry: the exact plan beside the greedy one, and a plan made into target lists."""

from __future__ import annotations

import pytest

from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import TargetList
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    from tests.files import P3KE_HEADER

    own, shared = "Milik Sendiri", "Umum/Bersama"
    rows = family_rows(
        "A", base=1, desil="1", jenis_lantai="Semen", sumber_air_minum="Air Hujan", fasilitas_bab=shared
    )  # air + sanitasi
    rows += family_rows(
        "B", base=2, desil="1", jenis_lantai="Semen", sumber_air_minum="Air Hujan", fasilitas_bab=own
    )  # air only
    rows += family_rows(
        "C", base=3, desil="1", jenis_lantai="Semen", sumber_air_minum="Sumur Bor", fasilitas_bab=shared
    )  # sanitasi only
    rows += family_rows(
        "D", base=4, desil="2", jenis_lantai="Tanah", sumber_air_minum="Air Hujan", fasilitas_bab=own
    )  # not extreme poor
    import_file(write_xlsx(tmp_path / "a.xlsx", rows, header=[*P3KE_HEADER, "fasilitas_bab"]), cast["analyst"])


def test_the_optimal_plan_completes_more_families_than_the_priority_order(client, cast, registry):
    client.force_login(cast["analyst"])
    # one water connection and one toilet: the priority order gives both to A (most deprivations) and
    # completes one family; the optimum gives water to B and the toilet to C and completes two
    body = client.post(
        "/alokasi/", {"air_bersih": "2500000", "jamban": "5000000", "objective": "complete"}
    ).content.decode()
    assert 'Keluarga miskin ekstrem</td><td class="num">3</td>' in body
    assert 'Semua deprivasi tertangani</td><td class="num">2</td><td class="num">1</td>' in body


def test_a_plan_becomes_target_lists(client, cast, registry):
    client.force_login(cast["analyst"])
    response = client.post(
        "/alokasi/", {"air_bersih": "2500000", "jamban": "5000000", "objective": "complete", "freeze": "1"}
    )
    assert response["Location"] == "/sasaran/"
    lists = {t.program.code: [e.family.source_key for e in t.entries.all()] for t in TargetList.objects.all()}
    assert lists == {"air_bersih": ["B"], "jamban": ["C"]}


def test_only_rule_editors_allocate(client, cast, registry):
    client.force_login(cast["opd"])
    assert client.get("/alokasi/").status_code == 404


def test_the_page_speaks_the_users_language_not_the_solvers(client, cast, registry):
    client.force_login(cast["analyst"])
    body = client.post(
        "/alokasi/", {"air_bersih": "2500000", "jamban": "5000000", "objective": "complete"}
    ).content.decode()
    assert "Tujuan" in body and "Objective" not in body
    assert "optimal (terbukti terbaik)" in body and "Status: optimal" not in body
    assert "<td>Sambungan air bersih (SPAM/Pamsimas)</td>" in body and "<td>air_bersih</td>" not in body
    assert "Rp2.500.000" in body  # one water connection, Indonesian format
    assert "<th></th>" not in body
    client.post("/i18n/setlang/", {"language": "en", "next": "/alokasi/"})
    english = client.post(
        "/alokasi/", {"air_bersih": "2500000", "jamban": "5000000", "objective": "complete"}
    ).content.decode()
    assert "Objective" in english and "Rp2,500,000" in english and "optimal (proven best)" in english
