"""The rule editor: live preview counts in scope, saving versions, refusing bad rules, who may edit."""
from __future__ import annotations

import pytest

from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Program
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", sumber_air_minum="Air Hujan") + family_rows("B", base=2, desil="3", size=4)
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])


def test_the_preview_counts_families_and_people_per_kecamatan(client, cast, registry):
    client.force_login(cast["analyst"])
    body = client.get("/program/air_bersih/pratinjau/", {"text": "desil <= 2 and air_tidak_layak"}).content.decode()
    assert "<b>1</b> keluarga, <b>3</b> jiwa" in body and "Datuk Bandar" in body
    wider = client.get("/program/air_bersih/pratinjau/", {"text": "desil <= 3"}).content.decode()
    assert "<b>2</b> keluarga, <b>7</b> jiwa" in wider


def test_the_preview_explains_a_bad_rule(client, cast, registry):
    client.force_login(cast["analyst"])
    body = client.get("/program/pkh/pratinjau/", {"text": "desl <= 2"}).content.decode()
    assert "unknown_field" in body and "desil" in body


def test_saving_creates_a_version_and_a_bad_rule_is_not_saved(client, cast, registry):
    client.force_login(cast["analyst"])
    response = client.post("/program/pkh/", {"text": "desil == 1", "reason": "rakor Desember"})
    assert response.status_code == 302
    program = Program.objects.get(code="pkh")
    assert program.current_rule().text == "desil == 1" and program.current_rule().author == cast["analyst"]
    page = client.post("/program/pkh/", {"text": "desil == ", "reason": "x"}).content.decode()
    assert "unexpected_end" in page and program.rules.count() == 2


@pytest.mark.parametrize("role", ["camat", "lurah", "opd", "enumerator", "viewer"])
def test_only_rule_editors_reach_the_program_pages(client, cast, registry, role):
    client.force_login(cast[role])
    assert client.get("/program/").status_code == 404
    assert client.get("/program/pkh/pratinjau/", {"text": "desil <= 2"}).status_code == 404


def test_the_catalogue_is_editable_and_each_edit_audited(client, cast, registry):
    from tepat.accounts.models import AuditEvent

    client.force_login(cast["analyst"])
    program = Program.objects.get(code="pkh")
    form = {"name": program.name, "strategy": program.strategy, "opd": program.opd_id, "funding": program.funding, "unit": program.unit,
            "unit_cost": "3300000", "year": "2027", "max_desil": "2", "description": "", "is_active": "on", "reason": "Perpres baru"}
    assert client.post("/program/pkh/ubah/", form).status_code == 302
    program.refresh_from_db()
    assert (int(program.unit_cost), program.year, program.max_desil) == (3300000, 2027, 2)
    event = AuditEvent.objects.filter(action="program_saved", target="pkh").latest("at")
    assert event.details["changes"]["year"] == ["2026", "2027"] and event.details["reason"] == "Perpres baru"
