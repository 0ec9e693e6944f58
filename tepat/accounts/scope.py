"""The one place that decides which registry rows a user may see. Every view and export uses it.

Out-of-scope objects are indistinguishable from missing ones: `get_in_scope_or_404` raises 404.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from tepat.accounts.roles import Role, Scope, policy_for
from tepat.registry.models import Family, ImportBatch, Member


def family_filter(user) -> Q | None:
    """A Q over Family for this user's scope; None means everything, Q(pk__in=[]) nothing."""
    scope = policy_for(user).scope
    if scope == Scope.CITY:
        return None
    if scope == Scope.KECAMATAN and user.region_id:
        return Q(kelurahan__parent_id=user.region_id)
    if scope == Scope.KELURAHAN and user.region_id:
        return Q(kelurahan_id=user.region_id)
    if scope == Scope.ASSIGNED:
        return Q(pk__in=user.assignments.filter(is_active=True).values("family_id"))
    return Q(pk__in=[])


def _prefixed(condition: Q | None, prefix: str) -> Q | None:
    if condition is None:
        return None
    return Q(**{f"{prefix}__in": Family.objects.filter(condition).values("pk")})


def _either_family(condition: Q | None) -> Q | None:
    """Linkage pairs: visible when either record's family is in scope."""
    if condition is None:
        return None
    families = Family.objects.filter(condition).values("pk")
    return Q(left_family__in=families) | Q(right_family__in=families)


SCOPED_MODELS = {
    Family: family_filter,
    Member: lambda user: _prefixed(family_filter(user), "family"),
}


def _agency_programs(user, queryset: QuerySet) -> QuerySet:
    """Target lists and interventions: rule editors see all; an OPD operator those of their own agency's programs."""
    policy = policy_for(user)
    if policy.can_edit_rules:
        return queryset
    if user.is_authenticated and user.role == Role.OPD and user.opd_id:
        return queryset.filter(program__opd_id=user.opd_id)
    return queryset.none()


# Verivali models: (field naming the enumerator who owns the row, field naming its kelurahan).
VERIVALI_FIELDS = {
    "Campaign": ("families__enumerator", "kelurahan"),
    "CampaignFamily": ("enumerator", "family__kelurahan"),
    "Visit": ("enumerator", "kelurahan"),
    "ChangeRequest": ("visit__enumerator", "kelurahan"),
    "Musyawarah": (None, "kelurahan"),
}


def _verivali(user, queryset: QuerySet) -> QuerySet:
    """Roles with verivali rights, by their scope: the city (analyst, admin) all; the assigned scope
    (enumerator) their own assignments and visits; a kelurahan or kecamatan its area. Others nothing."""
    mine, area = VERIVALI_FIELDS[queryset.model.__name__]
    policy = policy_for(user)
    if not user.is_authenticated or not policy.verivali:
        return queryset.none()
    if policy.scope == Scope.CITY:
        return queryset
    if policy.scope == Scope.ASSIGNED and mine:
        return queryset.filter(**{mine: user}).distinct()
    if policy.scope == Scope.KELURAHAN and user.region_id:
        return queryset.filter(**{area: user.region_id}).distinct()
    if policy.scope == Scope.KECAMATAN and user.region_id:
        return queryset.filter(**{f"{area}__parent_id": user.region_id}).distinct()
    return queryset.none()


def _uploads(user, queryset: QuerySet) -> QuerySet:
    """Background jobs: a realisasi upload as the realisasi page scopes it (rule editors all, an OPD
    operator the uploads of its agency's operators, anyone else their own); other kinds are reached
    through their campaign or batch, which the caller has already scoped."""
    if policy_for(user).can_edit_rules:
        return queryset
    same_opd = user.role == Role.OPD and user.opd_id
    own = Q(user__opd_id=user.opd_id, user__role=Role.OPD) if same_opd else Q(user=user)
    return queryset.filter(~Q(kind="realisasi") | own)


def scoped(user, queryset: QuerySet) -> QuerySet:
    """Restrict any registry queryset to the user's scope."""
    from tepat.programs.models import Intervention, TargetList

    if queryset.model._meta.app_label == "verivali":
        return _verivali(user, queryset)
    if queryset.model is ImportBatch:
        return queryset if policy_for(user).can_import else queryset.none()
    if queryset.model in (TargetList, Intervention):
        return _agency_programs(user, queryset)
    if queryset.model._meta.label == "jobs.Job":
        return _uploads(user, queryset)
    if queryset.model._meta.label == "linkage.Pair":
        condition = _either_family(family_filter(user))
        return queryset if condition is None else queryset.filter(condition)
    condition = SCOPED_MODELS[queryset.model](user)
    return queryset if condition is None else queryset.filter(condition)


def get_in_scope_or_404(user, queryset: QuerySet, **lookup) -> Model:
    return get_object_or_404(scoped(user, queryset), **lookup)


def aggregate_families(user) -> QuerySet:
    """Families counted in aggregates: the user's scope, or the whole city for the aggregate-only viewer."""
    if policy_for(user).scope == Scope.NONE and user.is_authenticated:
        return Family.objects.all()
    return scoped(user, Family.objects.all())
