"""No csv or xlsx Tepat writes holds a live formula, whichever separator a spreadsheet opens it with."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tepat.registry.spreadsheet import BLANK, CELL_BREAK, FORMULA_START, csv_bytes, neutralise_text, xlsx_bytes

HOSTILE = st.text(alphabet=st.sampled_from(list(FORMULA_START + CELL_BREAK + BLANK + "'ab1(")), max_size=24)
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def live(cell: str | None) -> bool:
    """A cell a spreadsheet would read as a formula: after blanks (and a stray quote), a formula character."""
    text = (cell or "").lstrip(BLANK + '"')
    return bool(text) and text[0] in FORMULA_START and not NUMBER.match(text.rstrip(BLANK + '"'))


def python_cells(text: str, separator: str, quoting: int) -> list[str]:
    return [
        cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator, quoting=quoting) for cell in row
    ]


def polars_cells(body: bytes, separator: str, quote: str | None) -> list[str]:
    frame = pl.read_csv(
        io.BytesIO(body),
        separator=separator,
        quote_char=quote,
        has_header=False,
        encoding="utf8",
        schema={f"c{i}": pl.String for i in range(200)},
        missing_columns="insert",
    )
    return [cell for row in frame.rows() for cell in row if cell is not None]


def every_reading(body: bytes) -> list[str]:
    """The cells of a csv as Python's csv module and polars read it with `,` and `;`, quotes honoured or not,
    and every piece of the raw text split at any separator, quote or line break (the widest reading)."""
    text = body.decode("utf-8-sig")
    cells = re.split("[" + re.escape(CELL_BREAK) + "]", text)
    for separator in ",;":
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
            cells += python_cells(text, separator, quoting)
        for quote in ('"', None):
            cells += polars_cells(text.encode("utf-8"), separator, quote)
    return cells


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(HOSTILE, HOSTILE, st.integers(-1000, 1000)), min_size=1, max_size=6))
def test_no_generated_hostile_text_becomes_a_formula_in_csv(rows):
    frame = pl.DataFrame(rows, schema={"nama": pl.String, "alamat": pl.String, "angka": pl.Int64}, orient="row")
    body = csv_bytes(frame)
    assert [c for c in every_reading(body) if live(c)] == []
    # Read back with the separator it was written with, the text is the original with quotes added, no more.
    back = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert [row[0].replace("'", "") for row in back[1:]] == [name.replace("'", "") for name, _, _ in rows]


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_the_python_and_polars_neutralisers_agree(text):
    frame = pl.DataFrame({"x": [text]})
    assert (
        csv_bytes(frame) == b"\xef\xbb\xbf" + f'"x"\n"{neutralise_text(text).replace(chr(34), chr(34) * 2)}"\n'.encode()
    )


def test_every_field_is_quoted():
    body = csv_bytes(pl.DataFrame({"a": ["x", None], "b": [1, 2]})).decode("utf-8-sig")
    assert body == '"a","b"\n"x","1"\n"","2"\n'


@settings(max_examples=60, deadline=None)
@given(st.lists(HOSTILE, min_size=1, max_size=5))
def test_no_hostile_text_is_a_formula_in_xlsx_nor_after_saving_it_as_csv(texts):
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"S": pl.DataFrame({"t": texts})})))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    pieces = [p for cell in cells for p in re.split("[" + re.escape(CELL_BREAK) + "]", str(cell.value or ""))]
    assert [p for p in pieces if live(p)] == []


@pytest.mark.parametrize("separator", [",", ";"])
def test_the_family_download_keeps_a_name_with_a_formula_after_a_separator_dead(
    separator, client, cast, import_file, tmp_path
):
    from tests.files import family_rows, write_xlsx

    rows = family_rows("JOHOR", base=1)
    rows[0] = {**rows[0], "nama": "BUDI;=1+1;"}
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    client.force_login(cast["analyst"])
    text = client.get("/keluarga/unduh.csv").content.decode("utf-8-sig")
    assert "BUDI;'=1+1;" in text
    cells = python_cells(text, separator, csv.QUOTE_MINIMAL) + polars_cells(text.encode(), separator, '"')
    assert any("BUDI" in c for c in cells) and [c for c in cells if live(c)] == []
