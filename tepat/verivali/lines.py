"""From a checked visit to change lines (current vs proposed), and the conflicts those lines run into."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from tepat.registry.models import Family
from tepat.verivali.messages import MESSAGES
from tepat.verivali.models import (
    DEACTIVATING,
    ChangeLine,
    ChangeRequest,
    Keberadaan,
    LineTarget,
    RequestStatus,
)
from tepat.verivali.payload import MemberInput, VisitInput, reject

OPEN = (RequestStatus.PENDING, RequestStatus.CONFLICT)


def json_value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def same(current, proposed) -> bool:
    """Equal as the registry would store them ('' and None both mean empty)."""
    current, proposed = json_value(current), json_value(proposed)
    if current in ("", None) and proposed in ("", None):
        return True
    if isinstance(current, float) or isinstance(proposed, float):
        try:
            return float(current) == float(proposed)
        except (TypeError, ValueError):
            return False
    return current == proposed


def why(keberadaan: str, keterangan: str, alasan: str = "") -> str:
    """The reason stored with a change (registry history, berita acara): Indonesian whatever the user's language."""
    with translation.override("id"):
        parts = [str(Keberadaan(keberadaan).label), keterangan, alasan]
    return "; ".join(p for p in parts if p)[:255]


LEADING_ZERO_FIELDS = ("rt", "rw")


def padded_like(current, proposed):
    """An RT/RW that lost its leading zeros in a spreadsheet ('3' for '003') written as the registry writes it."""
    if isinstance(current, str) and isinstance(proposed, str) and current.isdigit() and proposed.isdigit():
        return proposed.zfill(len(current))
    return proposed


def family_lines(family: Family, visit: VisitInput) -> list[ChangeLine]:
    fields = {
        name: padded_like(getattr(family, name), value) if name in LEADING_ZERO_FIELDS else value
        for name, value in visit.fields.items()
    }
    lines = [
        ChangeLine(
            target=LineTarget.FAMILY, field=name, current=json_value(getattr(family, name)), proposed=json_value(value)
        )
        for name, value in fields.items()
        if not same(getattr(family, name), value)
    ]
    if visit.gps and family.latitude is None:
        lines += [
            ChangeLine(target=LineTarget.FAMILY, field="latitude", current=None, proposed=visit.gps["lat"]),
            ChangeLine(target=LineTarget.FAMILY, field="longitude", current=None, proposed=visit.gps["lon"]),
        ]
    leaves = visit.keberadaan in DEACTIVATING or not visit.memenuhi_kriteria
    if leaves and family.is_active:
        note = why(
            visit.keberadaan,
            visit.keterangan,
            "" if visit.memenuhi_kriteria else f"tidak memenuhi kriteria: {visit.alasan}",
        )
        lines.append(ChangeLine(target=LineTarget.FAMILY, field="is_active", current=True, proposed=False, note=note))
    return lines


def member_lines(family: Family, members: list[MemberInput]) -> list[ChangeLine]:
    known = {m.pk: m for m in family.members.all()}
    lines, new_index = [], 0
    for entry in members:
        if entry.member_id is None:
            lines += [
                ChangeLine(
                    target=LineTarget.NEW_MEMBER,
                    new_member_index=new_index,
                    field=name,
                    current=None,
                    proposed=json_value(value),
                )
                for name, value in entry.fields.items()
                if value not in ("", None)
            ]
            new_index += 1
            continue
        member = known.get(entry.member_id)
        if member is None:
            raise reject("unknown_member", "members", member=entry.member_id, family=family.pk)
        lines += [
            ChangeLine(
                target=LineTarget.MEMBER,
                member=member,
                field=name,
                current=json_value(getattr(member, name)),
                proposed=json_value(value),
            )
            for name, value in entry.fields.items()
            if not same(getattr(member, name), value)
        ]
        if entry.keberadaan in DEACTIVATING and member.is_active:
            lines.append(
                ChangeLine(
                    target=LineTarget.MEMBER,
                    member=member,
                    field="is_active",
                    current=True,
                    proposed=False,
                    note=why(entry.keberadaan, entry.keterangan),
                )
            )
    return lines


def proposal_lines(visit: VisitInput) -> list[ChangeLine]:
    lines = [
        ChangeLine(target=LineTarget.FAMILY, field=name, current=None, proposed=json_value(value))
        for name, value in visit.fields.items()
        if value not in ("", None)
    ]
    if visit.gps:
        lines += [
            ChangeLine(target=LineTarget.FAMILY, field="latitude", current=None, proposed=visit.gps["lat"]),
            ChangeLine(target=LineTarget.FAMILY, field="longitude", current=None, proposed=visit.gps["lon"]),
        ]
    new_members = [m for m in visit.members if m.member_id is None]
    for index, entry in enumerate(new_members):
        lines += [
            ChangeLine(
                target=LineTarget.NEW_MEMBER,
                new_member_index=index,
                field=name,
                current=None,
                proposed=json_value(value),
            )
            for name, value in entry.fields.items()
            if value not in ("", None)
        ]
    return lines


def conflict_for(
    request: ChangeRequest, lines: list[ChangeLine], started_version: int | None
) -> tuple[ChangeRequest | None, str]:
    """(the other open request, message) when this one collides; (None, message) for a stale visit; (None, '') if clear."""
    family = request.family
    if family is None:
        return None, ""
    keys = {line.key(): line.field for line in lines if line.target != LineTarget.NEW_MEMBER}
    others = ChangeLine.objects.filter(request__family=family, request__status__in=OPEN).exclude(request=request)
    for other in others.exclude(target=LineTarget.NEW_MEMBER).select_related("request"):
        if other.key() in keys:
            message = MESSAGES["conflict_field"].text(other=other.request_id, field=other.field)
            return other.request, message
    if started_version is not None and started_version != family.version:
        return None, MESSAGES["stale_visit"].text(then=started_version, now=family.version)
    return None, ""
