"""Which uploads (background jobs) a user may see: the rule for the realisasi upload history.

Registered with the scope registry (tepat.accounts.scope) for `jobs.Job` by tepat.jobs.apps. Beyond its
agency's operators' uploads, an OPD operator also sees the uploads anyone (e.g. an analyst) made for the
agency's own programs, read from the program ids the realisasi report stores (`report.programs`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tepat.accounts.roles import Role, policy_for
from tepat.jobs.models import JobKind


def uploads_visible_to(user, queryset: QuerySet) -> QuerySet:
    """Realisasi uploads: rule editors (analyst, admin) see all; an OPD operator the uploads of its agency's
    operators and every upload whose file names one of its agency's programs; anyone else their own.
    Other kinds pass unchanged (they are reached through their campaign or batch, scoped by the caller).
    Cost: one query over the realisasi jobs of other users (their stored program ids), on top of the caller's.
    Guarantee: an upload naming only other agencies' programs stays hidden from an OPD operator."""
    if policy_for(user).can_edit_rules:
        return queryset
    other_kinds = ~Q(kind=JobKind.REALISASI)
    if not (policy_for(user).agency and user.opd_id):
        return queryset.filter(other_kinds | Q(user=user))
    colleagues = Q(user__opd_id=user.opd_id, user__role=Role.OPD)
    return queryset.filter(other_kinds | colleagues | Q(pk__in=_naming_programs(_agency_programs(user), colleagues)))


def _agency_programs(user) -> set[int]:
    from tepat.programs.models import Program

    return set(Program.objects.filter(opd_id=user.opd_id).values_list("pk", flat=True))


def _naming_programs(programs: set[int], colleagues: Q) -> list[int]:
    """Ids of other users' realisasi jobs whose report names one of `programs` (old reports without the
    list name none)."""
    from tepat.jobs.models import Job

    stored = Job.objects.filter(kind=JobKind.REALISASI).exclude(colleagues)
    return [pk for pk, named in stored.values_list("pk", "result__report__programs") if set(named or ()) & programs]
