"""Region master (kecamatan/kelurahan of Kota Tanjungbalai) parsed into lookup tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from .tables import REGIONS_CSV


@dataclass(frozen=True)
class _Regions:
    kel_digits: tuple[str, ...]  # "1274051010"
    kel_name: tuple[str, ...]
    kel_kec: np.ndarray  # kecamatan index of each kelurahan
    kec_name: tuple[str, ...]
    kec_prefix: np.ndarray  # 127405 (NIK / No KK prefix)
    prov_name: str
    kab_name: str
    unknown_kel: str  # a code inside the city's numbering that is not in the master


def load_tanjungbalai_regions(path: Path | str | None = None) -> pl.DataFrame:
    """The region master csv (code, name, level, parent, ...) as all-string columns."""
    return pl.read_csv(Path(path) if path else REGIONS_CSV, infer_schema=False)


def _parse_regions(df: pl.DataFrame) -> _Regions:
    """Kelurahan/kecamatan lookup tables from the master; codes are taken, never counted."""
    kel = df.filter(pl.col("level") == "kelurahan").sort("code")
    kec = df.filter(pl.col("level") == "kecamatan").sort("code")
    kec_codes = kec["code"].to_list()
    if kel.is_empty() or kec.is_empty():
        raise ValueError("region master has no kecamatan/kelurahan rows")
    kab = df.filter(pl.col("code") == kec["parent"][0])
    prov = df.filter(pl.col("code") == (kab["parent"][0] if kab.height else ""))
    return _Regions(
        kel_digits=tuple(c.replace(".", "") for c in kel["code"]),
        kel_name=tuple(n.upper() for n in kel["name"]),
        kel_kec=np.array([kec_codes.index(p) for p in kel["parent"]]),
        kec_name=tuple(n.upper() for n in kec["name"]),
        kec_prefix=np.array([int(c.replace(".", "")) for c in kec_codes], dtype=np.int64),
        prov_name=prov["name"][0].upper() if prov.height else "",
        kab_name=kab["name"][0].upper() if kab.height else "",
        unknown_kel=_unknown_kelurahan(kec_codes, kel["code"].to_list()),
    )


def _unknown_kelurahan(kec_codes: list[str], kel_codes: list[str]) -> str:
    """First gap in a kecamatan's kelurahan numbering (e.g. 1001 when a kecamatan starts at 1003)."""
    known = set(kel_codes)
    for kec in kec_codes:
        suffixes = [int(c.rsplit(".", 1)[1]) for c in kel_codes if c.startswith(kec + ".")]
        for s in range(1001, max(suffixes, default=1000)):
            if f"{kec}.{s}" not in known:
                return f"{kec}.{s}".replace(".", "")
    last = max(int(c.rsplit(".", 1)[1]) for c in kel_codes if c.startswith(kec_codes[0] + "."))
    return f"{kec_codes[0]}.{last + 1}".replace(".", "")
