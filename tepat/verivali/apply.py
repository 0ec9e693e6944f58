"""Applying an approved change request to the registry. Called only by actions.do_decide_change_request.

Every change goes through the registry writer (tepat.registry.writer), which writes the row, its `Change`
row (whose reason names the visit, the meeting and the approver) and the registry version; members and
families leave by deactivation (never deleted).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models

from tepat.accounts.actor import Actor
from tepat.engine.bilingual import Bilingual
from tepat.registry import writer
from tepat.registry.models import Change, Family, Member, Source
from tepat.registry.writer import Why
from tepat.verivali.lines import json_value, same
from tepat.verivali.messages import DECISION_MESSAGES
from tepat.verivali.models import ChangeLine, ChangeRequest, LineTarget


class DecisionRefused(ValueError, Bilingual):
    """A decision that cannot be taken as asked; the message says why in both languages."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.bilingual = DECISION_MESSAGES[code].format(**values)  # tepat.engine.bilingual.Message
        super().__init__(str(self.bilingual))


def history_reason(request: ChangeRequest, acting_user) -> str:
    visit, meeting = request.visit, request.musyawarah
    held = f"musyawarah #{meeting.pk} {meeting.held_on:%d-%m-%Y} {meeting.place}" if meeting else "tanpa musyawarah"
    approver = getattr(acting_user, "username", "") or "sistem"
    return (
        f"Verivali: kunjungan #{visit.pk} ({visit.enumerator.username}, {visit.campaign.name}); {held}; "
        f"disetujui {approver}"
    )[:255]


def stale_reason(request: ChangeRequest) -> DecisionRefused | None:
    """Why approving now would overwrite something that changed since the request was made, or None.
    `request` comes fresh from the database (locked), so `request.family` is read as stored now: the one
    read of the family, which apply_update then writes through."""
    family = request.family
    if family is None:
        return None
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


def _update(record: Family | Member, lines: list[ChangeLine], why: Why) -> Change:
    """The lines' proposed values written through the registry writer; history shows them as the form did."""
    values = {line.field: _value(type(record), line.field, line.proposed) for line in lines}
    return writer.update(record, values, why=why, shown={line.field: [line.current, line.proposed] for line in lines})


def apply_update(request: ChangeRequest, acting_user: Actor) -> list[Change]:
    """Family fields, member fields, new members, leaving members, then a leaving family: history in that
    order. Guarantee: the family's version grows by one (two when it leaves); the family is read once."""
    reason, family = history_reason(request, acting_user), request.family
    why, lines = Why.of(acting_user, reason), list(request.lines.all())
    fields = [l for l in lines if l.target == LineTarget.FAMILY and l.field != "is_active"]
    changes = [_update(family, fields, why)] if fields else []
    by_member: dict[int, list[ChangeLine]] = defaultdict(list)
    for line in lines:
        if line.target == LineTarget.MEMBER and line.field != "is_active":
            by_member[line.member_id].append(line)
    members = Member.objects.in_bulk({l.member_id for l in lines if l.target == LineTarget.MEMBER})
    for member_id, member_lines in by_member.items():  # in line order, as the history lists them
        changes.append(_update(members[member_id], member_lines, why))
    changes += add_members(family, request, lines, why)
    for line in lines:
        if line.target == LineTarget.MEMBER and line.field == "is_active":
            changes.append(writer.deactivate(members[line.member_id], why=_note(why, line.note)))
    if lines and not fields:
        writer.touch(family)
    leaving = [l for l in lines if l.target == LineTarget.FAMILY and l.field == "is_active"]
    if leaving:
        changes.append(writer.deactivate(family, why=_note(why, leaving[0].note)))
    return changes


def _note(why: Why, note: str) -> Why:
    """A leaving record's reason: the line's note, then the decision."""
    return why.saying(f"{note} ({why.reason})")


def add_members(family: Family, request: ChangeRequest, lines: list[ChangeLine], why: Why) -> list[Change]:
    grouped: dict[int, dict] = defaultdict(dict)
    for line in lines:
        if line.target == LineTarget.NEW_MEMBER:
            grouped[line.new_member_index][line.field] = line.proposed
    why = why.saying(f"anggota baru; {why.reason}")
    changes = []
    for index, values in sorted(grouped.items()):
        _member, change = writer.create(
            Member,
            {name: _value(Member, name, value) for name, value in values.items()},
            why=why,
            shown=values,
            family=family,
            source=Source.VERIVALI,
            source_key=f"vv{request.pk}-{index}",
        )
        changes.append(change)
    return changes


def apply_proposal(request: ChangeRequest, acting_user: Actor) -> list[Change]:
    """An approved usulan baru becomes a new active family (source verivali) with its members."""
    reason = history_reason(request, acting_user)
    why, lines = Why.of(acting_user, reason), list(request.lines.all())
    family_lines = [l for l in lines if l.target == LineTarget.FAMILY]
    family, first = writer.create(
        Family,
        {l.field: _value(Family, l.field, l.proposed) for l in family_lines},
        why=why.saying(f"usulan baru; {reason}"),
        shown={l.field: l.proposed for l in family_lines},
        source=Source.VERIVALI,
        source_key=f"vv{request.pk}",
        kelurahan=request.kelurahan,
    )
    request.created_family = family
    return [first, *add_members(family, request, lines, why)]
