"""Load a region master file (csv: code,name,level,parent,bps_code,population[,population_source]).

All or nothing: any invalid row means nothing is written, and every problem is listed by row.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from tepat.regions import pack
from tepat.regions.codes import BPS_LENGTH, PARENT_LEVEL, level_of, parent_code
from tepat.regions.models import Region

NATIONAL = Path(__file__).resolve().parent / "data" / "kemendagri.csv.gz"
COLUMNS = ("code", "name", "level", "parent", "bps_code", "population")


@dataclass
class RegionLoad:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def read_rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.DictReader(
        io.StringIO(text),
        delimiter=";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ",",
    )
    return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]


def validate_row(number: int, row: dict[str, str], known: dict[str, str]) -> list[str]:
    """Problems of one row (row numbers as the spreadsheet shows them: header is row 1)."""
    code, level, parent = row.get("code", ""), row.get("level", ""), row.get("parent", "")
    found = []
    if level_of(code) is None:
        found.append(f"baris {number}: kode '{code}' tidak berformat Kemendagri / code is not in Kemendagri format")
    elif level_of(code) != level:
        found.append(f"baris {number}: kode '{code}' bukan tingkat {level} / code does not match level {level}")
    if not row.get("name"):
        found.append(f"baris {number}: nama kosong / name is empty")
    if level in PARENT_LEVEL:
        if parent != parent_code(code):
            found.append(
                f"baris {number}: induk '{parent}' tidak sesuai kode '{code}' / parent does not match the code"
            )
        elif known.get(parent) != PARENT_LEVEL[level]:
            found.append(
                f"baris {number}: induk '{parent}' tidak ada atau bukan {PARENT_LEVEL[level]} / parent missing or wrong level"
            )
    bps = row.get("bps_code", "")
    if bps and (not bps.isdigit() or len(bps) != BPS_LENGTH.get(level, 0)):
        found.append(
            f"baris {number}: kode BPS '{bps}' harus {BPS_LENGTH.get(level)} digit / BPS code has the wrong length"
        )
    population = row.get("population", "")
    if population and not population.isdigit():
        found.append(f"baris {number}: jumlah penduduk '{population}' bukan bilangan / population is not a number")
    return found


def load_regions(path: Path) -> RegionLoad:
    rows = read_rows(path)
    result = RegionLoad()
    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        result.errors.append(f"kolom wajib tidak ada / required columns missing: {', '.join(missing or COLUMNS)}")
        return result
    known = dict(Region.objects.values_list("code", "level"))
    known.update({r["code"]: r["level"] for r in rows})
    for number, row in enumerate(rows, start=2):
        result.errors.extend(validate_row(number, row, known))
    if not result.errors:
        _write(rows, result)
    return result


@transaction.atomic
def _write(rows: list[dict[str, str]], result: RegionLoad) -> None:
    order = {"provinsi": 0, "kabkota": 1, "kecamatan": 2, "kelurahan": 3}
    for row in sorted(rows, key=lambda r: order[r["level"]]):
        values = {
            "name": row["name"],
            "level": row["level"],
            "parent": Region.objects.get(code=row["parent"]) if row.get("parent") else None,
            "bps_code": row.get("bps_code") or None,
            "population": int(row["population"]) if row.get("population") else None,
            "population_source": row.get("population_source", ""),
        }
        _, created = Region.objects.update_or_create(code=row["code"], defaults=values)
        result.created += created
        result.updated += not created


def national_rows(code: str) -> list[dict[str, str]]:
    """The region `code` (province or kab/kota), its parent province and every region under it, from the
    national Kemendagri list, as rows of the region csv (no BPS code, no population); [] for an unknown code.
    Cost: reads the whole gzip list (~92k rows, a fraction of a second)."""
    wanted = {code, parent_code(code) or code}
    with gzip.open(NATIONAL, "rt", encoding="utf-8", newline="") as handle:
        listed = [(r["code"], r["name"]) for r in csv.DictReader(handle)]
    if code not in {c for c, _ in listed}:
        return []
    return [
        {
            "code": c,
            "name": n,
            "level": level_of(c) or "",
            "parent": parent_code(c) or "",
            "bps_code": "",
            "population": "",
        }
        for c, n in listed
        if c in wanted or c.startswith(code + ".")
    ]


def load_national(code: str) -> RegionLoad:
    """`tepat regions load --code 12.09`: adds the regions of a kab/kota (or province) from the national list.
    Regions already in the master are left as they are (their BPS codes and population are kept).
    Guarantee: all or nothing, like load_regions."""
    result = RegionLoad()
    if level_of(code) not in ("provinsi", "kabkota"):
        result.errors.append(
            f"kode '{code}' harus kode provinsi (12) atau kab/kota (12.09) / "
            f"code must be a province (12) or kab/kota (12.09) code"
        )
        return result
    rows = national_rows(code)
    if not rows:
        result.errors.append(
            f"kode '{code}' tidak ada di daftar Kemendagri / code '{code}' is not in the Kemendagri list"
        )
        return result
    _create_missing(rows, result)
    return result


@transaction.atomic
def _create_missing(rows: list[dict[str, str]], result: RegionLoad) -> None:
    """Level by level, one bulk insert each, parents looked up once per level. Cost: 8 queries."""
    existing = set(Region.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", flat=True))
    result.updated = 0
    for level in ("provinsi", "kabkota", "kecamatan", "kelurahan"):
        new = [r for r in rows if r["level"] == level and r["code"] not in existing]
        parents = dict(Region.objects.filter(code__in={r["parent"] for r in new}).values_list("code", "pk"))
        Region.objects.bulk_create(
            Region(code=r["code"], name=r["name"], level=level, parent_id=parents.get(r["parent"])) for r in new
        )
        result.created += len(new)


def ensure_shipped_regions(code: str | None = None) -> None:
    """On a fresh database, the region master of the installation's region: its pack's regions.csv when the
    pack has one (codes, BPS codes, population), else its part of the national Kemendagri list."""
    if Region.objects.exists():
        return
    code = code or pack.current_code()
    own = pack.own_file("regions.csv", code)
    outcome = load_regions(own) if own else load_national(code)
    if outcome.errors:
        raise RuntimeError("shipped region data is invalid: " + "; ".join(outcome.errors))
