"""Every permission question the API asks, in one place, named by the API's action.

Each API action is one of `tepat.accounts.permissions.Action` (the same `can()` the pages ask), or `None`
for what every signed-in user may read on the pages too (regions, target lists and indicators: their rows
are narrowed by `tepat.accounts.scope.scoped`; meetings hold no registry data). A refusal is answered as
the pages answer it: 404 (we do not reveal what exists), with the reason in the `tepat.access` log.
"""

from __future__ import annotations

from django.http import Http404

from tepat.accounts.permissions import Action, can
from tepat.meetings import access as meetings

# API action -> the pages' action (None: any signed-in user, as @login_required pages).
ACTIONS: dict[str, Action | None] = {
    "regions.view": None,
    "registry.view": Action.REGISTRY_VIEW,
    "programs.view": Action.RULES_EDIT,
    "rules.check": Action.RULES_EDIT,
    "targets.view": None,  # the target-list pages: every signed-in user, lists through scoped()
    "interventions.view": Action.INTERVENTIONS_RECORD,
    "interventions.record": Action.INTERVENTIONS_RECORD,
    "verivali.view": Action.VERIVALI_VIEW,
    "verivali.visit": Action.VISITS_FILL,
    "indicators.view": None,
    "convergence.view": Action.GAPS_VIEW,
    "meetings.view": Action.MEETINGS_VIEW,
    "action_items.view": Action.MEETINGS_FOLLOW_UP,
    "action_items.report": Action.MEETINGS_FOLLOW_UP,
}


def may(user, action: str, obj=None) -> bool:
    """Whether `user` may do `action` (on `obj`). An unknown action is a programming error (KeyError)."""
    asked = ACTIONS[action]
    if not getattr(user, "is_authenticated", False):
        return False
    return asked is None or bool(can(user, asked, obj))


def action_items(user, queryset):
    """The action items this user sees (tepat.meetings.access.visible_items)."""
    return meetings.visible_items(user, queryset)


def require(request, action: str, obj=None) -> None:
    """Raise 404 (as the pages do) unless the request's user may do `action`."""
    if not may(request.user, action, obj):
        raise Http404
