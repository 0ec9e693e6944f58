"""Writing xlsx and csv for people, with formula injection neutralised in every text cell."""
from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import xlsxwriter

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with a quote ('=1+1 -> '=1+1)."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    risky = "^[" + "".join("\\" + c if c in "+-" else c for c in "=+-@") + "\t\r]"
    return frame.with_columns(
        pl.when(pl.col(n).str.contains(risky)).then(pl.lit("'") + pl.col(n)).otherwise(pl.col(n)).alias(n) for n in texts
    )


def write_xlsx(target: Path | io.BytesIO, sheets: dict[str, pl.DataFrame]) -> None:
    """One worksheet per frame; all text written as strings (never as formulas or numbers)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(name[:31])
        sheet.write_row(0, 0, frame.columns, bold)
        for index, row in enumerate(neutralise(frame).iter_rows(), start=1):
            sheet.write_row(index, 0, ["" if value is None else value for value in row])
    workbook.close()


def xlsx_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    return buffer.getvalue()


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM so that Excel opens it with the right characters."""
    return b"\xef\xbb\xbf" + neutralise(frame).write_csv().encode("utf-8")


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
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
              'Target="xl/workbook.xml"/></Relationships>')
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


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_CONTROL_CHARS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20))]


def _escaped(text: pl.Expr, controls: list[str]) -> pl.Expr:
    """XML text; control characters written as Excel's _xHHHH_ (as xlsxwriter does), the
    non-characters U+FFFE/U+FFFF dropped."""
    text = text.str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True).str.replace_all(">", "&gt;", literal=True)
    for char in controls:
        text = text.str.replace_all(char, f"_x{ord(char):04X}_", literal=True)
    return text.str.replace_all("[\uFFFE\uFFFF]", "")


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
        return pl.when(value.is_not_null()).then(ref + pl.lit('" t="b"><v>') + value.cast(pl.Int8).cast(pl.String) + pl.lit("</v></c>")).otherwise(pl.lit(""))
    text = _escaped(value.cast(pl.String), list(controls))
    xml = ref + pl.lit('" t="inlineStr"><is><t xml:space="preserve">') + text + pl.lit("</t></is></c>")
    return pl.when(value.is_not_null() & (value.cast(pl.String) != "")).then(xml).otherwise(pl.lit(""))


def _sheet_xml(frame: pl.DataFrame) -> str:
    """A worksheet with a bold header row: the cells built column-wise by polars, not one Python call per cell."""
    frame = neutralise(frame)
    letters = [_column_letters(i) for i in range(frame.width)]
    header = "".join(f'<c r="{c}1" s="1" t="inlineStr"><is><t xml:space="preserve">{_escape_text(n)}</t></is></c>'
                     for c, n in zip(letters, frame.columns))
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{header}</row>']
    if frame.height and frame.width:
        numbered = frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("__row"))
        cells = [_cell(name, dtype, c, _controls_in(frame, name)) for (name, dtype), c in zip(frame.schema.items(), letters)]
        rows = numbered.select(
            (pl.lit('<row r="') + pl.col("__row").cast(pl.String) + pl.lit('">') + pl.concat_str(cells) + pl.lit("</row>")).alias("xml"))
        parts.append("".join(rows["xml"].to_list()))
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


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
    import zipfile

    names = [_escape_text(name[:31]).replace('"', "&quot;") for name in sheets]
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
                + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1)) + "</sheets></workbook>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(names) + 1))
            + f'<Relationship Id="rId{len(names) + 1}" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=i) for i in range(1, len(names) + 1))))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", rels)
        book.writestr("xl/styles.xml", _STYLES)
        for i, frame in enumerate(sheets.values(), start=1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(frame))
    return buffer.getvalue()
