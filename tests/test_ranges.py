"""A csv body read in byte ranges (tepat.registry.importer.ranges) gives the rows and `_row` numbers of scanning it
at once, whatever the cells hold (quoted commas, quotes, line breaks inside quotes, blank lines) and wherever the
ranges are cut."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tepat.registry.importer import ranges
from tepat.registry.importer.read import CsvBody, _scan_csv_body

HEADERS = ["a", "b", "c"]
CELL = st.text(alphabet=['"', ",", "\n", " ", "x", "é", "\r"], max_size=6)
ROWS = st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=12)


def body_file(rows: list[list[str]], directory: Path) -> Path:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([HEADERS, *rows])
    path = directory / "body.csv"
    path.write_bytes(text.getvalue().encode("utf-8"))
    return path


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, size=st.integers(min_value=1, max_value=40))
def test_ranges_read_what_the_whole_scan_reads(rows, size):
    with tempfile.TemporaryDirectory() as directory:
        path = body_file(rows, Path(directory))
        start = path.read_bytes().index(b"\n") + 1
        whole = _scan_csv_body(path, 1, HEADERS, ",").collect()
        body = CsvBody(path, start, 2, tuple(HEADERS), ",")
        parts = list(ranges.frames(body, size=size))
        read = pl.concat(parts) if parts else whole.clear()
        assert read.select(whole.columns).to_dicts() == whole.to_dicts()


def test_a_file_cut_off_mid_record_keeps_its_rows_and_the_short_last_one(tmp_path):
    """A partial download ends inside a record: that last, short row reads with empty cells (the checks then name
    it), as the whole scan reads it, instead of the range holding it failing the whole file."""
    path = tmp_path / "cut.csv"
    path.write_bytes(b"a,b,c\r\n1,2,3\r\n4,5,6\r\n7,8")
    whole = _scan_csv_body(path, 1, HEADERS, ",").collect()
    for size in (4, 8, 1 << 20):
        parts = list(ranges.frames(CsvBody(path, 7, 2, tuple(HEADERS), ","), size=size))
        read = pl.concat(parts).select(whole.columns)
        assert read.to_dicts() == whole.to_dicts()
        assert read.rows()[-1] == (4, "7", "8", None)
