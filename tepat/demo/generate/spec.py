"""Output layout of a format (columns and headers from its profile) and the domain check."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .tables import _DOMAIN_LABELS, PROFILES_DIR, TITLE_ROWS


@dataclass(frozen=True)
class _Spec:
    fmt: str
    source: str  # p3ke | dtsen
    person_level: bool
    fields: tuple[str, ...]  # canonical names, "_no" = leading No column
    headers: tuple[str, ...]

    @property
    def first_data_row(self) -> int:
        """1-based spreadsheet row of the first data row."""
        return TITLE_ROWS + 2 if self.source == "p3ke" else 2

    def header(self, field: str) -> str:
        return self.headers[self.fields.index(field)]


def _spec(fmt: str) -> _Spec:
    """Columns to write: the profile's canonical order with each field's first alias."""
    profile = json.loads((PROFILES_DIR / f"{fmt}.json").read_text(encoding="utf-8"))
    fields = tuple(profile["columns"])
    headers = tuple(aliases[0] for aliases in profile["columns"].values())
    if fmt == "p3ke-keluarga":
        fields, headers = ("_no",) + fields, ("No",) + headers
    return _Spec(
        fmt=fmt, source=fmt.split("-")[0], person_level=profile["level"] != "keluarga", fields=fields, headers=headers
    )


def _check_domains() -> None:
    """Fail loudly if domains.json no longer contains a label this generator writes."""
    domains = json.loads((PROFILES_DIR / "domains.json").read_text(encoding="utf-8"))["domains"]
    for field, labels in _DOMAIN_LABELS.items():
        missing = set(labels) - set(domains.get(field, ()))
        if missing:
            raise RuntimeError(f"domains.json lacks {sorted(missing)} for {field}")
