"""The one place that decides which rows a user may see. Every view and export uses it.

Each app registers its models here in its `AppConfig.ready()` (`register(model, scope_function)`), built from the
helpers below; this module imports no other app but the registry (families are what every scope is made of).
`scoped()` on a model nobody registered raises `KeyError`: an unscoped model never leaks.

Out-of-scope objects are indistinguishable from missing ones: `get_in_scope_or_404` raises 404 (and writes the reason,
`scope` or `missing`, to the `tepat.access` log).

Guarantee: a scope function only narrows the queryset it is given (filter / none), never widens it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from tepat.accounts.permissions import Action, can, refused
from tepat.accounts.roles import Scope, policy_for
from tepat.registry.models import Family

ScopeFunction = Callable[[object, QuerySet], QuerySet]
REGISTERED: dict[type[Model], ScopeFunction] = {}


def register(model: type[Model], scope_function: ScopeFunction) -> None:
    """Make `scoped(user, model.objects...)` call scope_function(user, queryset). Called from AppConfig.ready()."""
    REGISTERED[model] = scope_function


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


def _narrowed(queryset: QuerySet, condition: Q | None) -> QuerySet:
    return queryset if condition is None else queryset.filter(condition)


def families(user, queryset: QuerySet) -> QuerySet:
    """Families by the role's scope."""
    return _narrowed(queryset, family_filter(user))


def through_family(prefix: str) -> ScopeFunction:
    """Rows that belong to one family (members: "family"): visible when that family is."""

    def scope(user, queryset: QuerySet) -> QuerySet:
        condition = family_filter(user)
        if condition is None:
            return queryset
        return queryset.filter(**{f"{prefix}__in": Family.objects.filter(condition).values("pk")})

    return scope


def either_family(left: str, right: str) -> ScopeFunction:
    """Rows linking two families (linkage pairs): visible when either family is in scope."""

    def scope(user, queryset: QuerySet) -> QuerySet:
        condition = family_filter(user)
        if condition is None:
            return queryset
        in_scope = Family.objects.filter(condition).values("pk")
        return queryset.filter(Q(**{f"{left}__in": in_scope}) | Q(**{f"{right}__in": in_scope}))

    return scope


def allowed_to(action: Action) -> ScopeFunction:
    """All rows for users who may do the action, none for the others (e.g. import batches: `registry.import`)."""
    return lambda user, queryset: queryset if can(user, action) else queryset.none()


def by_agency(action: Action, owner: str, everything: Callable) -> ScopeFunction:
    """Rows owned by an OPD (`owner` names the OPD field): all for roles with `everything(policy)`, an OPD
    operator's own agency's rows when they may do `action`, none for the others."""

    def scope(user, queryset: QuerySet) -> QuerySet:
        if not can(user, action):
            return queryset.none()
        if everything(policy_for(user)):
            return queryset
        return queryset.filter(**{owner: user.opd_id})

    return scope


def by_area(action: Action, mine: str | None, area: str) -> ScopeFunction:
    """Verivali rows for users who may do `action`, by their scope: the city all; the assigned scope (enumerator)
    the rows naming them in `mine`; a kelurahan or kecamatan the rows whose `area` (a kelurahan) lies in it."""

    def scope(user, queryset: QuerySet) -> QuerySet:
        policy = policy_for(user)
        if not can(user, action):
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

    return scope


def scoped(user, queryset: QuerySet) -> QuerySet:
    """Restrict any registered queryset to the user's scope; an unregistered model raises KeyError."""
    try:
        scope = REGISTERED[queryset.model]
    except KeyError:
        raise KeyError(f"{queryset.model._meta.label}: no scope registered (tepat.accounts.scope.register)") from None
    return scope(user, queryset)


def get_in_scope_or_404(user, queryset: QuerySet, **lookup) -> Model:
    """The object, or 404 whether it is missing or out of scope (the log tells which)."""
    try:
        return scoped(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        code = "scope" if queryset.filter(**lookup).exists() else "missing"
        refused(user, f"get {queryset.model._meta.label}", code)
        raise Http404 from None


def aggregate_families(user) -> QuerySet:
    """Families counted in aggregates: the user's scope, or the whole city for the aggregate-only viewer."""
    if policy_for(user).scope == Scope.NONE and user.is_authenticated:
        return Family.objects.all()
    return scoped(user, Family.objects.all())
