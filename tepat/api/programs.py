"""Programs, rule versions, target lists and their entries, interventions (read); realisasi and rule checks (write).

Target lists and interventions are scoped as on the pages (`scoped`: an OPD operator sees its agency's
programs only); entries come from `target_frame` (the download's columns, masked per role) and are logged
as the target list page logs them. Realisasi rows go through `do_record_interventions` (the file import's
checks and codes, all or nothing).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.api.access import require
from tepat.api.listing import keyset, open_schema, page_schema, paged, selected
from tepat.api.problems import Problem, row_error, split_text
from tepat.api.registry import ListQuery
from tepat.engine.rules import check
from tepat.programs.actions import do_record_interventions
from tepat.programs.models import Intervention, Program, TargetList
from tepat.programs.preview import preview
from tepat.programs.realisasi import ERRORS
from tepat.registry.exports import TARGET_EXPORT, target_frame

router = Router(tags=["programs"])

PROGRAM_COLUMNS = {
    "code": str,
    "name": str,
    "strategy": str,
    "opd": str,
    "funding": str,
    "unit": str,
    "unit_cost": Decimal,
    "year": int,
    "max_desil": int,
    "is_active": bool,
}
ProgramOut = open_schema("Program", PROGRAM_COLUMNS)
ProgramPage = page_schema("Program", ProgramOut)
TARGET_COLUMNS = {
    "id": int,
    "program": str,
    "rule_version": int,
    "quota": int,
    "budget": Decimal,
    "per_kecamatan": bool,
    "eligible": int,
    "reference_date": date,
    "created_at": datetime,
}
TargetOut = open_schema("TargetList", TARGET_COLUMNS)
TargetPage = page_schema("TargetList", TargetOut)
ENTRY_COLUMNS = dict.fromkeys(TARGET_EXPORT.values(), str)
EntryOut = open_schema("TargetEntry", ENTRY_COLUMNS)
EntryPage = page_schema("TargetEntry", EntryOut)
INTERVENTION_COLUMNS = {
    "id": int,
    "program": str,
    "family_id": int,
    "member_id": int,
    "date": date,
    "amount": Decimal,
    "units": Decimal,
    "status": str,
    "source": str,
    "recorded_at": datetime,
}
InterventionOut = open_schema("Intervention", INTERVENTION_COLUMNS)
InterventionPage = page_schema("Intervention", InterventionOut)


class RuleVersionOut(Schema):
    version: int
    text: str
    reason: str
    author: str | None
    created_at: datetime


def _programs_row(p) -> dict:
    return {
        "code": p.code,
        "name": p.name,
        "strategy": p.strategy,
        "opd": p.opd.code if p.opd else None,
        "funding": p.funding,
        "unit": p.unit,
        "unit_cost": p.unit_cost,
        "year": p.year,
        "max_desil": p.max_desil,
        "is_active": p.is_active,
    }


@router.get("/programs", response=ProgramPage, exclude_unset=True, summary="The program catalogue")
def programs(request, query: Query[ListQuery], year: int | None = None):
    require(request, "programs.view")
    rows = Program.objects.select_related("opd")
    rows = rows.filter(year=year) if year else rows
    return paged(rows, query, PROGRAM_COLUMNS, _programs_row)


@router.get("/programs/{code}/rules", response=list[RuleVersionOut], summary="A program's rule versions")
def rule_versions(request, code: str):
    require(request, "programs.view")
    program = get_object_or_404(Program, code=code)
    return [
        {"version": r.version, "text": r.text, "reason": r.reason, "author": r.author.username if r.author else None}
        | {"created_at": r.created_at}
        for r in program.rules.select_related("author").order_by("version")
    ]


def _target(t: TargetList) -> dict:
    return {
        "id": t.pk,
        "program": t.program.code,
        "rule_version": t.rule.version,
        "quota": t.quota,
        "budget": t.budget,
        "per_kecamatan": t.per_kecamatan,
        "eligible": t.eligible,
        "reference_date": t.reference_date,
        "created_at": t.created_at,
    }


@router.get("/target-lists", response=TargetPage, exclude_unset=True, summary="Frozen target lists you may see")
def target_lists(request, query: Query[ListQuery], program: str = ""):
    require(request, "targets.view")
    rows = scoped(request.user, TargetList.objects.select_related("program", "rule"))
    rows = rows.filter(program__code=program) if program else rows
    return paged(rows, query, TARGET_COLUMNS, _target)


@router.get("/target-lists/{target_id}", response=TargetOut, summary="One target list")
def target_list(request, target_id: int):
    require(request, "targets.view")
    return _target(
        get_in_scope_or_404(request.user, TargetList.objects.select_related("program", "rule"), pk=target_id)
    )


@router.get(
    "/target-lists/{target_id}/entries", response=EntryPage, exclude_unset=True, summary="A target list's families"
)
def target_entries(request, target_id: int, query: Query[ListQuery]):
    """In rank order; the download's columns, NIK / No KK masked unless your role sees them; logged."""
    require(request, "targets.view")
    target = get_in_scope_or_404(request.user, TargetList.objects.all(), pk=target_id)
    ranks, nxt = keyset(target.entries.values_list("rank", flat=True), query.cursor, query.limit, key="rank")
    frame = target_frame(request.user, target, target.entries.filter(rank__in=ranks))
    log_access(request.user, AccessKind.VIEW, f"daftar sasaran {target.pk}", records=frame.height)
    return {"items": selected(frame.to_dicts(), query.fields, ENTRY_COLUMNS), "next_cursor": nxt}


@router.get("/interventions", response=InterventionPage, exclude_unset=True, summary="Interventions delivered")
def interventions(request, query: Query[ListQuery], program: str = ""):
    """Scoped as the realisasi page: an OPD operator sees its agency's programs. Logged (names families)."""
    require(request, "interventions.view")
    rows = scoped(request.user, Intervention.objects.select_related("program"))
    rows = rows.filter(program__code=program) if program else rows
    found, nxt = keyset(rows, query.cursor, query.limit)
    log_access(request.user, AccessKind.VIEW, f"api: realisasi {request.GET.urlencode()}", records=len(found))
    items = [
        {
            "id": i.pk,
            "program": i.program.code,
            "family_id": i.family_id,
            "member_id": i.member_id,
            "date": i.date,
            "amount": i.amount,
            "units": i.units,
            "status": i.status,
            "source": i.source,
            "recorded_at": i.recorded_at,
        }
        for i in found
    ]
    return {"items": selected(items, query.fields, INTERVENTION_COLUMNS), "next_cursor": nxt}


class RealisasiRow(Schema):
    """One delivered intervention, as a row of the realisasi file (docs/realisasi.md): same names and checks."""

    program: str | None = None
    tanggal: str | None = Field(None, description="YYYY-MM-DD (or the file's date formats)")
    nik: str | None = None
    no_kk: str | None = None
    nama: str | None = None
    nilai: str | float | None = None
    satuan: str | float | None = None
    status: str | None = None


class RealisasiBatch(Schema):
    rows: list[RealisasiRow] = Field(..., min_length=1)


class Written(Schema):
    rows: int
    inserted: int


def _record(request, rows: list[RealisasiRow]) -> Status:
    require(request, "interventions.record")
    if len(rows) > settings.TEPAT_API_MAX_ROWS:
        raise Problem("too_many_rows", limit=settings.TEPAT_API_MAX_ROWS)
    report = do_record_interventions([r.dict() for r in rows], acting_user=request.user, source_name="api")
    if report.rejected:
        errors = [
            row_error(i["row"], i["column"], i["code"], split_text(i["message"], ERRORS[i["code"]]))
            for i in report.rejected
        ]
        raise Problem("rows_rejected", errors=errors, count=len({i["row"] for i in report.rejected}))
    return Status(201, {"rows": report.rows, "inserted": report.inserted})


@router.post("/realisasi", response={201: Written}, summary="Record delivered interventions (batch, all or nothing)")
def realisasi_batch(request, body: RealisasiBatch):
    """Every row is checked as in the file import; one bad row and nothing is written (422 lists every problem)."""
    return _record(request, body.rows)


@router.post("/realisasi/row", response={201: Written}, summary="Record one delivered intervention")
def realisasi_row(request, body: RealisasiRow):
    return _record(request, [body])


class RuleText(Schema):
    text: str = Field(..., max_length=20000)


class RuleIssue(Schema):
    code: str
    offset: int
    length: int
    line: int
    column: int
    message_id: str
    message_en: str
    suggestion: str | None = None


class RuleCheck(Schema):
    ok: bool
    errors: list[RuleIssue]
    warnings: list[RuleIssue]


class RuleCount(Schema):
    families: int
    members: int
    by_kecamatan: list[dict]
    by_kelurahan: list[dict]
    warnings: list[RuleIssue]


@router.post("/rules/check", response=RuleCheck, summary="Check a targeting rule")
def rules_check(request, body: RuleText):
    require(request, "rules.check")
    result = check(body.text)
    return {
        "ok": result.ok,
        "errors": [e.to_dict() for e in result.errors],
        "warnings": [w.to_dict() for w in result.warnings],
    }


@router.post("/rules/count", response=RuleCount, summary="Count who a rule selects in your scope")
def rules_count(request, body: RuleText):
    """As the rule editor's preview; an invalid rule is a 422 `rule_invalid` with the rule's errors."""
    require(request, "rules.check")
    shown = preview(request.user, body.text)
    if shown.errors:
        raise Problem("rule_invalid", errors=[_rule_error(e) for e in shown.errors])
    return {
        "families": shown.families,
        "members": shown.members,
        "by_kecamatan": shown.by_kecamatan,
        "by_kelurahan": shown.by_kelurahan,
        "warnings": [w.to_dict() for w in shown.warnings],
    }


def _rule_error(issue) -> dict:
    return {
        "row": None,
        "field": "text",
        "code": issue.code,
        "message_id": issue.message_id,
        "message_en": issue.message_en,
    }
