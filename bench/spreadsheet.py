"""Cost of the formula neutralisation in downloads (tepat.registry.spreadsheet), against the floor.

    .venv/bin/python bench/spreadsheet.py --rows 200000

A family-list-like frame (25 text columns, a few hostile cells) written as csv three ways: the floor
(polars `write_csv` with every field quoted, no neutralisation), Tepat's `csv_bytes` (quoted and
neutralised after any separator, quote or line break), and, for scale, the same neutralisation done
cell by cell in Python (`neutralise_text`). Prints seconds (best of 3) and the ratio to the floor.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's tepat, not an installed one

from tepat.registry.spreadsheet import csv_bytes, neutralise_text


def frame(rows: int) -> pl.DataFrame:
    rng = np.random.default_rng(1)
    words = np.array(
        [
            "BUDI",
            "SITI",
            "Jl. Merdeka No. 4",
            "Tanah",
            "Sumur Bor",
            "Kepala Keluarga",
            "1274050101800001",
            "127405******0001",
            "Nelayan",
            "Tamat SD",
            "Ya",
            "Tidak",
        ]
    )
    columns = {f"k{i}": words[rng.integers(0, len(words), rows)] for i in range(25)}
    data = pl.DataFrame(columns)
    hostile = pl.Series(["=1+1", "BUDI;=1+1;", "x\n@SUM(A1)", "ok"] * (rows // 4) + ["ok"] * (rows % 4))
    return data.with_columns(hostile.alias("k0"))


def best(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    rows = parser.parse_args().rows
    data = frame(rows)
    floor = best(lambda: data.write_csv(quote_style="always").encode())
    tepat = best(lambda: csv_bytes(data))
    python = best(
        lambda: (
            data.with_columns(pl.col(c).map_elements(neutralise_text, return_dtype=pl.String) for c in data.columns)
            .write_csv(quote_style="always")
            .encode()
        ),
        repeat=1,
    )
    print(f"{rows} rows x {data.width} text columns")
    print(f"floor (quoted write_csv, no neutralisation) {floor:.3f} s")
    print(f"csv_bytes (quoted, neutralised)             {tepat:.3f} s  ratio {tepat / floor:.1f}x")
    print(f"cell by cell in Python                      {python:.3f} s  ratio {python / floor:.1f}x")


if __name__ == "__main__":
    main()
