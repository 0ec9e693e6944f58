from __future__ import annotations

from django.apps import AppConfig
from django.db.models import Q, QuerySet


class JobsConfig(AppConfig):
    name = "tepat.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from tepat.jobs.lease import reap_on_first_connection

        connection_created.connect(reap_on_first_connection, dispatch_uid="tepat.jobs.reap")
        register_scope()


def _uploads(user, queryset: QuerySet) -> QuerySet:
    """Background jobs: a realisasi upload as the realisasi page scopes it (rule editors all, an OPD operator the
    uploads of its agency's operators, anyone else their own); other kinds are reached through their campaign or
    batch, which the caller has already scoped."""
    from tepat.accounts.roles import Role, policy_for

    if policy_for(user).can_edit_rules:
        return queryset
    same_opd = policy_for(user).agency and user.opd_id
    own = Q(user__opd_id=user.opd_id, user__role=Role.OPD) if same_opd else Q(user=user)
    return queryset.filter(~Q(kind="realisasi") | own)


def register_scope() -> None:
    from tepat.accounts.scope import register
    from tepat.jobs.models import Job

    register(Job, _uploads)
