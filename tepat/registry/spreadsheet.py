"""Writing xlsx and csv for people, with formula injection neutralised in every text cell.

Every csv and xlsx Tepat writes for a person goes through `csv_bytes` / `write_xlsx` / `xlsx_bytes` (or, for
rows that are not a frame, `neutralise_text`). A spreadsheet may open a csv with another separator than the
one it was written with (`;` is the default on Indonesian-locale Windows), so a text is not only checked at
its start: any piece that begins after a separator, a quote or a line break is checked too.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl
import xlsxwriter

# Characters that make a spreadsheet read a cell as a formula (and their fullwidth forms, which some
# spreadsheets fold to ASCII), and the characters after which a new cell may begin when the file is opened
# with a separator other than the one it was written with.
FORMULA_START = "=+-@\t\r＝＋－＠"
CELL_BREAK = ",;|\t\r\n\"，；"
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
    flags = frame.select(pl.col(texts).str.contains_any(list(FORMULA_START)).any()).row(0) if texts and frame.height else ()
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
                pl.when(left).then(column.map_elements(neutralise_text, return_dtype=pl.String)).otherwise(column).alias(name)
            )
    return frame


def write_xlsx(target: Path | io.BytesIO, sheets: dict[str, pl.DataFrame]) -> None:
    """One worksheet per frame; all text written as strings (never as formulas or numbers)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
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
