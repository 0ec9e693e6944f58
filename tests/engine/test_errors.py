"""Every error a user can make in a rule: its code, where it points, and what it suggests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tepat.engine.rules import ERRORS, WARNINGS, RuleError, check, coverage_warning, parse


@dataclass(frozen=True)
class Case:
    text: str
    code: str
    offset: int
    suggestion: str | None = None


CASES = [
    Case("", "empty_rule", 0),
    Case("   \n ", "empty_rule", 5),
    Case("desil <= 2 or " * 800, "too_long", 10_000),
    Case("(" * 60 + "desil <= 2" + ")" * 60, "too_deep", 50),
    Case("desil <= 2 & lantai_tanah", "invalid_character", 11),
    Case("desil = 2", "single_equals", 6),
    Case("desil <= 2,5", "unexpected_token", 10),
    Case("desil <= 1.2.3", "invalid_number", 9),
    Case("desil <= 99999999999999999999", "invalid_number", 9),
    Case('jenis_lantai == "Tanah', "unclosed_string", 16),
    Case("(desil <= 2 and lantai_tanah", "unclosed_paren", 0),
    Case("ada_anggota(umur < 5", "unclosed_paren", 11),
    Case("desil in [1, 2", "unclosed_list", 9),
    Case("desil <= 2 lantai_tanah", "unexpected_token", 11),
    Case("desil <=", "unexpected_end", 8),
    Case("desil in []", "empty_list", 9),
    Case("desil not [1]", "unexpected_token", 10),
    Case("ada_anggta(umur < 5)", "unknown_function", 0, "ada_anggota"),
    Case("ada_anggota", "unexpected_end", 11),
    Case("desl <= 2", "unknown_field", 0, "desil"),
    Case("desil <= 2 and lantai_tana", "unknown_field", 15, "lantai_tanah"),
    Case("Desil <= 2", "unknown_field", 0, "desil"),
    Case("umur >= 60", "member_field_outside_aggregate", 0),
    Case("desil <= 2 and balita", "member_field_outside_aggregate", 15),
    Case("ada_anggota(desil <= 2)", "family_field_in_aggregate", 12),
    Case("ada_anggota(lantai_tanah)", "family_field_in_aggregate", 12),
    Case("ada_anggota(semua_anggota(umur > 1))", "nested_aggregate", 12),
    Case("desil", "not_a_condition", 0),
    Case("desil <= 2 and jumlah_anggota_yang(balita)", "not_a_condition", 15),
    Case("ada_anggota(umur)", "not_a_condition", 12),
    Case('desil == "1"', "type_mismatch", 9),
    Case("jenis_lantai == 3", "type_mismatch", 16),
    Case('desil in [1, 2, "3"]', "mixed_list", 10),
    Case("jenis_lantai in [1, 2]", "type_mismatch", 17),
    Case('jenis_lantai < "Tanah"', "ordering_on_text", 0),
    Case("lantai_tanah > air_tidak_layak", "ordering_on_text", 0),
    Case('jenis_lantai == "Tanh"', "unknown_value", 16, "Tanah"),
    Case('penerima_pkh == "ya"', "unknown_value", 16, "Ya"),
    Case('sumber_air_minum in ["Ledeng/PAM", "sumur bor"]', "unknown_value", 35, "Sumur Bor"),
    Case('jenis_lantai == ""', "empty_text", 16),
    Case('ada_anggota(pekerjaan == "   ")', "empty_text", 25),  # free text: only spaces folds to empty
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.code}:{case.text[:30]}")
def test_it_reports_the_error_with_its_position(case: Case) -> None:
    result = check(case.text)
    assert not result.ok and result.ast is None
    first = result.errors[0]
    assert (first.code, first.offset) == (case.code, case.offset)
    assert first.column == case.offset - case.text.rfind("\n", 0, case.offset)
    assert first.suggestion == case.suggestion
    if case.suggestion:
        assert f"maksud Anda '{case.suggestion}'?" in first.message_id
        assert f"did you mean '{case.suggestion}'?" in first.message_en


def test_every_error_code_has_a_case() -> None:
    assert {case.code for case in CASES} == set(ERRORS)


def test_the_brief_example_message() -> None:
    (error,) = check("desl <= 2").errors
    assert (
        error.message
        == "Kolom 'desl' tidak dikenal; maksud Anda 'desil'? / Unknown field 'desl'; did you mean 'desil'?"
    )


def test_it_counts_lines_and_columns_in_a_multi_line_rule() -> None:
    (error,) = check("desil <= 2\nand   jenis_lantai == 'Tanh'").errors
    assert (error.offset, error.line, error.column) == (33, 2, 23)


def test_it_lists_values_when_nothing_is_close() -> None:
    (error,) = check('ada_anggota(jenis_kelamin == "X")').errors
    assert error.suggestion is None
    assert "nilai yang dikenal: Laki-laki, Perempuan" in error.message_id
    assert "known values: Laki-laki, Perempuan" in error.message_en


def test_it_collects_every_checking_error_at_once() -> None:
    result = check('desl <= 2 and umur > 5 and jenis_lantai == "Tanh" and desil == "x"')
    assert [e.code for e in result.errors] == [
        "unknown_field",
        "member_field_outside_aggregate",
        "unknown_value",
        "type_mismatch",
    ]


def test_parse_raises_rule_error_with_every_issue() -> None:
    with pytest.raises(RuleError) as raised:
        parse("desl <= 2 and umur > 5")
    assert [issue.code for issue in raised.value.issues] == ["unknown_field", "member_field_outside_aggregate"]


def test_messages_are_in_both_languages() -> None:
    for case in CASES:
        error = check(case.text).errors[0]
        assert error.message_id and error.message_en and error.message_id != error.message_en
        assert error.message == f"{error.message_id} / {error.message_en}"


def test_a_constant_condition_is_a_warning_not_an_error() -> None:
    result = check("desil <= 2 and 1 < 2")
    assert result.ok
    assert [(w.code, w.offset) for w in result.warnings] == [("constant_condition", 15)]
    assert "'1 < 2'" in result.warnings[0].message_id


@pytest.mark.parametrize(
    ("eligible", "total", "code"), [(0, 10, "always_false"), (10, 10, "always_true"), (3, 10, None), (0, 0, None)]
)
def test_coverage_warning(eligible: int, total: int, code: str | None) -> None:
    warning = coverage_warning(eligible, total)
    assert (warning.code if warning else None) == code
    if warning:
        assert str(total) in warning.message_id and str(total) in warning.message_en


def test_every_warning_code_is_produced() -> None:
    produced = {"constant_condition", coverage_warning(0, 1).code, coverage_warning(1, 1).code}
    assert produced == set(WARNINGS)


def test_filled_messages_keep_the_users_braces() -> None:
    """A filled-in message is shown as it stands: braces from the user's text are not read as placeholders."""
    from tepat.engine.bilingual import Message
    from tepat.engine.measures import InputError

    assert str(Message("Kolom '{x' kosong", "Column '{x' is empty")) == "Kolom '{x' kosong / Column '{x' is empty"
    assert str(InputError(Message("Nilai '}{'", "Value '}{'"))) == "Nilai '}{' / Value '}{'"
    result = check("desil <= 2 {")
    assert not result.ok and "{" in result.errors[0].message
