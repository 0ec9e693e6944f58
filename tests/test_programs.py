"""The program catalogue, versioned rules, and `tepat rules check|count` on the registry."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tepat.accounts.models import AuditEvent
from tepat.cli import main
from tepat.programs.actions import RuleRejected, do_save_rule
from tepat.programs.catalogue import ensure_catalogue
from tepat.programs.models import Program, Strategy
from tests.files import family_rows, write_xlsx


@pytest.fixture
def catalogue(regions):
    from tepat.accounts.actions import ensure_shipped_opds

    ensure_shipped_opds()
    ensure_catalogue(2026)
    return Program.objects.all()


def test_the_catalogue_ships_the_real_programs_of_the_three_strategies(catalogue):
    assert catalogue.count() == 11
    assert {p.strategy for p in catalogue} == set(Strategy.values)
    pkh = catalogue.get(code="pkh")
    assert pkh.opd.code == "dinsos" and pkh.funding == "apbn" and pkh.year == 2026
    assert all(p.current_rule() is not None for p in catalogue)


def test_saving_a_rule_makes_a_new_audited_version(catalogue, cast):
    pkh = catalogue.get(code="pkh")
    version = do_save_rule(pkh, "desil == 1", acting_user=cast["analyst"], reason="fokus miskin ekstrem")
    assert version.version == 2 and pkh.current_rule().text == "desil == 1"
    assert pkh.rules.get(version=1).text != "desil == 1"  # the old version is kept as it was
    event = AuditEvent.objects.filter(action="rule_saved").latest("at")
    assert event.user == cast["analyst"] and event.target == "pkh v2"


def test_an_invalid_rule_is_refused_with_its_position(catalogue, cast):
    with pytest.raises(RuleRejected) as problem:
        do_save_rule(
            catalogue.get(code="pkh"), "desil <= 2 and jenis_lantai == 3", acting_user=cast["analyst"], reason="x"
        )
    assert problem.value.errors[0].code == "type_mismatch" and problem.value.errors[0].column > 15
    assert catalogue.get(code="pkh").rules.count() == 1


@pytest.mark.parametrize(
    "rule, code",
    [("desl <= 2", "unknown_field"), ("desil <= ", "unexpected_end"), ('jenis_lantai == "Tanh"', "unknown_value")],
)
def test_rules_check_exits_2_and_points_at_the_problem(rule, code):
    result = CliRunner().invoke(main, ["rules", "check", rule])
    assert result.exit_code == 2 and f"[{code}]" in result.output and "^" in result.output


def test_rules_check_accepts_a_valid_rule():
    result = CliRunner().invoke(main, ["rules", "check", "desil <= 2 dan ada_anggota(umur >= 7 dan umur <= 18)"])
    assert result.exit_code == 0 and "OK" in result.output


def test_rules_count_reports_families_and_members_by_kecamatan(import_file, tmp_path):
    rows = family_rows("A", base=1, desil="1", sumber_air_minum="Air Hujan") + family_rows(
        "B", base=2, desil="3", size=4
    )
    rows += family_rows("C", base=3, desil="1", kode="1274011001", sumber_air_minum="Sumur Tidak Terlindung")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows))
    result = CliRunner().invoke(
        main, ["rules", "count", "desil <= 2 and air_tidak_layak", "--by", "kecamatan", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["families"], data["members"]) == (2, 6)
    by = {row["kecamatan"]: (row["families"], row["members"]) for row in data["by"]}
    assert by["12.74.05"] == (1, 3) and by["12.74.01"] == (1, 3)


def test_rules_count_warns_when_every_family_is_eligible(import_file, tmp_path):
    import_file(write_xlsx(tmp_path / "a.xlsx", family_rows("A", base=1)))
    result = CliRunner().invoke(main, ["rules", "count", "desil >= 1"])
    assert result.exit_code == 0 and "always_true" in result.output
