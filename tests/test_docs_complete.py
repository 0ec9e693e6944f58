"""The docs name every environment variable and every stable error code the code uses (issue 15).

Scanned with `ast`, not run: a `TEPAT_*` string in tepat/ (an environment variable read through os.getenv,
tepat.env or the import limits, or a Django setting read with getattr) must be named in docs/operations.md;
an error code (a key of a bilingual message table, or the first argument of the error types below) must be
named, in backticks, somewhere in docs/.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"TEPAT_[A-Z0-9_]+")
CODE = re.compile(r"[a-z][a-z0-9_]*")
# Error types (and the helpers that build them) whose first argument is a stable code.
CODED_ERRORS = frozenset(
    {"reject", "SubmissionRejected", "RowProblem", "ExportUnreadable", "DecisionRefused", "Problem", "AllocationError"}
)
NOT_CODES = frozenset({"HINTS"})  # message tables of fragments appended to coded messages, not codes


@cache
def trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted((ROOT / "tepat").rglob("*.py"))}


def _called(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)


def environment_names() -> set[str]:
    names = set()
    for tree in trees().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
                names.add(node.value)
            if isinstance(node, ast.Call) and _called(node) == "envsecret" and isinstance(node.args[0], ast.Constant):
                names.add(f"{node.args[0].value}_FILE")  # envsecret also reads NAME_FILE
    return names


def _table_codes(node: ast.AST) -> set[str]:
    if (
        isinstance(node, ast.AnnAssign)
        and ast.unparse(node.annotation) == "dict[str, Message]"
        and isinstance(node.value, ast.Dict)
        and getattr(node.target, "id", "") not in NOT_CODES
    ):
        return {key.value for key in node.value.keys if isinstance(key, ast.Constant)}
    return set()


def _raised_code(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Call) and _called(node) in CODED_ERRORS and node.args:
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and CODE.fullmatch(first.value):
            return {first.value}
    return set()


def error_codes() -> set[str]:
    codes = set()
    for tree in trees().values():
        for node in ast.walk(tree):
            codes |= _table_codes(node) | _raised_code(node)
    return codes


def docs_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").rglob("*.md")))


def test_the_scan_finds_what_the_code_reads():
    """A scanner that finds nothing would pass everything: known names and codes must be found."""
    assert {"TEPAT_HOME", "TEPAT_REGION_CODE", "TEPAT_SECRET_KEY_FILE", "TEPAT_IMPORT_MAX_ROWS"} <= environment_names()
    assert {"bad_gps", "file_empty", "unknown_field", "projection", "units_invalid", "not_an_export"} <= error_codes()
    assert "did_you_mean" not in error_codes()


def test_every_environment_variable_is_documented():
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    missing = sorted(name for name in environment_names() if not re.search(rf"\b{name}\b", operations))
    assert not missing, f"TEPAT_* names the code reads but docs/operations.md does not name: {missing}"


def test_every_error_code_is_documented():
    docs = docs_text()
    missing = sorted(code for code in error_codes() if f"`{code}`" not in docs)
    assert not missing, f"error codes no page of docs/ names (add them to docs/error-codes.md): {missing}"
