"""Who may do what with meetings, as one-line questions to tepat.accounts.permissions.can.

Meetings hold no personal data from the registry (only officials' names and institutions), so every signed-in user
may read the meeting pages (`meetings.view`); the secretariat (analyst, admin) manages them (`meetings.manage`); action
items are shown to the secretariat and to the owning OPD's operators only (`meetings.follow_up`, scope registered in
tepat.meetings.apps).
"""

from __future__ import annotations

from django.db.models import QuerySet

from tepat.accounts.permissions import Action, can
from tepat.accounts.scope import scoped


def can_manage(user) -> bool:
    return bool(can(user, Action.MEETINGS_MANAGE))


def can_follow_up(user) -> bool:
    return bool(can(user, Action.MEETINGS_FOLLOW_UP))


def visible_items(user, queryset: QuerySet) -> QuerySet:
    return scoped(user, queryset)


def can_report_on(user, item) -> bool:
    return bool(can(user, Action.MEETINGS_FOLLOW_UP, item))
