"""The two ways Tepat writes documents: HTML templates to PDF (WeasyPrint) and python-docx documents.

PDF templates live in `tepat/templates/reports/` and extend `reports/base.html` (A4, Indonesian
typography). DOCX documents are built with `DocxBuilder`, so every Word file has the same styles.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.template.loader import render_to_string


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render a Django template to a PDF (charts are embedded as inline SVG or data: URIs)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=None).write_pdf()


class DocxBuilder:
    """A thin layer over python-docx: headings, paragraphs, tables from rows, pictures, signature blocks."""

    def __init__(self, title: str | None = None):
        from docx import Document
        from docx.shared import Pt

        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(10.5)
        if title:
            self.document.core_properties.title = title

    def heading(self, text: str, level: int = 1) -> "DocxBuilder":
        self.document.add_heading(text, level=level)
        return self

    def paragraph(self, text: str = "", bold: bool = False) -> "DocxBuilder":
        run = self.document.add_paragraph().add_run(text)
        run.bold = bold
        return self

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> "DocxBuilder":
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = "" if value is None else str(value)
        return self

    def picture(self, png: bytes, width_cm: float = 16) -> "DocxBuilder":
        from docx.shared import Cm

        self.document.add_picture(io.BytesIO(png), width=Cm(width_cm))
        return self

    def signatures(self, places: Sequence[tuple[str, str]]) -> "DocxBuilder":
        """A row of signature boxes: (role, name) pairs, with room to sign."""
        table = self.document.add_table(rows=1, cols=len(places))
        for cell, (role, name) in zip(table.rows[0].cells, places):
            cell.text = f"{role}\n\n\n\n( {name} )"
        return self

    def page_break(self) -> "DocxBuilder":
        self.document.add_page_break()
        return self

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
