"""Stable codes for every problem a rule can have, with messages in Indonesian and English.

The codes are a contract (the CLI, the preview and docs/rules.md use them): never rename one.
An `Issue` carries the code, where it is (0-based offset, 1-based line and column) and both messages.
"""

from __future__ import annotations

from dataclasses import dataclass


from tepat.engine.bilingual import Bilingual, Message


ERRORS: dict[str, Message] = {
    "empty_rule": Message("Aturan kosong", "The rule is empty"),
    "too_long": Message(
        "Aturan terlalu panjang ({length} karakter, maksimum {limit})",
        "The rule is too long ({length} characters, at most {limit})",
    ),
    "too_deep": Message(
        "Aturan bersarang terlalu dalam (maksimum {limit} tingkat)",
        "The rule is nested too deeply (at most {limit} levels)",
    ),
    "invalid_character": Message("Karakter '{char}' tidak dikenal", "Unknown character '{char}'"),
    "single_equals": Message("Gunakan '==' untuk membandingkan, bukan '='", "Use '==' to compare, not '='"),
    "invalid_number": Message(
        "Angka '{text}' tidak valid (pakai titik untuk desimal, mis. 2.5)",
        "Invalid number '{text}' (use a dot for decimals, e.g. 2.5)",
    ),
    "unclosed_string": Message(
        "Teks yang dibuka di sini tidak ditutup dengan {quote}", "Text opened here is not closed with {quote}"
    ),
    "unclosed_paren": Message(
        "Kurung '(' yang dibuka di sini tidak ditutup", "The parenthesis '(' opened here is not closed"
    ),
    "unclosed_list": Message("Daftar '[' yang dibuka di sini tidak ditutup", "The list '[' opened here is not closed"),
    "unexpected_token": Message(
        "{found_id} tidak terduga; diharapkan {expected_id}", "Unexpected {found_en}; expected {expected_en}"
    ),
    "unexpected_end": Message(
        "Aturan berakhir terlalu cepat; diharapkan {expected_id}", "The rule ends too early; expected {expected_en}"
    ),
    "empty_list": Message("Daftar kosong: isi paling sedikit satu nilai", "Empty list: give at least one value"),
    "unknown_function": Message(
        "Fungsi '{name}' tidak dikenal; yang tersedia: {known}", "Unknown function '{name}'; available: {known}"
    ),
    "unknown_field": Message("Kolom '{name}' tidak dikenal", "Unknown field '{name}'"),
    "member_field_outside_aggregate": Message(
        "Kolom anggota '{name}' hanya dapat dipakai di dalam ada_anggota(...), semua_anggota(...) atau jumlah_anggota_yang(...)",
        "Member field '{name}' can only be used inside ada_anggota(...), semua_anggota(...) or jumlah_anggota_yang(...)",
    ),
    "family_field_in_aggregate": Message(
        "Kolom keluarga '{name}' tidak dapat dipakai di dalam {aggregate}(...)",
        "Family field '{name}' cannot be used inside {aggregate}(...)",
    ),
    "nested_aggregate": Message(
        "{inner}(...) tidak dapat dipakai di dalam {outer}(...)", "{inner}(...) cannot be used inside {outer}(...)"
    ),
    "not_a_condition": Message(
        "'{text}' bukan kondisi (benar/salah); bandingkan dengan sebuah nilai, mis. {example}",
        "'{text}' is not a condition (true/false); compare it with a value, e.g. {example}",
    ),
    "type_mismatch": Message(
        "Tidak dapat membandingkan {left} ({left_id}) dengan {right} ({right_id})",
        "Cannot compare {left} ({left_en}) with {right} ({right_en})",
    ),
    "mixed_list": Message("Daftar mencampur jenis nilai ({types_id})", "The list mixes value types ({types_en})"),
    "ordering_on_text": Message(
        "Operator '{op}' hanya untuk angka; {name} berisi {type_id}",
        "Operator '{op}' only applies to numbers; {name} is {type_en}",
    ),
    "unknown_value": Message("Nilai '{value}' tidak dikenal untuk {name}", "Unknown value '{value}' for {name}"),
    "empty_text": Message(
        "Teks kosong tidak dapat dibandingkan: nilai kosong dianggap tidak ada",
        "Empty text cannot be compared: empty values count as missing",
    ),
}

WARNINGS: dict[str, Message] = {
    "constant_condition": Message(
        "Kondisi '{text}' tidak bergantung pada data keluarga", "Condition '{text}' does not depend on the family data"
    ),
    "always_true": Message(
        "Semua {total} keluarga memenuhi aturan ini; periksa apakah aturan memang menyaring",
        "All {total} families meet this rule; check that it filters as intended",
    ),
    "always_false": Message(
        "Tidak ada keluarga yang memenuhi aturan ini (dari {total})", "No family meets this rule (out of {total})"
    ),
}

# Appended to a message when there is something to suggest.
HINTS: dict[str, Message] = {
    "did_you_mean": Message("maksud Anda '{suggestion}'?", "did you mean '{suggestion}'?"),
    "known_values": Message("nilai yang dikenal: {values}", "known values: {values}"),
}

# Bilingual names of value types, for messages.
TYPE_NAMES: dict[str, tuple[str, str]] = {
    "number": ("angka", "number"),
    "text": ("teks", "text"),
    "bool": ("kondisi", "condition"),
}


@dataclass(frozen=True)
class Issue(Bilingual):
    """One problem of a rule. `offset` is 0-based into the rule text; `line` and `column` are 1-based."""

    code: str
    offset: int
    length: int
    line: int
    column: int
    bilingual: Message
    suggestion: str | None = None

    @property
    def message(self) -> str:
        return str(self.bilingual)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "offset": self.offset,
            "length": self.length,
            "line": self.line,
            "column": self.column,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "suggestion": self.suggestion,
        }


class RuleError(Exception):
    """A rule a user wrote cannot be used. `issues` holds every error found (at least one)."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{i.code} at {i.line}:{i.column}: {i.message}" for i in issues))


def make_issue(
    code: str,
    source: str,
    offset: int,
    span: int = 1,
    /,
    *,
    hint: str | None = None,
    suggestion: str | None = None,
    **values: object,
) -> Issue:
    """An error or warning covering `span` characters at `offset` of `source`, with `hint` (a HINTS key) appended."""
    message = ERRORS.get(code) or WARNINGS[code]
    message = message.format(**values)
    if hint:
        extra = HINTS[hint].format(suggestion=suggestion, **values)
        message = Message(f"{message.id}; {extra.id}", f"{message.en}; {extra.en}")
    line, column = position(source, offset)
    return Issue(code, offset, max(span, 1), line, column, message, suggestion)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a 0-based offset."""
    before = text[:offset]
    line = before.count("\n") + 1
    return line, offset - (before.rfind("\n") + 1) + 1
