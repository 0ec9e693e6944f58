"""Which families a page may link to: a row that names a family links to its page only when the
user may open that page (within their scope), so a link never leads to a 404."""

from __future__ import annotations

from collections.abc import Iterable

from tepat.accounts.permissions import Action, can
from tepat.accounts.scope import scoped
from tepat.registry.models import Family


def linkable_families(user, family_ids: Iterable[int | None]) -> set[int]:
    """The ids among `family_ids` whose family page `user` may open. One query (none without scope)."""
    wanted = {i for i in family_ids if i is not None}
    if not wanted or not can(user, Action.REGISTRY_VIEW):
        return set()
    return set(scoped(user, Family.objects.filter(pk__in=wanted)).values_list("pk", flat=True))
