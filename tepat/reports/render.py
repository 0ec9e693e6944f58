"""The two ways Tepat writes documents: HTML templates to PDF (WeasyPrint) and python-docx documents.

PDF templates live in `tepat/templates/reports/` and extend `reports/base.html` (A4, Indonesian
typography). DOCX documents are built with `DocxBuilder`, so every Word file has the same styles.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string


def indonesian(function):
    """Run `function` with Indonesian active: official documents (berita acara, notulen, undangan) are Indonesian
    whatever language the user reads Tepat in. A fresh override per call, so concurrent requests do not share it."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        from django.utils import translation

        with translation.override("id"):
            return function(*args, **kwargs)

    return wrapper


def pdf_bytes(template: str, context: dict) -> bytes:
    """Render a Django template to a PDF (charts are embedded as inline SVG or data: URIs)."""
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url=None).write_pdf()


# --- DOCX column widths -------------------------------------------------------------------------------------
# Word and LibreOffice lay a table out from the widths written in the file; python-docx writes equal columns,
# so on a portrait page a short name or code is split inside the word ("SISWAN TO"). Widths are fitted to the
# text instead, measured with Arial's advance widths (LibreOffice uses the metric-compatible Liberation Sans).

PAGE_WIDTH_CM, PAGE_HEIGHT_CM, MARGIN_CM = 21.0, 29.7, 2.0  # A4 portrait
TEXT_WIDTH_CM = PAGE_WIDTH_CM - 2 * MARGIN_CM
CELL_PADDING_CM = 0.45  # the default left and right cell margins (0.19 cm each) and a little slack
NARROW_PADDING_CM = 0.2  # cell margins of 0.05 cm each, for tables of many columns
BODY_PT, SMALLEST_PT = 10.5, 7.0
# Arial advance widths in thousandths of an em, by character (anything else: 610, generous).
_NARROW = (
    dict.fromkeys("ijl.,:;'|!I", 278) | dict.fromkeys("ft/ ", 278) | {"r": 333, "-": 333, "(": 333, ")": 333, "*": 389}
)
_WIDE = dict.fromkeys("mM", 833) | {"w": 722, "W": 944, "@": 1015, "%": 889}
_UPPER, _LOWER, _DIGIT = 722, 556, 556


def text_width_cm(text: str, size_pt: float, bold: bool = False) -> float:
    """The printed width of `text` in Arial at `size_pt` (bold about 8 % wider). Cost: one pass over the text."""
    units = 0
    for char in text:
        units += (
            _NARROW.get(char)
            or _WIDE.get(char)
            or (_UPPER if char.isupper() else _LOWER if char.islower() else _DIGIT if char.isdigit() else 610)
        )
    return units / 1000 * size_pt * (1.08 if bold else 1.0) * 2.54 / 72


def _column_texts(header: Sequence[str], rows: list[Sequence[object]]) -> list[list[tuple[str, bool]]]:
    columns: list[list[tuple[str, bool]]] = [[(str(h), True)] for h in header]
    for row in rows:
        for index, value in enumerate(row[: len(header)]):
            columns[index].append(("" if value is None else str(value), False))
    return columns


def _needs(column: list[tuple[str, bool]], size_pt: float, padding_cm: float = CELL_PADDING_CM) -> tuple[float, float]:
    """(longest word, longest line) of a column in cm at this size, padding included."""
    words = [text_width_cm(w, size_pt, bold) for text, bold in column for w in text.split()] or [0.0]
    lines = [text_width_cm(line, size_pt, bold) for text, bold in column for line in text.splitlines()] or [0.0]
    return max(words) + padding_cm, max(lines) + padding_cm


@dataclass
class Fit:
    widths: list[float]  # cm, summing to the width given
    size: float  # font size (pt)
    fits: bool  # every column holds its longest word


def fit_widths(
    header: Sequence[str],
    rows: list[Sequence[object]],
    available_cm: float = TEXT_WIDTH_CM,
    size_pt: float = BODY_PT,
    padding_cm: float = CELL_PADDING_CM,
) -> Fit:
    """Column widths and the font size for a table.

    Guarantee: every column is at least as wide as its longest word, so no word is split, whenever that fits at
    7 pt or more (the size shrinks in half points until it does; `fits` is False otherwise); the width left
    over goes to the columns with the most text. Cost: one pass over the cells per size tried.
    """
    columns = _column_texts(header, rows)
    size = size_pt
    while True:
        needs = [_needs(c, size, padding_cm) for c in columns]
        floor = sum(word for word, _ in needs)
        if floor <= available_cm or size <= SMALLEST_PT:
            break
        size -= 0.5
    words, lines = [w for w, _ in needs], [max(w, line) for w, line in needs]
    if sum(lines) <= available_cm:  # everything on one line: share the rest in proportion
        return Fit([line * available_cm / sum(lines) for line in lines], size, True)
    if floor >= available_cm:  # cannot be helped: scale the words' widths down
        return Fit([w * available_cm / floor for w in words], size, floor <= available_cm)
    spare, wants = available_cm - floor, [line - w for w, line in zip(words, lines)]
    return Fit([w + spare * want / sum(wants) for w, want in zip(words, wants)], size, True)


def table_layout(header: Sequence[str], rows: list[Sequence[object]]) -> tuple[Fit, float, bool]:
    """(fit, cell padding, landscape): the first of portrait, portrait with narrow cell margins, landscape with
    narrow margins where every word fits (a table of many columns, e.g. progress per kelurahan, goes landscape)."""
    landscape_width = PAGE_HEIGHT_CM - 2 * MARGIN_CM
    for width, padding, landscape in (
        (TEXT_WIDTH_CM, CELL_PADDING_CM, False),
        (TEXT_WIDTH_CM, NARROW_PADDING_CM, False),
        (landscape_width, NARROW_PADDING_CM, True),
    ):
        fit = fit_widths(header, rows, width, padding_cm=padding)
        if fit.fits:
            return fit, padding, landscape
    return fit, padding, landscape


class DocxBuilder:
    """A thin layer over python-docx: headings, paragraphs, tables from rows, pictures, signature blocks."""

    def __init__(self, title: str | None = None):
        from docx import Document
        from docx.shared import Cm, Pt

        self.document = Document()
        style = self.document.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(BODY_PT)
        for section in self.document.sections:  # python-docx's template is US Letter: Tepat prints on A4 portrait
            section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
            section.left_margin = section.right_margin = Cm(MARGIN_CM)
            section.top_margin = section.bottom_margin = Cm(MARGIN_CM)
        if title:
            self.document.core_properties.title = title

    def heading(self, text: str, level: int = 1) -> DocxBuilder:
        self.document.add_heading(text, level=level)
        return self

    def paragraph(self, text: str = "", bold: bool = False) -> DocxBuilder:
        run = self.document.add_paragraph().add_run(text)
        run.bold = bold
        return self

    def table(self, header: Sequence[str], rows: Iterable[Sequence[object]]) -> DocxBuilder:
        """A grid table whose column widths and font size fit its text (`fit_widths`) on the A4 text width."""
        rows = list(rows)
        fit, padding, landscape = table_layout(header, rows)
        if landscape:
            self._orientation(landscape=True)
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
        _fix_widths(table, fit.widths, fit.size, padding)
        if landscape:
            self._orientation(landscape=False)
        return self

    def _orientation(self, landscape: bool) -> None:
        """Start a new section (new page) in landscape or back in portrait A4."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Cm

        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long, short = Cm(PAGE_HEIGHT_CM), Cm(PAGE_WIDTH_CM)
        section.page_width, section.page_height = (long, short) if landscape else (short, long)

    def picture(self, png: bytes, width_cm: float = 16) -> DocxBuilder:
        from docx.shared import Cm

        self.document.add_picture(io.BytesIO(png), width=Cm(width_cm))
        return self

    def signatures(self, places: Sequence[tuple[str, str]]) -> DocxBuilder:
        """A row of signature boxes: (role, name) pairs, with room to sign; equal columns, each line of a box
        kept on one line (the font shrinks if a name is longer than its column)."""
        texts = [f"{role}\n\n\n\n( {name} )" for role, name in places]
        width = TEXT_WIDTH_CM / len(places)
        size = BODY_PT
        while size > SMALLEST_PT and max(_needs([(t, False)], size)[1] for t in texts) > width:
            size -= 0.5
        table = self.document.add_table(rows=1, cols=len(places))
        for cell, text in zip(table.rows[0].cells, texts):
            cell.text = text
        _fix_widths(table, [width] * len(places), size)
        return self

    def signature_block(self, lines: Sequence[str], share: float = 0.5) -> DocxBuilder:
        """A letter's signature on the right part of the page (`share` of the text width, widened to its longest
        line), each line on one line: jabatan, room to sign, name, NIP."""
        needed = max([_needs([(line, False)], BODY_PT)[1] for line in lines] + [TEXT_WIDTH_CM * share])
        right = min(needed, TEXT_WIDTH_CM)
        table = self.document.add_table(rows=1, cols=2)
        table.rows[0].cells[1].text = "\n".join(lines)
        _fix_widths(table, [TEXT_WIDTH_CM - right, right], BODY_PT)
        return self

    def rule(self) -> DocxBuilder:
        """A full-width line under a letterhead: a paragraph border, which cannot wrap like a row of underscores."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = self.document.add_paragraph()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().append(borders)
        return self

    def page_break(self) -> DocxBuilder:
        self.document.add_page_break()
        return self

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _fix_widths(table, widths_cm: list[float], size_pt: float, padding_cm: float = CELL_PADDING_CM) -> None:
    """Write the widths where both Word (cell widths, fixed layout) and LibreOffice (the grid) read them; narrow
    cell margins when the widths were fitted with them."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    if padding_cm < CELL_PADDING_CM:
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:w"), str(round((padding_cm - 0.1) / 2 / 2.54 * 1440)))
            edge.set(qn("w:type"), "dxa")
            margins.append(edge)
        table._tbl.tblPr.append(margins)
    for column, width in zip(table.columns, widths_cm):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size_pt)
