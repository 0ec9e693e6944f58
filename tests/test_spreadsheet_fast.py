"""The vectorised xlsx writer reads back as the same table as the reference writer (xlsxwriter),
whatever the text: markup characters, control characters, formula-like text, empties, numbers."""

from __future__ import annotations

import io
import math

import openpyxl
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tepat.registry.spreadsheet import xlsx_bytes, xlsx_bytes_fast

texts = st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
numbers = st.one_of(st.none(), st.integers(-(10**12), 10**12))
floats = st.one_of(st.none(), st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, width=64))


def read_back(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=0)
    return a == b


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, numbers, floats), min_size=0, max_size=15))
def test_it_reads_back_like_the_reference_writer(rows):
    frame = pl.DataFrame(rows, schema={"teks": pl.String, "bulat": pl.Int64, "pecahan": pl.Float64}, orient="row")
    fast, reference = read_back(xlsx_bytes_fast({"Uji": frame})), read_back(xlsx_bytes({"Uji": frame}))
    assert len(fast) == len(reference)
    for mine, theirs in zip(fast, reference):
        assert all(_same(a, b) for a, b in zip(mine, theirs)), (mine, theirs)


def test_formula_like_text_stays_text_and_the_header_is_bold():
    frame = pl.DataFrame({"nama": ['=HYPERLINK("x")', "@SUM(A1)", "biasa"], "aktif": [True, False, None]})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes_fast({"A & B": frame})))
    sheet = book["A & B"]
    assert [c.value for c in sheet["A"]] == ["nama", '\'=HYPERLINK("x")', "'@SUM(A1)", "biasa"]
    assert [c.value for c in sheet["B"]] == ["aktif", True, False, None] and sheet["A1"].font.b
