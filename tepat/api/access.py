"""Every permission question the API asks, in one place, named by action.

Today each action is answered by the existing policy: the role flags (tepat.accounts.roles.policy_for), the
page predicates (tepat.web.decorators) and the meetings rules (tepat.meetings.access); which rows a user
sees is still `tepat.accounts.scope.scoped`. When `tepat.accounts.permissions.can(user, action, obj)`
lands, `may` becomes `can(user, action, obj).allowed` and nothing else in tepat/api changes.

A refusal is answered as the pages answer it: 404 (we do not reveal what exists).
"""

from __future__ import annotations

from collections.abc import Callable

from tepat.accounts.roles import Policy, Scope, policy_for
from tepat.meetings import access as meetings
from tepat.web.decorators import records_interventions

# action -> question over (policy, user, object); the pages' decorator for each is named in the comment.
ACTIONS: dict[str, Callable[[Policy, object, object], bool]] = {
    "regions.view": lambda p, u, o: True,  # public master data
    "registry.view": lambda p, u, o: p.scope != Scope.NONE,  # @personal_data
    "programs.view": lambda p, u, o: p.can_edit_rules,  # @rule_editor (program pages)
    "rules.check": lambda p, u, o: p.can_edit_rules,  # @rule_editor (rule_preview)
    "targets.view": lambda p, u, o: True,  # @login_required; rows through scoped()
    "interventions.view": lambda p, u, o: records_interventions(p),  # @intervention_recorder
    "interventions.record": lambda p, u, o: records_interventions(p),  # @intervention_recorder
    "verivali.view": lambda p, u, o: p.verivali,  # @verivali_user; rows through scoped()
    "verivali.visit": lambda p, u, o: p.visits_families,  # @visitor (the visit form)
    "indicators.view": lambda p, u, o: True,  # @login_required (published aggregates)
    "convergence.view": lambda p, u, o: p.can_edit_rules,  # @rule_editor (the gap page)
    "meetings.view": lambda p, u, o: True,  # @login_required (meetings hold no registry data)
    "action_items.view": lambda p, u, o: meetings.can_follow_up(u),
    "action_items.report": lambda p, u, o: meetings.can_report_on(u, o),
}


def may(user, action: str, obj=None) -> bool:
    """Whether `user` may do `action` (on `obj`). An unknown action is a programming error (KeyError)."""
    question = ACTIONS[action]
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(question(policy_for(user), user, obj))


def action_items(user, queryset):
    """The action items this user sees (tepat.meetings.access.visible_items)."""
    return meetings.visible_items(user, queryset)


def require(request, action: str, obj=None) -> None:
    """Raise 404 (as the pages do) unless the request's user may do `action`."""
    from django.http import Http404

    if not may(request.user, action, obj):
        raise Http404
