"""Errors as RFC 9457 problem details (`application/problem+json`), with stable codes and both languages.

Body: type, title, status, detail, code, message_id, message_en, and for row checks
`errors: [{row, field, code, message_id, message_en}]`. `type` is `/api/v1/problems/<code>` (docs/api.md
lists every code).
"""

from __future__ import annotations

import json
import re

from django.http import HttpResponse

from tepat.engine.bilingual import Message

PROBLEM_TYPE = "application/problem+json"

# code -> (HTTP status, message). Codes are part of the API contract: never rename one.
PROBLEMS: dict[str, tuple[int, Message]] = {
    "unauthorized": (
        401,
        Message(
            "Token API tidak ada, tidak dikenal, kedaluwarsa atau dicabut",
            "Missing, unknown, expired or revoked API token",
        ),
    ),
    "not_found": (404, Message("Tidak ditemukan", "Not found")),
    "rate_limited": (
        429,
        Message(
            "Terlalu banyak permintaan; coba lagi dalam {seconds} detik",
            "Too many requests; retry in {seconds} seconds",
        ),
    ),
    "invalid_request": (422, Message("Permintaan tidak valid", "Invalid request")),
    "bad_cursor": (400, Message("Kursor halaman tidak valid", "Invalid page cursor")),
    "unknown_field": (400, Message("Kolom tidak dikenal: {names}", "Unknown fields: {names}")),
    "rows_rejected": (
        422,
        Message("{count} baris ditolak; tidak ada yang disimpan", "{count} rows rejected; nothing was saved"),
    ),
    "rule_invalid": (422, Message("Aturan tidak valid", "The rule is invalid")),
    "too_many_rows": (413, Message("Paling banyak {limit} baris per permintaan", "At most {limit} rows per request")),
    "invalid_value": (422, Message("{field}: nilai tidak valid", "{field}: invalid value")),
    "disclosure_refused": (
        409,
        Message(
            "Angka publik ditahan: pemeriksaan kerahasiaan menolak",
            "Public figures withheld: the disclosure audit refused",
        ),
    ),
    "visit_rejected": (422, Message("Kunjungan ditolak", "Visit rejected")),
    "action_refused": (422, Message("{id}", "{en}")),  # an audited action's own bilingual refusal
}


class Problem(Exception):
    """Raise anywhere in an endpoint: the API answers with the problem document."""

    def __init__(self, code: str, *, errors: list[dict] | None = None, headers: dict | None = None, **values):
        super().__init__(code)
        self.code, self.errors, self.headers, self.values = code, errors, headers or {}, values

    def document(self) -> dict:
        status, message = PROBLEMS[self.code]
        filled = message.format(**self.values) if self.values else message
        body = {
            "type": f"/api/v1/problems/{self.code}",
            "title": filled.en,
            "status": status,
            "detail": filled.text(),
            "code": self.code,
            "message_id": filled.id,
            "message_en": filled.en,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def problem_response(problem: Problem) -> HttpResponse:
    document = problem.document()
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), status=document["status"], content_type=PROBLEM_TYPE
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def row_error(row: int | None, field: str, code: str, message: Message) -> dict:
    return {"row": row, "field": field, "code": code, "message_id": message.id, "message_en": message.en}


def split_text(text: str, template: Message) -> Message:
    """A filled '<id> / <en>' text (the import's issue rows) back into its two languages, by matching the
    template, so a ' / ' inside a value cannot mislead. Falls back to the whole text in both."""
    pattern = "".join(
        "(.*?)" if re.fullmatch(r"\{\w+\}", piece) else re.escape(piece)
        for piece in re.split(r"(\{\w+\})", f"{template.id}\x00{template.en}")
    )
    match = re.fullmatch(pattern.replace("\x00", "(?P<sep> / )"), text, flags=re.S)
    if match is None:
        return Message(text, text)
    return Message(text[: match.start("sep")], text[match.end("sep") :])
