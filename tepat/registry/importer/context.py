"""What the checks need from the database: known region prefixes, kelurahan, registered NIKs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl
import stdnum

from tepat.regions.models import Level, Region
from tepat.registry.bulk import fetch, fetch_frame
from tepat.registry.importer.checks import Context
from tepat.registry.importer.profiles import Profile


@cache
def stdnum_prefixes() -> frozenset[str]:
    """The 4-digit province+regency codes python-stdnum knows (its id/loc.dat)."""
    found, province = set(), None
    path = Path(stdnum.__file__).parent / "id" / "loc.dat"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code = line.split()[0]
        if not line.startswith(" "):
            province = code
        elif province:
            found.add(province + code)
    return frozenset(found)


def known_prefixes() -> frozenset[str]:
    loaded = {r.replace(".", "") for r in Region.objects.filter(level=Level.KABKOTA).values_list("code", flat=True)}
    return stdnum_prefixes() | loaded


def kelurahan_frame() -> pl.DataFrame:
    rows = Region.objects.filter(level=Level.KELURAHAN).values_list("code", "bps_code", "id")
    return pl.DataFrame(
        [(code.replace(".", ""), bps or "", pk) for code, bps, pk in rows],
        schema={"digits": pl.String, "bps": pl.String, "region_id": pl.Int64},
        orient="row",
    )


def registry_niks(source: str) -> pl.DataFrame:
    """The source's active NIKs and their family key. Cost: one join query, read batch by batch (4M members:
    ~200 MB as a frame, where a list of Python tuples took about four times that)."""
    return fetch_frame(
        "SELECT m.nik, f.source_key FROM registry_member m JOIN registry_family f ON f.id = m.family_id "
        "WHERE m.source = %s AND m.is_active AND m.nik <> ''",
        [source],
        {"nik": pl.String, "family_key": pl.String},
    )


def registry_family_keys(source: str) -> frozenset[str]:
    return frozenset(k for (k,) in fetch("SELECT source_key FROM registry_family WHERE source = %s", [source]))


def context_for(profile: Profile, frame: pl.DataFrame) -> Context:
    return Context(
        known_prefixes=known_prefixes(),
        kelurahan=kelurahan_frame(),
        registry_niks=registry_niks(profile.source),
        registry_family_keys=registry_family_keys(profile.source) if profile.level == "anggota" else frozenset(),
    )
