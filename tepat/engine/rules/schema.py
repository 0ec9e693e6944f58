"""The fields a rule may name: the registry's fields (tepat/registry/fields.py) plus derived ones.

Value domains come from the package resource `profiles/domains.json` of `tepat.registry` (read through
importlib.resources, never by path arithmetic); a caller with other domains builds its own schema with
`build_schema(domains)` and passes it to check/evaluate (`schema=`). Flag fields take "Ya"/"Tidak".
`aset` (JSON), `kelurahan_id` (a database key) and `tanggal_lahir` (use `umur`) are not rule fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from tepat.registry import fields as registry

DOMAINS = files("tepat.registry").joinpath("profiles", "domains.json")  # a package resource
FAMILY, MEMBER = "family", "member"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    level: str  # FAMILY | MEMBER
    type: str  # "number" | "text"
    domain: tuple[str, ...] | None = None
    derived: str = ""  # how a derived field is computed (empty: a column of the input frame)

    @property
    def free_text(self) -> bool:
        """Text without a value list (pekerjaan, nama, alamat ...): compared without regard to case and spacing.
        Region codes are exact."""
        return self.type == "text" and self.domain is None and self.name not in CODE_FIELDS


# Free text is compared folded: runs of spaces, tabs and line breaks become one space, ends trimmed, lower case.
SPACES = "[ \t\r\n]+"
CODE_FIELDS = frozenset({"kelurahan", "kecamatan"})
# The two letters whose lower case depends on context or on the library (DuckDB lowers them one letter to one
# letter, Python and polars by Unicode's special casing): mapped first, so every backend folds alike.
BEFORE_LOWER = {"\u03a3": "\u03c3", "\u0130": "i\u0307"}  # capital sigma -> sigma; dotted capital I -> i + dot


def fold_text(value: str) -> str:
    """'  Buruh   HARIAN lepas ' -> 'buruh harian lepas' (the compiler does the same with column expressions)."""
    for letter, lower in BEFORE_LOWER.items():
        value = value.replace(letter, lower)
    return re.sub(SPACES, " ", value).strip(" ").lower()


# The region of a family, as Kemendagri code text (the registry stores a key to the region master).
REGION = FieldSpec("kelurahan", FAMILY, "text")
# Derived fields: computed by the evaluator, never read from a column of that name (except
# `kecamatan`, read when the families frame has it).
DERIVED: dict[str, FieldSpec] = {
    "kecamatan": FieldSpec(
        "kecamatan", FAMILY, "text", derived="the `kecamatan` column, else the first 8 characters of `kelurahan`"
    ),
    "jumlah_anggota": FieldSpec("jumlah_anggota", FAMILY, "number", derived="number of active members"),
    "umur": FieldSpec("umur", MEMBER, "number", derived="whole years from tanggal_lahir to the reference date"),
}


@dataclass(frozen=True)
class Schema:
    fields: Mapping[str, FieldSpec]

    def get(self, name: str) -> FieldSpec | None:
        return self.fields.get(name)

    def names(self, level: str | None = None) -> list[str]:
        return [name for name, spec in self.fields.items() if level is None or spec.level == level]


def load_domains(path: Path | Traversable = DOMAINS) -> dict[str, tuple[str, ...]]:
    """field -> allowed values (flag fields -> ("Ya", "Tidak"))."""
    data = json.loads(path.read_text(encoding="utf-8"))
    domains = {name: tuple(values) for name, values in data["domains"].items() if not name.startswith("_")}
    flags = tuple(data["domains"]["_flags"])
    return {**domains, **dict.fromkeys(data["flag_fields"], flags)}


@cache
def default_schema() -> Schema:
    """Built once per process from fields.py and the shipped domains.json. Cost: one small JSON read."""
    return build_schema(load_domains())


def build_schema(domains: Mapping[str, tuple[str, ...]]) -> Schema:
    """The registry's fields with these value domains (field -> allowed values), plus the derived fields."""
    specs: dict[str, FieldSpec] = {}
    for name in registry.FAMILY_TEXT:
        specs[name] = FieldSpec(name, FAMILY, "text", domains.get(name))
    for name in (*registry.FAMILY_NUMBERS, *registry.FAMILY_FLOATS):
        specs[name] = FieldSpec(name, FAMILY, "number")
    for name in registry.MEMBER_TEXT:
        specs[name] = FieldSpec(name, MEMBER, "text", domains.get(name))
    specs[REGION.name] = REGION
    specs.update(DERIVED)
    return Schema(specs)
