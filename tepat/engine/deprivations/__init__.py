"""The one deprivation catalogue (catalogue.json, a package resource): each deprivation once, as data.

    from tepat.engine.deprivations import catalogue, by_program_key
    catalogue()["pendidikan"].rule       # rule-language text (tepat/engine/rules), built on the snippets
    catalogue()["perumahan"].layouts     # ("DTSEN", "P3KE"): the source layouts whose profiles carry its fields
    by_program_key()["rumah"].key        # "perumahan": the program catalogue's name for it

Readers: the rule language (each deprivation is also a named condition, `deprivasi_<key>`, in
tepat.engine.rules.snippets, so the rule editor's picker lists it), the registry indicators and
Alkire-Foster (tepat.indicators.registry), the allocation (tepat.programs.allocation) and the reports
through the indicators. In the engine because the rule language reads it; no Django here: labels are
plain text, pages translate `label.id` (the msgid) through gettext. Which definition follows which
official indicator: docs/measures.md ("Deprivations").
Cost: one small JSON read per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tepat.engine.bilingual import Message

SNIPPET_PREFIX = "deprivasi_"  # the named condition of deprivation `k` is `deprivasi_k`


@dataclass(frozen=True)
class Deprivation:
    key: str
    label: Message  # Indonesian (the gettext msgid) and English
    rule: str  # one condition in the rule language
    fields: tuple[str, ...] = ()  # family fields the rule reads
    member_fields: tuple[str, ...] = ()  # member fields it reads (umur is derived, not listed)
    layouts: tuple[str, ...] = ()  # source layouts that carry the fields: "P3KE", "DTSEN"
    official: str = ""  # the official indicator the definition follows
    program_key: str = ""  # the program catalogue's name, when not `key`

    @property
    def program_name(self) -> str:
        """The name programs (programs.json) and the allocation use for this deprivation."""
        return self.program_key or self.key


def _entry(raw: dict) -> Deprivation:
    return Deprivation(
        key=raw["key"],
        label=Message(raw["label_id"], raw["label_en"]),
        rule=raw["rule"],
        fields=tuple(raw.get("fields", ())),
        member_fields=tuple(raw.get("member_fields", ())),
        layouts=tuple(raw.get("layouts", ())),
        official=raw.get("official", ""),
        program_key=raw.get("program_key", ""),
    )


@cache
def catalogue() -> dict[str, Deprivation]:
    """key -> Deprivation, in display order."""
    data = json.loads(files(__name__).joinpath("catalogue.json").read_text(encoding="utf-8"))
    return {raw["key"]: _entry(raw) for raw in data["deprivations"]}


def snippets() -> dict[str, str]:
    """The deprivations as named conditions of the rule language: `deprivasi_<key>` -> rule text."""
    return {SNIPPET_PREFIX + key: d.rule for key, d in catalogue().items()}


def by_program_key() -> dict[str, Deprivation]:
    """The program catalogue's name -> Deprivation (e.g. "rumah" -> perumahan)."""
    return {d.program_name: d for d in catalogue().values()}
