"""Rule preview: check a rule and count who it selects in the user's scope, for the editor page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tepat.engine.rules import check, count
from tepat.accounts.roles import Scope, policy_for
from tepat.programs.frames import WHOLE_REGISTRY, registry_frames


@dataclass
class Preview:
    text: str
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    families: int = 0
    members: int = 0
    by_kecamatan: list[dict] = field(default_factory=list)
    by_kelurahan: list[dict] = field(default_factory=list)


def scope_key(user) -> str:
    """Users with the same scope share cached frames; city-wide users share the whole registry's."""
    scope = policy_for(user).scope
    if scope == Scope.CITY:
        return WHOLE_REGISTRY
    return f"{scope}:{user.pk if scope == Scope.ASSIGNED else user.region_id}"


def preview(user, text: str, today: date | None = None) -> Preview:
    """Cost: the scope's frames come from a cache; each call evaluates the rule twice (two groupings)."""
    result = check(text)
    shown = Preview(text=text, errors=result.errors, warnings=list(result.warnings))
    if not result.ok:
        return shown
    families, members = registry_frames(scope_key(user))
    today = today or date.today()
    by_kecamatan = count(result.rule, families, members, today, by="kecamatan")
    by_kelurahan = count(result.rule, families, members, today, by="kelurahan").to_dict()
    totals = by_kecamatan.to_dict()
    shown.families, shown.members = totals["families"], totals["members"]
    shown.by_kecamatan, shown.by_kelurahan = totals["by"], by_kelurahan["by"]
    if by_kecamatan.warning:
        shown.warnings.append(by_kecamatan.warning)
    return shown
