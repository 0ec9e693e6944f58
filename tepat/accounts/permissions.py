"""The one permission question: `can(user, action, obj=None) -> Decision`.

Every view guard (tepat.web.decorators), template (`{% can "meetings.manage" as may_manage %}`, tepat.web.templatetags
.can), action (`do_*` that checks who acts) and export asks it. It is built from the role policy table (`POLICIES` in
tepat.accounts.roles) plus a few rules on the object acted on; which *rows* a user sees is the other half,
tepat.accounts.scope.

Action names: `<area>.<verb>`, lower case, one `Action` member each (`registry.view`, `meetings.follow_up`, ...).
An unknown name raises ValueError, so a typo in a template fails loudly instead of hiding a menu. docs/roles.md holds
the role x action table (a test compares it with this module) and the pages each action guards.

Objects: `meetings.follow_up` an action item (its `owner_id` is an OPD), `interventions.record` a program (its
`opd_id`), `targets.view` a target list (its program's OPD), `verivali.decide` a change request or a musyawarah (their
`kelurahan_id`) or a kelurahan `Region`. Other actions take no object (rows are scoped by tepat.accounts.scope).

Reason codes (`Decision.code`, stable; the message says the same in Indonesian and English):
  ok             allowed
  not_signed_in  no user or an anonymous one
  role           the user's role may not do this at all
  agency         an OPD operator without an OPD, or the object belongs to another OPD
  scope          the object lies outside the user's region (kelurahan)

Guarantee: `can` never raises for a known action and any user (None, anonymous, an unsaved User); it reads no
database (only the user's and the object's own fields). A refusal shown to a user is a 404 exactly like a missing
page (`require`), and its reason goes to the `tepat.access` log at INFO (user, action, code).
Cost: a dictionary look-up and a few attribute reads (a few µs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from django.http import Http404

from tepat.accounts.roles import Policy, Scope, policy_for
from tepat.engine.bilingual import Message

log = logging.getLogger("tepat.access")


class Action(StrEnum):
    REGISTRY_VIEW = "registry.view"
    REGISTRY_EXPORT = "registry.export"
    REGISTRY_IMPORT = "registry.import"
    RULES_EDIT = "rules.edit"
    TARGETS_FREEZE = "targets.freeze"
    TARGETS_VIEW = "targets.view"
    ALLOCATION_RUN = "allocation.run"
    GAPS_VIEW = "gaps.view"
    INTERVENTIONS_RECORD = "interventions.record"
    REALISASI_UPLOAD = "realisasi.upload"
    INDICATORS_FGT = "indicators.fgt"
    REPORTS_MAKE = "reports.make"
    MEETINGS_VIEW = "meetings.view"
    MEETINGS_MANAGE = "meetings.manage"
    MEETINGS_FOLLOW_UP = "meetings.follow_up"
    VERIVALI_VIEW = "verivali.view"
    VERIVALI_MUSYAWARAH = "verivali.musyawarah"
    VERIVALI_DECIDE = "verivali.decide"
    CAMPAIGNS_MANAGE = "campaigns.manage"
    VISITS_FILL = "visits.fill"
    LINKAGE_REVIEW = "linkage.review"
    USERS_MANAGE = "users.manage"


REASONS: dict[str, Message] = {
    "ok": Message("Diizinkan.", "Allowed."),
    "not_signed_in": Message("Silakan masuk terlebih dahulu.", "Please sign in first."),
    "role": Message("Peran Anda tidak memiliki akses ke {action}.", "Your role has no access to {action}."),
    "agency": Message("Hanya untuk operator OPD pemiliknya.", "Only for operators of the owning OPD."),
    "scope": Message("Di luar wilayah Anda.", "Outside your area."),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    code: str
    message: Message

    def __bool__(self) -> bool:
        return self.allowed


@cache
def _decision(code: str, action: Action) -> Decision:
    """Decisions are values: one per (code, action), built once."""
    return Decision(code == "ok", code, REASONS[code].format(action=action.value))


# --- object rules: (user, policy, obj) -> reason code -------------------------------------------------------------


def _own_agency(user, owner_id) -> str:
    return "ok" if owner_id is not None and owner_id == user.opd_id else "agency"


def _agency_user(user, policy: Policy, everything: bool) -> str:
    """Roles bound to one OPD need one; `everything` (the secretariat, rule editors) passes."""
    return "ok" if everything or not policy.agency or user.opd_id is not None else "agency"


def _follow_up(user, policy: Policy, item) -> str:
    if item is None or policy.secretariat:
        return _agency_user(user, policy, policy.secretariat)
    return _own_agency(user, item.owner_id)


def _program_of(obj):
    return getattr(obj, "program", obj)


def _agency_programs(user, policy: Policy, obj) -> str:
    """Programs, target lists: rule editors all; an OPD operator its own agency's (object: a program or a list)."""
    if obj is None or policy.can_edit_rules or not policy.agency:
        return _agency_user(user, policy, policy.can_edit_rules)
    return _own_agency(user, _program_of(obj).opd_id)


def _kelurahan_id(obj) -> int | None:
    """A change request's or musyawarah's kelurahan, or a kelurahan Region itself."""
    return obj.kelurahan_id if hasattr(obj, "kelurahan_id") else obj.pk


def _decides(user, policy: Policy, obj) -> str:
    """Campaign managers decide city-wide; a lurah their own kelurahan's requests."""
    if policy.manages_campaigns:
        return "ok"
    if obj is None:
        return "ok" if user.region_id is not None else "scope"
    return "ok" if user.region_id is not None and _kelurahan_id(obj) == user.region_id else "scope"


def _no_object(user, policy: Policy, obj) -> str:
    return "ok"


@dataclass(frozen=True)
class Rule:
    role: Callable[[Policy], bool]  # may the role do it at all (from the POLICIES flags)
    obj: Callable = _no_object  # (user, policy, obj or None) -> reason code


def _recorder(policy: Policy) -> bool:
    return policy.can_edit_rules or policy.scope == Scope.CITY


REVIEW_SCOPES = (Scope.CITY, Scope.KECAMATAN, Scope.KELURAHAN)

RULES: dict[Action, Rule] = {
    Action.REGISTRY_VIEW: Rule(lambda p: p.scope != Scope.NONE),
    Action.REGISTRY_EXPORT: Rule(lambda p: p.scope != Scope.NONE and p.can_export),
    Action.REGISTRY_IMPORT: Rule(lambda p: p.can_import),
    Action.RULES_EDIT: Rule(lambda p: p.can_edit_rules),
    Action.TARGETS_FREEZE: Rule(lambda p: p.can_edit_rules),
    Action.TARGETS_VIEW: Rule(lambda p: p.can_edit_rules or p.agency, _agency_programs),
    Action.ALLOCATION_RUN: Rule(lambda p: p.can_edit_rules),
    Action.GAPS_VIEW: Rule(lambda p: p.can_edit_rules),
    Action.INTERVENTIONS_RECORD: Rule(_recorder, _agency_programs),
    Action.REALISASI_UPLOAD: Rule(_recorder),
    Action.INDICATORS_FGT: Rule(lambda p: p.secretariat),
    Action.REPORTS_MAKE: Rule(lambda p: p.secretariat),
    Action.MEETINGS_VIEW: Rule(lambda p: True),
    Action.MEETINGS_MANAGE: Rule(lambda p: p.secretariat),
    Action.MEETINGS_FOLLOW_UP: Rule(lambda p: p.secretariat or p.agency, _follow_up),
    Action.VERIVALI_VIEW: Rule(lambda p: p.verivali),
    Action.VERIVALI_MUSYAWARAH: Rule(lambda p: p.musyawarah),
    Action.VERIVALI_DECIDE: Rule(
        lambda p: p.manages_campaigns or (p.verivali and p.scope == Scope.KELURAHAN), _decides
    ),
    Action.CAMPAIGNS_MANAGE: Rule(lambda p: p.manages_campaigns),
    Action.VISITS_FILL: Rule(lambda p: p.visits_families),
    Action.LINKAGE_REVIEW: Rule(lambda p: p.verivali and p.scope in REVIEW_SCOPES),
    Action.USERS_MANAGE: Rule(lambda p: p.manages_users),
}


ACTIONS: dict[str, Action] = {a.value: a for a in Action}


def _action(name: Action | str) -> Action:
    """The Action of a name (an Action is its own name); ValueError for an unknown one."""
    try:
        return ACTIONS[name]
    except KeyError:
        raise ValueError(f"unknown action {name!r}; known: {', '.join(ACTIONS)}") from None


def can(user, action: Action | str, obj=None) -> Decision:
    """May this user do this action (on this object)? A Decision: true or false, with a reason code and message."""
    action = _action(action)
    if not getattr(user, "is_authenticated", False):
        return _decision("not_signed_in", action)
    rule, policy = RULES[action], policy_for(user)
    if not rule.role(policy):
        return _decision("role", action)
    return _decision(rule.obj(user, policy, obj), action)


def refused(user, action: str, code: str) -> None:
    """Write a refusal's reason to the access log (the user sees a plain 404)."""
    log.info("refused user=%s action=%s code=%s", getattr(user, "username", None) or "-", action, code)


def require(user, action: Action | str, obj=None) -> Decision:
    """`can`, or Http404 with the reason logged: pages do not reveal what exists."""
    decision = can(user, action, obj)
    if not decision:
        refused(user, _action(action).value, decision.code)
        raise Http404
    return decision
