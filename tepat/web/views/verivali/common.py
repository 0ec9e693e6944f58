"""Display helpers shared by the verivali pages (their guards are in tepat/web/decorators.py)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tepat.accounts.masking import identity_for
from tepat.registry.fields import IDENTITY_FIELDS
from tepat.verivali.forms import FIELD_LABELS
from tepat.verivali.models import ChangeLine, ChangeRequest, LineTarget

# Prefetch for every request whose lines a page shows (line_rows reads them, with their member, from this cache).
LINES = Prefetch("lines", queryset=ChangeLine.objects.select_related("member"))


def shown(user, field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("aktif")
    if value is False:
        return _("nonaktif")
    return identity_for(user, str(value)) if field in IDENTITY_FIELDS else str(value)


def line_rows(request: ChangeRequest, user) -> list[dict]:
    """Current vs proposed, field by field, as this user may see them (NIK / No KK masked per role).
    No query when `request` was loaded with `prefetch_related(LINES)`."""
    rows = []
    for line in request.lines.all():
        if line.target == LineTarget.FAMILY:
            who = _("keluarga")
        elif line.target == LineTarget.MEMBER:
            who = line.member.nama
        else:
            who = _("anggota baru %(n)s") % {"n": line.new_member_index + 1}
        rows.append(
            {
                "who": who,
                "target": line.get_target_display(),
                "field": str(FIELD_LABELS.get(line.field, line.field)),
                "current": shown(user, line.field, line.current),
                "proposed": shown(user, line.field, line.proposed),
                "note": line.note,
            }
        )
    return rows
