"""Column-mapping profiles: one JSON file per export format, so a new variant is configuration.

A profile maps each canonical field (P3KE column names in snake_case) to the header spellings seen
in real files. Headers are compared after `normalize_header`, so case, spaces and punctuation drift
(`Kode Kemendagri`, `kode_kemdagri `, `penerima _bpnt`) do not need their own alias.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"


@dataclass(frozen=True)
class DesilSpec:
    column: str
    scale: str
    min: int
    max: int
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    name: str
    source: str
    level: str  # keluarga | individu | anggota
    family_key: str
    required: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    description: str = ""
    desil: DesilSpec | None = None
    region_column: str | None = None
    ignored: tuple[str, ...] = ()
    asset_columns: tuple[str, ...] = ()
    head_from_row: bool = False
    aliases: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def has_members(self) -> bool:
        """Person-level files, and family-level files that carry the head (members are keyed by NIK)."""
        return self.level in ("individu", "anggota") or self.head_from_row

    @property
    def has_families(self) -> bool:
        return self.level in ("keluarga", "individu")

    def header_for(self, canonical: str) -> str:
        """The spelling written in generated files and shown in messages."""
        return self.columns[canonical][0]


def normalize_header(text: object) -> str:
    """'Kode  Kemendagri ' -> 'kode_kemendagri'; 'penerima _bpnt' -> 'penerima_bpnt'."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    value = re.sub(r"[^0-9a-z]+", "_", value)
    value = re.sub(r"_+", "_", value).strip("_")
    return value


def _aliases(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, spellings in columns.items():
        for spelling in (canonical, *spellings):
            table.setdefault(normalize_header(spelling), canonical)
    return table


def profile_from_dict(data: dict) -> Profile:
    columns = {key: tuple(values) for key, values in data["columns"].items()}
    desil = DesilSpec(**{**data["desil"], "also": tuple(data["desil"].get("also", ()))}) if data.get("desil") else None
    return Profile(
        name=data["name"],
        source=data["source"],
        level=data["level"],
        family_key=data["family_key"],
        required=tuple(data["required"]),
        columns=columns,
        description=data.get("description", ""),
        desil=desil,
        region_column=data.get("region_column"),
        ignored=tuple(data.get("ignored", ())),
        asset_columns=tuple(data.get("asset_columns", ())),
        head_from_row=bool(data.get("head_from_row", False)),
        aliases=_aliases(columns),
    )


@cache
def load_profiles() -> dict[str, Profile]:
    """All profiles shipped in tepat/registry/profiles, by name. Invalid JSON raises at start-up."""
    profiles = {}
    for path in sorted(PROFILE_DIR.glob("*.json")):
        if path.name == "domains.json":
            continue
        profile = profile_from_dict(json.loads(path.read_text(encoding="utf-8")))
        missing = [name for name in profile.required if name not in profile.columns]
        if missing:
            raise ValueError(f"{path.name}: required columns {missing} have no mapping")
        profiles[profile.name] = profile
    return profiles


@cache
def load_domains() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    data = json.loads((PROFILE_DIR / "domains.json").read_text(encoding="utf-8"))
    flags = tuple(data["flag_fields"])
    domains = {key: tuple(values) for key, values in data["domains"].items() if not key.startswith("_")}
    for name in flags:
        domains[name] = tuple(data["domains"]["_flags"])
    return domains, flags


def format_names() -> list[str]:
    return sorted(load_profiles())
