"""The one template question about permissions: `{% load can %}{% can "meetings.manage" as may_manage %}`.

Templates test no role names and no policy flags; they ask `tepat.accounts.permissions.can` through this tag (with
an optional object: `{% can "meetings.follow_up" item as may_report %}`). An unknown action name raises.
"""

from __future__ import annotations

from django import template

from tepat.accounts.permissions import can as decide

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    return bool(decide(context["user"], action, obj))
