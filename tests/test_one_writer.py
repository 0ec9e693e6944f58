"""Only the registry writer (tepat/registry/writer.py) writes families, members and their history.

Read with `ast`, no database. What counts as a write:
- an ORM write method (`update`, `create`, `bulk_create`, `save`, `delete` ...) called on a chain that starts
  at `Family`, `Member` or `Change` (`Family.objects.filter(...).update(...)`), goes through a related
  manager (`family.members.create(...)`, `member.changes.create(...)`) or on a variable named
  `family` / `member` (`family.save()`: the one instance form a name can tell);
- a call of the bulk SQL helpers (`insert_rows`, `insert_frame`, `update_rows`) whose table is one of these
  (`Family._meta.db_table`, `"registry_member"`) or cannot be read (a variable): another model's table
  (`Pair._meta.db_table`) is not the registry;
- an SQL text that inserts into, updates or deletes from `registry_family`, `registry_member` or `registry_change`.
An instance saved under another variable name, or a model class held in a variable (`model.objects...`), is not
caught: that is the limit of reading without types.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {
    "tepat/registry/writer.py": "the writer",
    "tepat/registry/bulk.py": "the table-agnostic COPY / executemany helpers the writer calls",
}
MODELS = {"Family", "Member", "Change"}
RELATED = {"members", "changes"}
INSTANCES = {"family", "member"}
ORM_WRITES = {"save", "delete", "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update"}
RAW_WRITERS = {"insert_rows", "insert_frame", "update_rows"}
SQL = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\W?registry_(family|member|change)\b", re.IGNORECASE)


def _chain(node: ast.AST) -> list[str]:
    """The names along `a.b(...).c[...]`, innermost first."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            if isinstance(node, ast.Name):
                names.append(node.id)
            return names[::-1]


def _orm_write(call: ast.Call) -> bool:
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in ORM_WRITES):
        return False
    names = _chain(func.value)
    return bool(names) and (
        names[0] in MODELS or bool(RELATED & set(names[1:])) or names == [names[0]] and names[0] in INSTANCES
    )


def _raw_write(call: ast.Call) -> bool:
    """A bulk helper called on a registry table, or on a table the source does not name."""
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
    if name not in RAW_WRITERS:
        return False
    table = call.args[0] if call.args else None
    if isinstance(table, ast.Constant) and isinstance(table.value, str):
        return re.fullmatch(r"registry_(family|member|change)", table.value) is not None
    names = _chain(table) if table is not None else []
    if names[1:] == ["_meta", "db_table"]:
        return names[0] in MODELS
    return True


def writes(source: str) -> list[str]:
    """Each registry write in `source`, as `line: what`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            if _orm_write(node) or _raw_write(node):
                found.append(f"{node.lineno}: {ast.unparse(node.func)}(...)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{node.lineno}: SQL {SQL.search(node.value).group(0)!r}")
    return found


def modules() -> list[Path]:
    return sorted(p for p in (ROOT / "tepat").rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize(
    "code",
    [
        "Family.objects.filter(pk=1).update(rt='001')",
        "Member.objects.create(family=f)",
        "Change.objects.bulk_create(rows)",
        "family.members.create(nama='x')",
        "family.save()",
        "member.delete()",
        "insert_rows('registry_change', cols, rows)",
        "bulk.update_rows(table, cols, rows)",
        "insert_frame(Member._meta.db_table, frame)",
        "cursor.execute(f'UPDATE registry_member SET nama = %s WHERE id = %s', v)",
    ],
)
def test_the_detector_sees_every_form_of_write(code):
    assert writes(code)


@pytest.mark.parametrize(
    "code",
    [
        "Family.objects.filter(is_active=True).values_list('pk')",
        "CampaignFamily.objects.filter(pk=1).update(enumerator=e)",
        "values.update(other)",
        "insert_frame(Pair._meta.db_table, frame)",
        "fetch('SELECT id FROM registry_family WHERE source = %s', [s])",
    ],
)
def test_the_detector_leaves_reads_and_other_models_alone(code):
    assert not writes(code)


def test_only_the_registry_writer_writes_families_members_and_their_history():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in modules()
        if str(path.relative_to(ROOT)) not in ALLOWED and (found := writes(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, f"registry writes outside tepat/registry/writer.py: {offenders}"
    assert writes((ROOT / "tepat/registry/writer.py").read_text(encoding="utf-8")), "the writer itself is seen writing"
