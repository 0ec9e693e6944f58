"""Applying an approved change request to the registry. Called only by actions.do_decide_change_request.

Every change writes registry `Change` rows whose reason names the visit, the meeting and the approver;
members and families leave through the registry's own deactivation actions (never deleted).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.db.models import F
from django.utils import timezone

from tepat.registry.actions import do_deactivate_family, do_deactivate_member
from tepat.registry.models import Change, ChangeAction, Family, Member, Source
from tepat.verivali.lines import json_value, same
from tepat.verivali.messages import DECISION_MESSAGES
from tepat.verivali.models import ChangeLine, ChangeRequest, LineTarget


class DecisionRefused(ValueError):
    """A decision that cannot be taken as asked; the message says why in both languages."""

    def __init__(self, code: str, **values: object) -> None:
        message = DECISION_MESSAGES[code]
        self.code, self.message_id, self.message_en = code, message.id.format(**values), message.en.format(**values)
        super().__init__(f"{self.message_id} / {self.message_en}")


def history_reason(request: ChangeRequest, acting_user) -> str:
    visit, meeting = request.visit, request.musyawarah
    held = f"musyawarah #{meeting.pk} {meeting.held_on:%d-%m-%Y} {meeting.place}" if meeting else "tanpa musyawarah"
    approver = getattr(acting_user, "username", "") or "sistem"
    return (
        f"Verivali: kunjungan #{visit.pk} ({visit.enumerator.username}, {visit.campaign.name}); {held}; "
        f"disetujui {approver}"
    )[:255]


def stale_reason(request: ChangeRequest) -> DecisionRefused | None:
    """Why approving now would overwrite something that changed since the request was made, or None."""
    family = request.family
    if family is None:
        return None
    family.refresh_from_db()
    if request.family_version is not None and family.version != request.family_version:
        return DecisionRefused("family_changed", request=request.pk, then=request.family_version, now=family.version)
    members = {m.pk: m for m in family.members.all()}
    for line in request.lines.exclude(target=LineTarget.NEW_MEMBER):
        record = family if line.target == LineTarget.FAMILY else members[line.member_id]
        now = json_value(getattr(record, line.field))
        if not same(now, line.current):
            return DecisionRefused("value_changed", request=request.pk, field=line.field, then=line.current, now=now)
    return None


def _value(model, name: str, value):
    """A line's JSON value as the model field stores it; None clears (empty text for text fields)."""
    field = model._meta.get_field(name)
    if value is None:
        return "" if isinstance(field, models.CharField) else None
    return field.to_python(value)


def _update(record, lines: list[ChangeLine], reason: str, acting_user, member=None) -> Change:
    model = type(record)
    changed = {line.field: [line.current, line.proposed] for line in lines}
    values = {line.field: _value(model, line.field, line.proposed) for line in lines}
    model.objects.filter(pk=record.pk).update(**values, version=F("version") + 1, updated_at=timezone.now())
    family_id = record.pk if model is Family else record.family_id
    return Change.objects.create(
        family_id=family_id, member=member, action=ChangeAction.UPDATE, fields=changed, reason=reason, user=acting_user
    )


def apply_update(request: ChangeRequest, acting_user) -> list[Change]:
    reason, family = history_reason(request, acting_user), request.family
    lines = list(request.lines.all())
    fields = [l for l in lines if l.target == LineTarget.FAMILY and l.field != "is_active"]
    changes = [_update(family, fields, reason, acting_user)] if fields else []
    by_member: dict[int, list[ChangeLine]] = defaultdict(list)
    for line in lines:
        if line.target == LineTarget.MEMBER and line.field != "is_active":
            by_member[line.member_id].append(line)
    members = Member.objects.in_bulk(by_member)
    for member_id, member_lines in by_member.items():  # in line order, as the history lists them
        changes.append(_update(members[member_id], member_lines, reason, acting_user, member=members[member_id]))
    changes += add_members(family, request, lines, reason, acting_user)
    leaving_members = [l for l in lines if l.target == LineTarget.MEMBER and l.field == "is_active"]
    fresh = Member.objects.in_bulk([l.member_id for l in leaving_members])  # read after the updates: current versions
    for line in leaving_members:
        changes.append(_deactivate_member(fresh[line.member_id], f"{line.note} ({reason})", acting_user))
    if lines:
        Family.objects.filter(pk=family.pk).update(
            version=F("version") + (0 if fields else 1), updated_at=timezone.now()
        )
    family.refresh_from_db()
    leaving = [l for l in lines if l.target == LineTarget.FAMILY and l.field == "is_active"]
    if leaving:
        changes.append(
            do_deactivate_family(family, acting_user=acting_user, reason=f"{leaving[0].note} ({reason})"[:255])
        )
    return changes


def _deactivate_member(member: Member, reason: str, acting_user) -> Change:
    return do_deactivate_member(member, acting_user=acting_user, reason=reason[:255])


def add_members(
    family: Family, request: ChangeRequest, lines: list[ChangeLine], reason: str, acting_user
) -> list[Change]:
    grouped: dict[int, dict] = defaultdict(dict)
    for line in lines:
        if line.target == LineTarget.NEW_MEMBER:
            grouped[line.new_member_index][line.field] = line.proposed
    changes = []
    for index, values in sorted(grouped.items()):
        member = Member.objects.create(
            family=family,
            source=Source.VERIVALI,
            source_key=f"vv{request.pk}-{index}",
            **{name: _value(Member, name, value) for name, value in values.items()},
        )
        changes.append(
            Change.objects.create(
                family=family,
                member=member,
                action=ChangeAction.UPDATE,
                fields={k: [None, v] for k, v in values.items()},
                reason=f"anggota baru; {reason}"[:255],
                user=acting_user,
            )
        )
    return changes


def apply_proposal(request: ChangeRequest, acting_user) -> list[Change]:
    """An approved usulan baru becomes a new active family (source verivali) with its members."""
    reason = history_reason(request, acting_user)
    lines = list(request.lines.all())
    values = {l.field: _value(Family, l.field, l.proposed) for l in lines if l.target == LineTarget.FAMILY}
    family = Family.objects.create(
        source=Source.VERIVALI, source_key=f"vv{request.pk}", kelurahan=request.kelurahan, **values
    )
    first = Change.objects.create(
        family=family,
        action=ChangeAction.UPDATE,
        fields={l.field: [None, l.proposed] for l in lines if l.target == LineTarget.FAMILY},
        reason=f"usulan baru; {reason}"[:255],
        user=acting_user,
    )
    request.created_family = family
    return [first, *add_members(family, request, lines, reason, acting_user)]
