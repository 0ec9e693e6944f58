"""The documents Tepat assembles from its sections: the rakor briefing pack, the LP2KD and the periodic
report on extreme-poverty acceleration. Each is a title, a list of section keys and the formats it
comes in; `build(kind, fmt, ...)` returns the file's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from django.conf import settings

from tepat.regions.models import Region
from tepat.registry.spreadsheet import xlsx_bytes
from tepat.reports.models import ReportKind, ReportText, WrittenSection
from tepat.reports.periods import Period
from tepat.reports.render import DocxBuilder, pdf_bytes
from tepat.reports.sections import SECTIONS, ReportContext


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[str, ...]
    formats: tuple[str, ...]
    text_kind: str | None = None  # whose written sections (ReportText.kind) it prints


DOCUMENTS: dict[str, Document] = {
    "briefing": Document(
        "Bahan Rapat Koordinasi TKPKD",
        ("headline", "trend", "pockets", "verivali", "extreme", "programs", "actions"),
        ("pdf", "xlsx"),
    ),
    "lp2kd": Document(
        "Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah (LP2KD)",
        ("headline", "trend", "pockets", "extreme", "programs", "verivali", "rakor", "permasalahan", "rekomendasi"),
        ("pdf", "docx", "xlsx"),
        ReportKind.LP2KD,
    ),
    "periodik": Document(
        "Laporan Percepatan Penghapusan Kemiskinan Ekstrem",
        ("headline", "extreme", "programs", "verivali", "permasalahan", "rekomendasi"),
        ("pdf", "docx", "xlsx"),
        ReportKind.PERIODIC,
    ),
}


def written_texts(kind: str | None, period_code: str) -> dict[str, str]:
    """The latest text of each written section for this report and period."""
    if kind is None:
        return {}
    texts = {}
    for row in ReportText.objects.filter(kind=kind, period=period_code).order_by("written_at", "id"):
        texts[row.section] = row.text
    return {section: texts.get(section, "") for section in WrittenSection.values}


def collect(kind: str, period: Period, period_code: str, user) -> list[dict]:
    """Each section's title and data, in order. Cost: the sections' queries, each run once."""
    document = DOCUMENTS[kind]
    context = ReportContext(
        user=user or city_reader(), period=period, texts=written_texts(document.text_kind, period_code)
    )
    parts = []
    for key in document.sections:
        section = SECTIONS[key]
        data = section.collect(context)
        parts.append(
            {
                "key": key,
                "title": section.title,
                "template": section.template,
                "data": data,
                "lines": section.lines(data),
            }
        )
    return parts


def build(kind: str, fmt: str, period: Period, period_code: str, user) -> bytes:
    document = DOCUMENTS[kind]
    if fmt not in document.formats:
        raise ValueError(f"{kind} comes as {', '.join(document.formats)}, not {fmt}")
    parts = collect(kind, period, period_code, user)
    heading = {"title": document.title, "period": period, "region": served_region_name(), "generated": date.today()}
    return WRITERS[fmt](heading, parts)


def city_reader():
    """The view a report takes when no user is named (the CLI on the server): the analyst's, city-wide.
    Not saved; audit rows of such runs have no user."""
    from tepat.accounts.models import User
    from tepat.accounts.roles import Role

    return User(username="tepat-cli", role=Role.ANALYST)


def served_region_name() -> str:
    region = Region.objects.filter(code=settings.TEPAT_REGION_CODE).first()
    return region.name if region else settings.TEPAT_REGION_CODE


def _docx(heading: dict, parts: list[dict]) -> bytes:
    doc = DocxBuilder(title=heading["title"])
    doc.heading(heading["title"], level=0)
    doc.paragraph(f"{heading['region']} · {heading['period'].label} · dasar: {heading['period'].basis}")
    doc.paragraph(f"Disusun oleh Tepat dari data per {heading['generated']:%d-%m-%Y}. Bagian naratif dapat disunting.")
    for number, part in enumerate(parts, start=1):
        doc.heading(f"{number}. {part['title']}", level=1)
        SECTIONS[part["key"]].docx(doc, part["data"])
    return doc.bytes()


def _xlsx(heading: dict, parts: list[dict]) -> bytes:
    """Every table of the document as a worksheet, raw numbers (formula-leading text neutralised)."""
    sheets = {}
    for number, part in enumerate(parts, start=1):
        for table in SECTIONS[part["key"]].tables(part["data"]):
            sheets[f"{number} {table.name}"[:31]] = _frame(table)
    return xlsx_bytes(sheets)


def _frame(table) -> pl.DataFrame:
    if not table.rows:
        return pl.DataFrame(schema={c.label: pl.String for c in table.columns})
    return pl.DataFrame(
        [{c.label: _raw(row.get(c.key)) for c in table.columns} for row in table.rows], infer_schema_length=None
    )


def _raw(value):
    return float(value) if isinstance(value, Decimal) else value


WRITERS = {
    "pdf": lambda heading, parts: pdf_bytes("reports/document.html", {**heading, "parts": parts}),
    "docx": _docx,
    "xlsx": _xlsx,
}
