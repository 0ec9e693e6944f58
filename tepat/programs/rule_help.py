"""Help for the rule editor: which fields and values there are, how many families each condition of
a rule selects, and why a condition selects nobody.

    conditions(rule, families, members, today)  # [Condition(label, families, reason)] per top-level condition
    picker(families, members)                   # fields by level with their values (domain or seen in the data)

A zero is explained, in order, by: a field the registry has no value for (and which source files
carry it, read from the import profiles), a text value no family or member has (with the values
that do occur), or else the combination itself. Codes are stable: `field_empty`, `value_absent`,
`combination_empty`.

Cost: one rule evaluation (the preview's frames, cached); the picker scans each text column once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from tepat.engine.rules import default_schema, evaluate
from tepat.engine.rules.nodes import Compare, Field, InList, Literal, Node, walk
from tepat.engine.rules.rule import Rule
from tepat.engine.rules.schema import FAMILY, MEMBER
from tepat.engine.rules.snippets import SNIPPETS
from tepat.registry.fields import IDENTITY_FIELDS

PROFILES = Path(__file__).resolve().parents[1] / "registry" / "profiles"
SOURCES = {"p3ke": "P3KE", "dtsen": "DTSEN"}
SEEN_VALUES = 8  # values listed for a field without a fixed domain
CATEGORICAL = 40  # a text field with more distinct values never lists them
# Personal data and identifiers: their values are never listed, whatever their number.
PERSONAL = frozenset(
    {*IDENTITY_FIELDS, "id_keluarga_p3ke", "id_individu", "nama", "kepala_keluarga", "alamat", "rt", "rw"}
)


@dataclass(frozen=True)
class Condition:
    label: str
    families: int
    code: str = ""  # why it selects nobody: field_empty | value_absent | combination_empty
    reason: str = ""


@cache
def field_sources() -> dict[str, tuple[str, ...]]:
    """Registry field -> the sources whose import profiles carry it (P3KE, DTSEN)."""
    found: dict[str, set[str]] = {}
    for path in sorted(PROFILES.glob("*.json")):
        profile = json.loads(path.read_text(encoding="utf-8"))
        if "columns" not in profile:
            continue
        for name in profile["columns"]:
            found.setdefault(name, set()).add(SOURCES.get(profile.get("source", ""), profile.get("source", "")))
    return {name: tuple(sorted(sources)) for name, sources in found.items()}


def _frame(level: str, families: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    return families if level == FAMILY else members


def _filled(frame: pl.DataFrame, name: str) -> int:
    if name not in frame.columns:
        return 0
    column = frame[name]
    if column.dtype == pl.String:
        return int((column.str.strip_chars().fill_null("") != "").sum())
    return int(column.is_not_null().sum())


def _empty_field(node: Node, families: pl.DataFrame, members: pl.DataFrame) -> str | None:
    schema = default_schema()
    for name in dict.fromkeys(n.name for n in walk(node) if isinstance(n, Field)):
        spec = schema.get(name)
        if spec is None or spec.derived or _filled(_frame(spec.level, families, members), name):
            continue
        sources = field_sources().get(name, ())
        if sources:
            return _("registri belum punya nilai `%(f)s`: kolom ini berasal dari berkas %(s)s") % {
                "f": name,
                "s": " / ".join(sources),
            }
        return _("registri belum punya nilai `%(f)s`") % {"f": name}
    return None


def _text_tests(node: Node) -> list[tuple[str, list[str]]]:
    """(field, the text values it is compared equal to) for every `field == "x"` and `field in [...]`."""
    tests = []
    for n in walk(node):
        if (
            isinstance(n, Compare)
            and n.op == "=="
            and isinstance(n.left, Field)
            and isinstance(n.right, Literal)
            and n.right.type == "text"
        ):
            tests.append((n.left.name, [str(n.right.value)]))
        elif isinstance(n, InList) and not n.negated and isinstance(n.subject, Field):
            tests.append((n.subject.name, [str(v.value) for v in n.values if v.type == "text"]))
    return [t for t in tests if t[1]]


def seen_values(frame: pl.DataFrame, name: str, limit: int = SEEN_VALUES) -> list[str]:
    """The most frequent non-empty values of a categorical text column, most frequent first; nothing
    for a column of many distinct values (personal data such as names or NIK is never listed)."""
    if name in PERSONAL or name not in frame.columns or frame[name].dtype != pl.String:
        return []
    values = frame[name].drop_nulls().str.strip_chars()
    counts = values.filter(values != "").value_counts(sort=True)
    return counts[name].head(limit).to_list() if counts.height <= CATEGORICAL else []


def _absent_value(node: Node, families: pl.DataFrame, members: pl.DataFrame) -> str | None:
    schema = default_schema()
    for name, wanted in _text_tests(node):
        spec = schema.get(name)
        if spec is None or spec.derived:
            continue
        frame = _frame(spec.level, families, members)
        present = set(frame[name].drop_nulls().unique().to_list()) if name in frame.columns else set()
        if not present & set(wanted) and name not in PERSONAL:
            listed = ", ".join(f'"{v}"' for v in seen_values(frame, name))
            return _("tidak ada nilai %(v)s di `%(f)s`; nilai yang ada: %(seen)s") % {
                "v": " / ".join(f'"{w}"' for w in wanted),
                "f": name,
                "seen": listed or "–",
            }
    return None


def why_nobody(node: Node, families: pl.DataFrame, members: pl.DataFrame) -> tuple[str, str]:
    """(code, reason) for a condition that no family meets."""
    empty = _empty_field(node, families, members)
    if empty:
        return "field_empty", empty
    absent = _absent_value(node, families, members)
    if absent:
        return "value_absent", absent
    return "combination_empty", _(
        "setiap bagiannya ada di data, tetapi tidak ada keluarga yang memenuhi semuanya sekaligus"
    )


def conditions(rule: Rule, families: pl.DataFrame, members: pl.DataFrame, today: date) -> list[Condition]:
    """Each top-level condition with the number of families it selects on its own (and why, when none)."""
    result = evaluate(rule, families, members, today)
    shown = []
    for label, node in rule.conditions():
        n = int(result[label].sum())
        code, reason = why_nobody(node, families, members) if n == 0 and families.height else ("", "")
        shown.append(Condition(label, n, code, reason))
    return shown


def picker(families: pl.DataFrame, members: pl.DataFrame) -> list[dict]:
    """Field groups for the picker: family fields, member fields (inside ada_anggota(...)) and named
    conditions; each field with its type, values (its domain, else the most frequent in the data)
    and whether the registry has any value for it."""
    schema = default_schema()
    groups = []
    for level, title, inside in ((FAMILY, _("Kolom keluarga"), ""), (MEMBER, _("Kolom anggota"), "ada_anggota(...)")):
        frame = _frame(level, families, members)
        fields = []
        for name in schema.names(level):
            spec = schema.get(name)
            filled = True if spec.derived else _filled(frame, name) > 0
            values = list(spec.domain) if spec.domain else (seen_values(frame, name) if spec.type == "text" else [])
            fields.append(
                {
                    "name": name,
                    "type": spec.type,
                    "values": values,
                    "filled": filled,
                    "sources": " / ".join(field_sources().get(name, ())),
                }
            )
        groups.append({"title": title, "inside": inside, "fields": fields})
    groups.append(
        {
            "title": _("Syarat bernama"),
            "fields": [
                {"name": n, "type": "", "values": [], "filled": True, "sources": "", "means": t}
                for n, t in SNIPPETS.items()
            ],
        }
    )
    return groups
