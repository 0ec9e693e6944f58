"""Build tepat/regions/data/kemendagri.csv.gz from the csv files of the npm package `idn-area-data`.

Usage (the package is fetched with npm's ordinary client, into a temporary folder):

    cd "$(mktemp -d)" && npm pack idn-area-data@4 && tar xzf idn-area-data-*.tgz
    python scripts/build_region_list.py "$PWD/package"

Reads data/provinces.csv, regencies.csv, districts.csv and villages.csv (each `code,...,name`,
dotted Kemendagri codes) and writes one gzip csv `code,name` sorted by code: the level and the
parent follow from the code itself (tepat.regions.codes). Every code is checked against the
Kemendagri format and its parent must be in the list; the build stops at the first bad row.
The output is byte-identical for the same input (gzip mtime 0).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tepat.regions.codes import level_of, parent_code  # noqa: E402

OUT = ROOT / "tepat" / "regions" / "data" / "kemendagri.csv.gz"
FILES = {
    "provinsi": "provinces.csv",
    "kabkota": "regencies.csv",
    "kecamatan": "districts.csv",
    "kelurahan": "villages.csv",
}


def read_level(folder: Path, level: str) -> list[tuple[str, str]]:
    """(code, name) of one level, every code checked against that level's format."""
    rows = []
    with open(folder / "data" / FILES[level], encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            code, name = row["code"].strip(), " ".join(row["name"].split())
            if level_of(code) != level or not name:
                raise SystemExit(f"{FILES[level]} row {number}: '{code}' is not a {level} code or has no name")
            rows.append((code, name))
    return rows


def build(folder: Path) -> list[tuple[str, str]]:
    rows = [row for level in FILES for row in read_level(folder, level)]
    known = {code for code, _ in rows}
    orphans = [code for code, _ in rows if parent_code(code) and parent_code(code) not in known]
    if orphans:
        raise SystemExit(f"{len(orphans)} codes without a parent, e.g. {orphans[:3]}")
    return sorted(rows)


def write(rows: list[tuple[str, str]], out: Path) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name"])
    writer.writerows(rows)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(text.getvalue().encode("utf-8"))


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: build_region_list.py PACKAGE_FOLDER")
    folder = Path(argv[1])
    version = json.loads((folder / "package.json").read_text(encoding="utf-8"))["version"]
    rows = build(folder)
    write(rows, OUT)
    counts = {level: sum(level_of(c) == level for c, _ in rows) for level in FILES}
    print(f"idn-area-data {version}: {counts} -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv)
