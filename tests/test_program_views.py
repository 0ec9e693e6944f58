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
    rows = family_rows("A", base=1, desil="1", sumber_air_minum="Air Hujan") + family_rows(
        "B", base=2, desil="3", size=4
    )
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
    form = {
        "name": program.name,
        "strategy": program.strategy,
        "opd": program.opd_id,
        "funding": program.funding,
        "unit": program.unit,
        "unit_cost": "3300000",
        "year": "2027",
        "max_desil": "2",
        "description": "",
        "is_active": "on",
        "reason": "Perpres baru",
    }
    assert client.post("/program/pkh/ubah/", form).status_code == 302
    program.refresh_from_db()
    assert (int(program.unit_cost), program.year, program.max_desil) == (3300000, 2027, 2)
    event = AuditEvent.objects.filter(action="program_saved", target="pkh").latest("at")
    assert event.details["changes"]["year"] == ["2026", "2027"] and event.details["reason"] == "Perpres baru"


# ---------------------------------------------------------------- issue 14: the editor helps
PIP_AS_SHIPPED_BEFORE = (
    'desil <= 3 and ada_anggota(umur >= 6 and umur <= 21 and partisipasi_sekolah == "Masih sekolah")'
)


def test_each_condition_shows_its_count_and_a_zero_says_why(client, cast, registry):
    client.force_login(cast["analyst"])
    body = client.get("/program/pip/pratinjau/", {"text": PIP_AS_SHIPPED_BEFORE}).content.decode()
    assert "<code>desil &lt;= 3</code>: <b>2</b> keluarga" in body
    assert (
        'data-code="field_empty">registri belum punya nilai `partisipasi_sekolah`: kolom ini berasal dari berkas DTSEN<'
        in body
    )
    assert 'data-testid="all-or-none"' in body and "Tidak ada keluarga yang memenuhi aturan ini (dari 2)" in body
    assert "No family meets" not in body  # one language at a time
    absent = client.get("/program/pip/pratinjau/", {"text": 'ada_anggota(pekerjaan == "Astronot")'}).content.decode()
    assert 'data-code="value_absent"' in absent and "&quot;Nelayan&quot;" in absent
    together = client.get("/program/pip/pratinjau/", {"text": "desil == 1 and desil == 3"}).content.decode()
    assert 'data-testid="only-together"' in together


def test_a_rule_selecting_nobody_or_everybody_is_saved_only_when_confirmed(client, cast, registry):
    client.force_login(cast["analyst"])
    program = Program.objects.get(code="pip")
    before = program.rules.count()
    page = client.post("/program/pip/", {"text": PIP_AS_SHIPPED_BEFORE, "reason": "uji"}).content.decode()
    assert 'data-testid="confirm-needed"' in page and program.rules.count() == before
    everybody = client.post("/program/pip/", {"text": "desil <= 10", "reason": "uji"}).content.decode()
    assert "Semua 2 keluarga memenuhi aturan ini" in everybody and program.rules.count() == before
    saved = client.post("/program/pip/", {"text": "desil <= 10", "reason": "uji", "confirm": "on"})
    assert saved.status_code == 302 and program.current_rule().text == "desil <= 10"


def test_a_missing_reason_is_reported_at_the_reason_field(client, cast, registry):
    client.force_login(cast["analyst"])
    page = client.post("/program/pkh/", {"text": "desil == 1", "reason": ""}).content.decode()
    reason_input, error, submit = (
        page.index('data-testid="rule-reason"'),
        page.index('data-testid="reason-errors"'),
        page.index("Simpan sebagai versi baru"),
    )
    assert reason_input < error < submit and 'data-testid="text-errors"' not in page
    assert 'aria-describedby="reason-errors"' in page


def test_the_picker_lists_fields_values_and_empty_fields_without_personal_data(client, cast, registry):
    client.force_login(cast["analyst"])
    page = client.get("/program/pkh/").content.decode()
    picker = page[
        page.index('data-testid="field-picker"') : page.index("</details>", page.index('data-testid="field-picker"'))
    ]
    assert 'data-insert="jenis_lantai"' in picker and 'data-insert="&quot;Tanah&quot;"' in picker  # a domain value
    assert 'data-insert="partisipasi_sekolah"' in picker and "kosong di registri (berkas DTSEN)" in picker
    assert 'data-insert="&quot;Nelayan&quot;"' in picker  # seen in the data (pekerjaan has no domain)
    assert "1274050101800001" not in picker and "&quot;Budi&quot;" not in picker  # no NIK or names as values
    assert 'data-insert="rumah_tidak_layak"' in picker


def test_every_shipped_example_selects_someone_on_the_synthetic_demo_registry(cast, tmp_path):
    from datetime import date

    from tepat.demo.generate import generate
    from tepat.engine.rules import EXAMPLES, evaluate
    from tepat.programs.frames import WHOLE_REGISTRY, registry_frames
    from tepat.registry.actions import create_batch, do_import

    result = generate(400, "p3ke-individu", tmp_path / "demo.xlsx", seed=7, error_rate=0)
    do_import(create_batch(result.path, acting_user=cast["analyst"]), acting_user=cast["analyst"])
    families, members = registry_frames(WHOLE_REGISTRY)
    selected = {
        code: int(evaluate(text, families, members, date(2026, 6, 1))["eligible"].sum())
        for code, text in EXAMPLES.items()
    }
    assert [code for code, n in selected.items() if n == 0] == []
