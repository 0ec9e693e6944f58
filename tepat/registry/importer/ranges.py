"""A utf-8 csv body parsed in byte ranges cut at record ends, so that reading it holds one range, not the file.

Polars' streaming reader (`collect_batches`, `sink_batches`) reads ahead as fast as it can parse: with a slower
consumer (the checks) it held ~400 MB of a 200k-family file at once, growing with the file. Here the body is cut
at line ends that are outside quotes (an even number of `"` before them, as RFC 4180 escapes a quote by doubling
it), and each range is parsed on its own with the options of the whole-file scan (read.scan_csv_body).
Guarantee: the same rows and `_row` numbers as scanning the body at once. Cost: one read of the file; memory ~ one
range (RANGE_BYTES) and its parsed frame.
"""

from __future__ import annotations

from collections.abc import Iterator
import numpy as np
import polars as pl

from tepat.registry.importer.read import ROW, CsvBody, non_empty_row, parse_csv_body

RANGE_BYTES = 1 << 24


def frames(body: CsvBody, size: int = RANGE_BYTES) -> Iterator[pl.DataFrame]:
    """The body's rows, raw headers -> text plus `_row`, empty rows left out, one byte range at a time."""
    row = body.first_row
    for chunk in _ranges(body, size):
        frame = parse_csv_body(chunk, list(body.headers), body.delimiter)
        numbered = frame.with_columns(pl.int_range(row, row + frame.height, dtype=pl.Int64).alias(ROW))
        row += frame.height
        yield numbered.filter(non_empty_row(list(body.headers)))


def _ranges(body: CsvBody, size: int) -> Iterator[bytes]:
    """Byte ranges of about `size` bytes, each starting at a record start and ending at a record end."""
    carry = b""  # the start of a record not read to its end yet
    with body.path.open("rb") as handle:
        handle.seek(body.start)
        while block := handle.read(size):
            data = carry + block
            cut = _last_record_end(data)
            carry = data[cut + 1 :]  # cut = -1 (no record ends here: a huge quoted cell): read on
            if cut >= 0:
                yield data[: cut + 1]
    if carry.strip():
        yield carry


def _last_record_end(data: bytes) -> int:
    """The offset of the last newline outside quotes in `data`, which starts at a record start; -1 if none.
    Cost: one rfind for the common file without quotes; else one numpy pass."""
    if b'"' not in data:
        return data.rfind(b"\n")
    array = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(array == 10)
    quotes_before = np.searchsorted(np.flatnonzero(array == 34), newlines)
    outside = newlines[quotes_before % 2 == 0]
    return int(outside[-1]) if outside.size else -1
