"""Writing xlsx and csv for people, with formula injection neutralised in every text cell.

Every csv and xlsx Tepat writes for a person goes through `csv_bytes` / `write_xlsx` / `xlsx_bytes` (or, for
rows that are not a frame, `neutralise_text`). A spreadsheet may open a csv with another separator than the
one it was written with (`;` is the default on Indonesian-locale Windows), so a text is not only checked at
its start: any piece that begins after a separator, a quote or a line break is checked too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl
import xlsxwriter

# Characters that make a spreadsheet read a cell as a formula (and their fullwidth forms, which some
# spreadsheets fold to ASCII), and the characters after which a new cell may begin when the file is opened
# with a separator other than the one it was written with.
FORMULA_START = "=+-@\t\r＝＋－＠"
CELL_BREAK = ',;|\t\r\n"，；'
BLANK = " \u00a0\u3000"


def _char_class(chars: str) -> str:
    """A regex character class body for `chars`, valid for Python's re and Rust's regex (polars)."""
    named = {"\t": r"\t", "\r": r"\r", "\n": r"\n"}
    return "".join(named.get(c) or re.escape(c) for c in chars)


# A formula character at the start of the text or of a piece (blanks before it allowed): quote it with "'".
# Rust's regex (polars) has no look-behind, so the break is captured and written back, and `neutralise`
# repeats the replacement (a formula character that is itself a break, like a tab, can start the next piece).
RISKY = f"(^|[{_char_class(CELL_BREAK)}])([{BLANK}]*)([{_char_class(FORMULA_START)}])"
_RISKY = re.compile(f"(?:(?<=[{_char_class(CELL_BREAK)}])|^)([{BLANK}]*)(?=[{_char_class(FORMULA_START)}])")


def neutralise_text(value: str) -> str:
    """'=1+1' -> "'=1+1"; 'BUDI;=1+1;' -> "BUDI;'=1+1;": every piece that could start a formula gets a quote.

    Guarantee: after splitting the result on any of CELL_BREAK, no piece starts (after blanks) with a
    FORMULA_START character. Cost: one regex pass.
    """
    return _RISKY.sub(r"\1'", value)


def _neutral_column(name: str) -> pl.Expr:
    column = pl.col(name)
    # A piece can begin with a formula character that is itself a break (a tab); after one pass such a piece's
    # successor may still be risky, so apply a few passes (the property test checks the fixpoint).
    for _ in range(3):
        column = column.str.replace_all(RISKY, "${1}${2}'${3}")
    return column.alias(name)


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text cell (and column name) neutralised with `neutralise_text`; numbers, dates and booleans as they are.

    Cost: one parallel scan of the text columns for a formula character, then a few vectorised regex passes
    over the columns that hold one (bench/spreadsheet.py: about 2.5x a plain quoted `write_csv`).
    """
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    # Prefilter in one parallel pass: only columns holding a formula character anywhere can need a quote.
    flags = (
        frame.select(pl.col(texts).str.contains_any(list(FORMULA_START)).any()).row(0) if texts and frame.height else ()
    )
    risky = [name for name, flagged in zip(texts, flags) if flagged]
    frame = frame.with_columns(_neutral_column(n) for n in risky) if risky else frame
    frame = _fixpoint(frame, risky)
    return frame.rename({name: neutralise_text(name) for name in frame.columns if neutralise_text(name) != name})


def _fixpoint(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The rare cells that still hold a risky piece after the vectorised passes (runs of tabs): done in Python."""
    for name in columns:
        column = frame.get_column(name)
        left = column.str.replace_all(RISKY, "${1}${2}'${3}") != column
        if left.any():
            frame = frame.with_columns(
                pl.when(left)
                .then(column.map_elements(neutralise_text, return_dtype=pl.String))
                .otherwise(column)
                .alias(name)
            )
    return frame


def write_xlsx(target: Path | io.BytesIO, sheets: dict[str, pl.DataFrame]) -> None:
    """One worksheet per frame; all text written as strings (never as formulas or numbers)."""
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    bold = workbook.add_format({"bold": True})
    for name, frame in sheets.items():
        frame = neutralise(frame)
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, frame.columns, bold)
        for index, row in enumerate(frame.iter_rows(), start=1):
            sheet.write_row(index, 0, ["" if value is None else value for value in row])
    workbook.close()


def xlsx_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel opens it with the right characters; every field in double quotes."""
    return b"\xef\xbb\xbf" + neutralise(frame).write_csv(quote_style="always").encode("utf-8")


# ---------------------------------------------------------------- a vectorised xlsx writer for large tables
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_CONTROL = r"[\x00-\x08\x0B\x0C\x0D\x0E-\x1F\uFFFE\uFFFF]"  # \r too: XML would read it back as \n


def column_letters(index: int) -> str:
    """0 -> 'A', 26 -> 'AA' (spreadsheet column names; the importer names cells with them too)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_CONTROL_CHARS = [chr(c) for c in (*range(0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20))]


def _escaped(text: pl.Expr, controls: list[str]) -> pl.Expr:
    """XML text; control characters written as Excel's _xHHHH_ (as xlsxwriter does), the
    non-characters U+FFFE/U+FFFF dropped."""
    text = (
        text.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )
    for char in controls:
        text = text.str.replace_all(char, f"_x{ord(char):04X}_", literal=True)
    return text.str.replace_all("[\ufffe\uffff]", "")


def _cell(name: str, dtype: pl.DataType, letters: str, controls: list[str] = ()) -> pl.Expr:
    """One column's cells as XML text (nothing for a null or empty text, like the reference writer),
    row numbers from the `__row` column."""
    ref = pl.lit(f'<c r="{letters}') + pl.col("__row").cast(pl.String)
    value = pl.col(name)
    if dtype.is_numeric():
        finite = value.is_not_null() & (value.is_finite() if dtype.is_float() else pl.lit(True))
        xml = ref + pl.lit('"><v>') + value.cast(pl.String) + pl.lit("</v></c>")
        return pl.when(finite).then(xml).otherwise(pl.lit(""))
    if dtype == pl.Boolean:
        return (
            pl.when(value.is_not_null())
            .then(ref + pl.lit('" t="b"><v>') + value.cast(pl.Int8).cast(pl.String) + pl.lit("</v></c>"))
            .otherwise(pl.lit(""))
        )
    text = _escaped(value.cast(pl.String), list(controls))
    xml = ref + pl.lit('" t="inlineStr"><is><t xml:space="preserve">') + text + pl.lit("</t></is></c>")
    return pl.when(value.is_not_null() & (value.cast(pl.String) != "")).then(xml).otherwise(pl.lit(""))


def _header_xml(columns: list[str]) -> str:
    letters = [column_letters(i) for i in range(len(columns))]
    header = "".join(
        f'<c r="{c}1" s="1" t="inlineStr"><is><t xml:space="preserve">{_escape_text(n)}</t></is></c>'
        for c, n in zip(letters, columns)
    )
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{header}</row>'


def _rows_xml(frame: pl.DataFrame, first_row: int) -> str:
    """The rows of one (neutralised) batch, numbered from `first_row`, built column-wise by polars."""
    if not (frame.height and frame.width):
        return ""
    letters = [column_letters(i) for i in range(frame.width)]
    numbered = frame.with_columns(pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias("__row"))
    cells = [
        _cell(name, dtype, c, _controls_in(frame, name)) for (name, dtype), c in zip(frame.schema.items(), letters)
    ]
    rows = numbered.select(
        (
            pl.lit('<row r="')
            + pl.col("__row").cast(pl.String)
            + pl.lit('">')
            + pl.concat_str(cells)
            + pl.lit("</row>")
        ).alias("xml")
    )
    return "".join(rows["xml"].to_list())


def _sheet_parts(batches: Iterable[pl.DataFrame]) -> Iterator[str]:
    """A worksheet with a bold header row (the first batch's columns), then each batch's rows: one batch's
    XML in memory at a time. Guarantee: at least the header, even with no row."""
    next_row, started = 2, False
    for frame in batches:
        frame = neutralise(frame)
        if not started:
            yield _header_xml(frame.columns)
            started = True
        yield _rows_xml(frame, next_row)
        next_row += frame.height
    if not started:
        yield _header_xml([])
    yield "</sheetData></worksheet>"


def _controls_in(frame: pl.DataFrame, name: str) -> list[str]:
    """The control characters that occur in a text column (usually none: no extra pass)."""
    if frame.schema[name] != pl.String or not frame[name].str.contains(_CONTROL).any():
        return []
    return [c for c in _CONTROL_CHARS if frame[name].str.contains(c, literal=True).any()]


def _escape_text(text: str) -> str:
    import re

    return re.sub(_CONTROL, "", str(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xlsx_bytes_fast(sheets: dict[str, pl.DataFrame]) -> bytes:
    """The same workbook as `xlsx_bytes` (text as text, formula-like text neutralised, bold header) for
    large tables, about ten times faster: each sheet's XML is built by polars column by column.
    Differences: no column widths; dates and times are written as text. Cost: one pass per sheet."""
    buffer = io.BytesIO()
    write_xlsx_batches(buffer, {name: [frame] for name, frame in sheets.items()})
    return buffer.getvalue()


def write_xlsx_batches(target: BinaryIO | io.BytesIO, sheets: dict[str, Iterable[pl.DataFrame]]) -> int:
    """`xlsx_bytes_fast` streamed: each sheet's batches (frames with the same columns) are turned into XML and
    compressed one at a time, so memory holds one batch, not the table. Returns the number of data rows.

    Cost: about the csv's time (bench/export.py). Guarantee: the same cells as `xlsx_bytes_fast` of the
    concatenated batches."""
    import zipfile

    names = [_escape_text(name[:31]).replace('"', "&quot;") for name in sheets]
    rows = [0]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        _book_parts(book, names)
        for i, batches in enumerate(sheets.values(), start=1):
            with book.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                for text in _sheet_parts(_counted(batches, rows)):
                    part.write(text.encode("utf-8"))
    return rows[0]


def _counted(batches: Iterable[pl.DataFrame], total: list[int]) -> Iterator[pl.DataFrame]:
    for frame in batches:
        total[0] += frame.height
        yield frame


def _book_parts(book, names: list[str]) -> None:
    """The workbook's fixed parts: content types, relations, the sheet list and the two styles."""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
        + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1))
        + "</sheets></workbook>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>'
    )
    book.writestr(
        "[Content_Types].xml",
        _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=i) for i in range(1, len(names) + 1))),
    )
    book.writestr("_rels/.rels", _ROOT_RELS)
    book.writestr("xl/workbook.xml", workbook)
    book.writestr("xl/_rels/workbook.xml.rels", rels)
    book.writestr("xl/styles.xml", _STYLES)


def write_csv_batches(target: BinaryIO | io.BytesIO, batches: Iterable[pl.DataFrame]) -> int:
    """`csv_bytes` streamed: the header of the first batch, then every batch's rows, one batch in memory
    at a time. Returns the number of data rows. Guarantee: the same bytes as `csv_bytes` of the concatenation."""
    target.write(b"\xef\xbb\xbf")
    rows, header = 0, True
    for frame in batches:
        target.write(neutralise(frame).write_csv(quote_style="always", include_header=header).encode("utf-8"))
        rows, header = rows + frame.height, False
    return rows
