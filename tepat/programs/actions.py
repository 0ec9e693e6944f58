"""Program and rule changes: each one transactional and audited; rules are versioned, never edited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from tepat.accounts.actor import actor_user
from tepat.accounts.models import AuditAction, audit
from tepat.accounts.permissions import Action, can
from tepat.accounts.roles import policy_for
from tepat.engine.rules import RuleError, check
from tepat.engine.rules.examples import EXAMPLES
from tepat.programs.models import Program, RuleVersion


class RuleRejected(ValueError):
    """The rule text has errors; `errors` holds them with their positions and messages."""

    def __init__(self, errors: list) -> None:
        self.errors = errors
        super().__init__("; ".join(getattr(e, "message", str(e)) for e in errors))


@transaction.atomic
def do_create_program(values: dict, *, acting_user) -> Program:
    program = Program(**{k: v for k, v in values.items() if k != "rule"})
    program.full_clean()
    program.save()
    audit(AuditAction.PROGRAM_SAVED, program.code, acting_user=acting_user, name=program.name)
    rule = values.get("rule") or EXAMPLES.get(program.code)
    if rule:
        do_save_rule(program, rule, acting_user=acting_user, reason="aturan awal / initial rule")
    return program


PROGRAM_FIELDS = (
    "name",
    "strategy",
    "opd",
    "funding",
    "unit",
    "unit_cost",
    "year",
    "max_desil",
    "description",
    "is_active",
)


@transaction.atomic
def do_update_program(program: Program, values: dict, *, acting_user, reason: str) -> Program:
    """Edit the catalogue entry; the audit row keeps each changed field's before and after."""
    before = {f: getattr(program, f) for f in PROGRAM_FIELDS}
    for name in PROGRAM_FIELDS:
        if name in values:
            setattr(program, name, values[name])
    program.full_clean()
    program.save()
    changed = {
        f: [str(before[f]), str(getattr(program, f))] for f in PROGRAM_FIELDS if before[f] != getattr(program, f)
    }
    audit(AuditAction.PROGRAM_SAVED, program.code, acting_user=acting_user, reason=reason, changes=changed)
    return program


@transaction.atomic
def do_save_rule(program: Program, text: str, *, acting_user, reason: str) -> RuleVersion:
    """A new version of the program's rule, after the rule checks out. Raises RuleRejected otherwise."""
    result = check(text)
    if not result.ok:
        raise RuleRejected(result.errors)
    latest = program.rules.aggregate(v=Max("version"))["v"] or 0
    version = RuleVersion.objects.create(
        program=program,
        version=latest + 1,
        text=text.strip(),
        reason=reason or "-",
        author=actor_user(acting_user),
    )
    audit(AuditAction.RULE_SAVED, f"{program.code} v{version.version}", acting_user=acting_user, reason=reason)
    return version


def reportable_programs(user) -> set[int] | None:
    """None (every program) unless the user is bound to one OPD: then the programs it may record for
    (`interventions.record` on each: its own agency's)."""
    if user is None or not policy_for(user).agency:
        return None
    return {p.pk for p in Program.objects.only("pk", "opd_id") if can(user, Action.INTERVENTIONS_RECORD, p)}


def do_import_interventions(path, *, acting_user, file_name: str | None = None):
    """Interventions from an OPD file: valid rows in one transaction, the others reported. Audited."""
    from tepat.programs.realisasi import import_interventions

    report = import_interventions(
        path, acting_user=acting_user, file_name=file_name, allowed=reportable_programs(acting_user)
    )
    audit(
        AuditAction.INTERVENTIONS_IMPORTED,
        report.file,
        acting_user=acting_user,
        inserted=report.inserted,
        rejected=len(report.rejected),
    )
    return report


@transaction.atomic
def do_record_interventions(rows: list[dict], *, acting_user, source_name: str = "api"):
    """Interventions given as data (the API), all or nothing: the same checks and codes as the file import
    (tepat.programs.realisasi); any rejected row and nothing is written. Audited when rows are written."""
    from tepat.programs.realisasi import RealisasiReport, check, prepared, rows_frame, write
    from tepat.registry.importer.read import ROW

    frame = prepared(rows_frame(rows), reportable_programs(acting_user))
    found = check(frame)
    report = RealisasiReport(file=source_name, rows=frame.height)
    if found.height:
        report.rejected = found.rename({ROW: "row", "field": "column"}).to_dicts()
        return report
    report.inserted = write(frame, acting_user=acting_user, file_name=source_name)
    audit(
        AuditAction.INTERVENTIONS_IMPORTED, source_name, acting_user=acting_user, inserted=report.inserted, rejected=0
    )
    return report


@transaction.atomic
def do_record_intervention(
    program: Program, family, *, acting_user, date, amount=0, units=1, member=None, status="tersalur"
):
    """One intervention entered in the form."""
    from tepat.programs.models import Intervention, InterventionSource

    if amount < 0:
        raise ValueError("nilai tidak boleh negatif / value must not be negative")
    if date.year != program.year:
        raise ValueError(f"tanggal di luar tahun program {program.year} / date outside the program year")
    intervention = Intervention.objects.create(
        program=program,
        family=family,
        member=member,
        date=date,
        amount=amount,
        units=units,
        status=status,
        source=InterventionSource.FORM,
        recorded_by=acting_user,
    )
    audit(
        AuditAction.INTERVENTION_RECORDED,
        f"{program.code} keluarga {family.pk}",
        acting_user=acting_user,
        intervention=intervention.pk,
    )
    return intervention


__all__ = [
    "RuleError",
    "RuleRejected",
    "do_create_program",
    "do_freeze_target_list",
    "do_import_interventions",
    "do_record_intervention",
    "do_record_interventions",
    "do_save_rule",
]


@transaction.atomic
def do_freeze_target_list(
    program: Program,
    *,
    acting_user,
    quota: int | None = None,
    budget=None,
    per_kecamatan: bool = False,
    today=None,
    priority: str = "",
):
    """Freeze the families the current rule selects, in priority order, cut by quota or by budget / unit cost."""
    from datetime import date

    from tepat.programs.models import TargetEntry, TargetList
    from tepat.programs.targeting import cut, ranked, snapshot

    rule = program.current_rule()
    if rule is None:
        raise ValueError("program tanpa aturan / program has no rule")
    today = today or date.today()
    if budget is not None and quota is None:
        if not program.unit_cost or per_kecamatan:
            raise ValueError(
                "anggaran butuh biaya satuan dan berlaku untuk seluruh kota / a budget needs a unit cost and applies city-wide"
            )
        quota = int(budget // program.unit_cost)  # person-unit programs: a family counts as one unit here
    if priority.strip() and not (checked := check(priority)).ok:
        raise RuleRejected(checked.errors)
    ordered, eligible = ranked(rule.text, today, priority.strip() or None)
    chosen = cut(ordered, quota, per_kecamatan)
    target = TargetList.objects.create(
        program=program,
        rule=rule,
        quota=quota,
        budget=budget,
        per_kecamatan=per_kecamatan,
        eligible=eligible,
        priority=priority.strip(),
        registry_state=snapshot(),
        reference_date=today,
        created_by=actor_user(acting_user),
    )
    TargetEntry.objects.bulk_create(
        TargetEntry(
            target_list=target,
            family_id=row["family_id"],
            rank=row["rank"],
            deprivations=row["deprivations"],
            reasons=row["reasons"],
        )
        for row in chosen.iter_rows(named=True)
    )
    audit(
        AuditAction.TARGET_FROZEN,
        f"{program.code} #{target.pk}",
        acting_user=acting_user,
        families=chosen.height,
        rule=rule.version,
    )
    return target


@transaction.atomic
def do_targets_from_plan(plan, *, acting_user, budgets: dict[str, int]) -> list:
    """One frozen target list per program that the allocation plan gives families to. Audited."""
    from datetime import date

    from tepat.programs.models import TargetEntry, TargetList
    from tepat.programs.targeting import snapshot

    created = []
    user = actor_user(acting_user)
    lists = plan.target_lists()
    programs = Program.objects.prefetch_related("rules").in_bulk(list(lists), field_name="code")
    state = {**snapshot(), "allocation": plan.method, "objective": plan.objective}
    for code, family_ids in lists.items():
        program = programs[code]
        rule = program.current_rule()
        if not family_ids or rule is None:
            continue
        target = TargetList.objects.create(
            program=program,
            rule=rule,
            quota=len(family_ids),
            budget=budgets.get(code),
            eligible=len(family_ids),
            registry_state=state,
            reference_date=date.today(),
            created_by=user,
        )
        TargetEntry.objects.bulk_create(
            TargetEntry(target_list=target, family_id=pk, rank=rank, deprivations=0, reasons=[f"alokasi {plan.method}"])
            for rank, pk in enumerate(family_ids, start=1)
        )
        audit(
            AuditAction.TARGET_FROZEN,
            f"{code} #{target.pk}",
            acting_user=acting_user,
            families=len(family_ids),
            allocation=plan.method,
        )
        created.append(target)
    return created
