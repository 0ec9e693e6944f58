"""Guards and display helpers shared by the verivali pages."""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from tepat.accounts.masking import identity_for
from tepat.accounts.roles import Role
from tepat.registry.fields import IDENTITY_FIELDS
from tepat.verivali.forms import FIELD_LABELS
from tepat.verivali.models import ChangeRequest, LineTarget

VERIVALI_ROLES = (Role.ADMIN, Role.ANALYST, Role.CAMAT, Role.LURAH, Role.ENUMERATOR)
MANAGERS = (Role.ADMIN, Role.ANALYST)
VISITORS = (Role.ADMIN, Role.ANALYST, Role.ENUMERATOR)


def roles(*allowed):
    """Allow the view for these roles only; others get 404 (we do not reveal what exists)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.role not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


verivali_user = roles(*VERIVALI_ROLES)
campaign_manager = roles(*MANAGERS)
visitor = roles(*VISITORS)


def shown(user, field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("aktif")
    if value is False:
        return _("nonaktif")
    return identity_for(user, str(value)) if field in IDENTITY_FIELDS else str(value)


def line_rows(request: ChangeRequest, user) -> list[dict]:
    """Current vs proposed, field by field, as this user may see them (NIK / No KK masked per role)."""
    rows = []
    for line in request.lines.select_related("member"):
        if line.target == LineTarget.FAMILY:
            who = _("keluarga")
        elif line.target == LineTarget.MEMBER:
            who = line.member.nama
        else:
            who = _("anggota baru %(n)s") % {"n": line.new_member_index + 1}
        rows.append({"who": who, "target": line.get_target_display(), "field": str(FIELD_LABELS.get(line.field, line.field)),
                     "current": shown(user, line.field, line.current), "proposed": shown(user, line.field, line.proposed),
                     "note": line.note})
    return rows
