"""Convergence and gap pages on the live registry: figures from rules, target lists, realisasi and flags; drill-down."""
from __future__ import annotations

import pytest

from tepat.programs.actions import do_save_rule
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Program
from tests.files import family_rows, write_xlsx


@pytest.fixture
def registry(import_file, cast, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("A", base=1, desil="1", penerima_pkh="Ya") + family_rows("B", base=2, desil="1", penerima_pkh="Tidak")
    rows += family_rows("C", base=3, desil="3", penerima_pkh="Ya")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    do_save_rule(Program.objects.get(code="pkh"), "desil <= 2", acting_user=cast["analyst"], reason="uji")


def test_coverage_counts_flags_as_interventions_and_drills_to_families(client, cast, registry):
    client.force_login(cast["analyst"])
    page = client.get("/kesenjangan/", {"measure": "cakupan"}).content.decode()
    assert "pkh" in page and "50%" in page  # A served of A and B eligible
    drill = client.get("/kesenjangan/rinci/", {"measure": "eksklusi", "column": "excluded", "program": "pkh", "strategy": "kurangi_beban"})
    body = drill.content.decode()
    assert drill.status_code == 200 and 'data-testid="drill-total">1<' in body
    inclusion = client.get("/kesenjangan/rinci/", {"measure": "inklusi", "column": "not_eligible", "program": "pkh", "strategy": "kurangi_beban"})
    assert 'data-testid="drill-total">1<' in inclusion.content.decode()  # C is served but desil 3


def test_gap_pages_are_for_rule_editors_only(client, cast, registry):
    client.force_login(cast["camat"])
    assert client.get("/kesenjangan/").status_code == 404
