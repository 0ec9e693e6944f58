"""Who may do what with meetings: the Bapperida secretariat manages them, OPD operators follow up their items.

Meetings hold no personal data from the registry (only officials' names and institutions), so every
signed-in user may read the meeting pages; action items are shown to the secretariat and to the
owning OPD's operators only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tepat.accounts.roles import Role, policy_for


def can_manage(user) -> bool:
    """The Bapperida secretariat (analyst, admin): create and edit meetings, record attendance and minutes."""
    return bool(getattr(user, "is_authenticated", False)) and policy_for(user).secretariat


def is_opd_operator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.OPD and user.opd_id is not None


def can_follow_up(user) -> bool:
    """Sees an action item list at all."""
    return can_manage(user) or is_opd_operator(user)


def visible_items(user, queryset: QuerySet) -> QuerySet:
    """The secretariat sees every action item, an OPD operator those owned by their OPD, others none."""
    if can_manage(user):
        return queryset
    if is_opd_operator(user):
        return queryset.filter(owner_id=user.opd_id)
    return queryset.none()


def can_report_on(user, item) -> bool:
    """Record progress on (or close) this item: the secretariat, or an operator of the owning OPD."""
    return can_manage(user) or (is_opd_operator(user) and user.opd_id == item.owner_id)
