"""One audit vocabulary (accounts.models.AuditAction): every `audit(...)` call names one of its members,
and the stored strings are those the apps wrote before it was gathered, so old rows read as they did.
Read with `ast` where it can; no database."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tepat.accounts.models import AuditAction, AuditEvent, audit

ROOT = Path(__file__).resolve().parent.parent

# The strings in the audit table before the vocabulary was one: they must never change.
STORED = {
    "user_created", "password_reset", "opd_created", "user_changed", "user_deactivated", "user_reactivated",
    "families_assigned", "program_saved", "rule_saved", "target_frozen", "interventions_imported",
    "intervention_recorded", "vv_campaign_created", "vv_campaign_assigned", "vv_campaign_reassigned",
    "vv_campaign_closed", "vv_visit_submitted", "vv_musyawarah_recorded", "vv_request_decided", "vv_visit_edited",
    "vv_handback_sent", "meeting_created", "meeting_updated", "meeting_invited", "meeting_attendance",
    "meeting_minutes", "meeting_held", "meeting_decision", "action_item_added", "action_progress",
    "action_item_closed", "meeting_cancelled", "series_imported", "observation_recorded", "registry_snapshot",
    "boundaries_uploaded", "report_generated", "report_section_written",
}  # fmt: skip
ADDED = {"api_token_created", "api_token_revoked"}  # new names since: appended, never renamed


def test_the_vocabulary_holds_exactly_the_strings_stored_before():
    assert set(AuditAction.values) == STORED | ADDED
    assert max(map(len, STORED | ADDED)) <= AuditEvent._meta.get_field("action").max_length


def _audit_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in (ROOT / "tepat").rglob("*.py"):
        if "migrations" in path.parts or "engine" in path.parts:  # the engine's audit() is disclosure control
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit" and node.args:
                calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return calls


def _names_a_member(arg: ast.expr) -> bool:
    if isinstance(arg, ast.Attribute):
        return isinstance(arg.value, ast.Name) and arg.value.id == "AuditAction" and arg.attr in AuditAction.names
    if isinstance(arg, ast.IfExp):
        return _names_a_member(arg.body) and _names_a_member(arg.orelse)
    return isinstance(arg, ast.Name) and arg.id == "action"  # passed through a typed parameter (indicators)


def test_every_audit_call_names_a_member_of_the_vocabulary():
    calls = _audit_calls()
    assert len(calls) > 30
    assert [where for where, call in calls if not _names_a_member(call.args[0])] == []


def test_an_action_outside_the_vocabulary_is_refused():
    with pytest.raises(ValueError):
        audit("something_new", "x", acting_user=None)
