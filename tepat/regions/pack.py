"""The city pack: everything specific to a place, as data, in `packs/<Kemendagri code>/`.

A pack holds any of: `pack.json` (name and demo settings), `regions.csv` (its region master with BPS
codes and population), `series.json` (official series and targets, with `comparison-regions.csv`),
`surat.json` (letterhead and signer), `programs.json` (local program catalogue), `opd.csv` (agencies).
A file the pack lacks is read from `packs/umum/` (national defaults); a region with no pack at all
gets its regions from the national Kemendagri list (`data/kemendagri.csv.gz`).

The installation's region is `TEPAT_REGION_CODE`; when unset, the code in `packs/default.txt`.
Django-free except `place_names` (reads the region master).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PACKS = Path(__file__).resolve().parent / "packs"
COMMON = PACKS / "umum"


def default_code() -> str:
    """The region of an installation that sets no TEPAT_REGION_CODE."""
    return (PACKS / "default.txt").read_text(encoding="utf-8").strip()


def selected_code() -> str:
    """TEPAT_REGION_CODE from the environment, else the default (what settings.TEPAT_REGION_CODE holds)."""
    return os.getenv("TEPAT_REGION_CODE", "").strip() or default_code()


def current_code() -> str:
    """settings.TEPAT_REGION_CODE when Django is configured (tests override it), else the environment."""
    try:
        from django.conf import settings

        return settings.TEPAT_REGION_CODE
    except Exception:
        return selected_code()


def own_file(name: str, code: str | None = None) -> Path | None:
    """The pack's own file `name` (None when the region has no pack or the pack lacks it)."""
    path = PACKS / (code or current_code()) / name
    return path if path.is_file() else None


def pack_file(name: str, code: str | None = None) -> Path:
    """The pack's file `name`, else the national default in packs/umum/ (FileNotFoundError when neither)."""
    path = own_file(name, code) or COMMON / name
    if not path.is_file():
        raise FileNotFoundError(f"no {name} in the pack of {code or current_code()} nor in {COMMON}")
    return path


def pack_settings(code: str | None = None) -> dict:
    """pack.json of the region ({} when it has none)."""
    path = own_file("pack.json", code)
    return json.loads(path.read_text(encoding="utf-8")) if path else {}


def fill(values: dict, names: dict[str, str]) -> dict:
    """String values with `{wilayah}`-style placeholders filled from `names` (other values unchanged)."""
    return {k: v.format_map(names) if isinstance(v, str) and "{" in v else v for k, v in values.items()}


def place_names(code: str | None = None) -> dict[str, str]:
    """Placeholders of the generic files: wilayah 'Kabupaten Asahan', wilayah_kapital, wilayah_singkat 'Asahan'."""
    from tepat.regions.models import Region

    code = code or current_code()
    name = Region.objects.filter(code=code).values_list("name", flat=True).first() or code
    short = (
        name.split(" ", 1)[1] if name.split(" ", 1)[0] in ("Kabupaten", "Kota", "Provinsi") and " " in name else name
    )
    return {"wilayah": name, "wilayah_kapital": name.upper(), "wilayah_singkat": short}


def read_json(name: str, code: str | None = None) -> dict | list:
    """A pack's json file (or the national default), placeholders filled for objects."""
    values = json.loads(pack_file(name, code).read_text(encoding="utf-8"))
    return fill(values, place_names(code)) if isinstance(values, dict) and own_file(name, code) is None else values
