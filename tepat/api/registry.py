"""Regions, families (with members) and a family's history: the family pages' filters, scope, masking and log.

The rows come from the same code as the pages and downloads: `FamilyFilter`, `scoped`, `family_frame`
(masked per role, the CSV's column names), `identity_for` and `masked_changes`.
"""

from __future__ import annotations

from datetime import date, datetime


from ninja import Query, Router, Schema

from tepat.accounts.masking import identity_for, log_access, masked_changes
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.api.access import require
from tepat.api.listing import keyset, open_schema, page_schema, paged, selected
from tepat.regions.models import Region
from tepat.registry.exports import FAMILY_EXPORT, family_frame
from tepat.registry.filters import FamilyFilter
from tepat.registry.models import Family

router = Router(tags=["registry"])

FAMILY_COLUMNS = {"id": int, **dict.fromkeys(FAMILY_EXPORT.values(), str)}
FamilyOut = open_schema("Family", FAMILY_COLUMNS)
FamilyPage = page_schema("Family", FamilyOut)
REGION_COLUMNS = {"id": int, "code": str, "name": str, "level": str, "parent_code": str, "bps_code": str}
RegionOut = open_schema("Region", REGION_COLUMNS)
RegionPage = page_schema("Region", RegionOut)


class ListQuery(Schema):
    cursor: str | None = None
    limit: int | None = Query(None, ge=1, le=1000)
    fields: str | None = Query(None, description="Comma-separated field names to return (default: all).")


class FamilyQuery(ListQuery):
    """The family list page's filters (tepat.registry.filters.FamilyFilter), same names and values."""

    kecamatan: str = ""
    kelurahan: str = ""
    desil: str = ""
    deprivation: str = ""
    receipt: str = ""
    receipt_value: str = ""
    q: str = ""
    inactive: str = ""


class Member(Schema):
    id: int
    nik: str
    nama: str
    jenis_kelamin: str
    tanggal_lahir: date | None
    hubungan_dengan_kepala_keluarga: str
    is_active: bool


class FamilyDetail(Schema):
    family: FamilyOut
    members: list[Member]


class ChangeOut(Schema):
    id: int
    at: datetime
    action: str
    member_id: int | None
    fields: dict
    reason: str
    user: str | None


ChangePage = page_schema("Change", ChangeOut)


def _regions_row(r) -> dict:
    return {
        "id": r.pk,
        "code": r.code,
        "name": r.name,
        "level": r.level,
        "parent_code": r.parent.code if r.parent else None,
        "bps_code": r.bps_code,
    }


@router.get("/regions", response=RegionPage, exclude_unset=True, auth=None, summary="Regions (public master data)")
def regions(request, query: Query[ListQuery], level: str = "", parent: str = ""):
    rows = Region.objects.select_related("parent")
    rows = rows.filter(level=level) if level else rows
    rows = rows.filter(parent__code=parent) if parent else rows
    return paged(rows, query, REGION_COLUMNS, _regions_row)


@router.get("/families", response=FamilyPage, exclude_unset=True, summary="Families in your scope")
def families(request, query: Query[FamilyQuery]):
    """Filters as on the family list page; NIK / No KK masked unless your role sees them; logged."""
    require(request, "registry.view")
    rows = FamilyFilter.from_query(request.GET).apply(scoped(request.user, Family.objects.all()))
    ids, nxt = keyset(rows.values_list("pk", flat=True), query.cursor, query.limit)
    frame = family_frame(request.user, Family.objects.filter(pk__in=ids))  # ordered by id, as `ids`
    items = [{"id": pk, **row} for pk, row in zip(ids, frame.to_dicts())]
    log_access(request.user, AccessKind.VIEW, f"api: daftar keluarga {request.GET.urlencode()}", records=len(items))
    return {"items": selected(items, query.fields, FAMILY_COLUMNS), "next_cursor": nxt}


@router.get("/families/{family_id}", response=FamilyDetail, summary="One family and its members")
def family(request, family_id: int):
    require(request, "registry.view")
    found = get_in_scope_or_404(request.user, Family.objects.all(), pk=family_id)
    row = family_frame(request.user, Family.objects.filter(pk=found.pk)).to_dicts()[0]
    members = list(found.members.order_by("-is_active", "id"))
    log_access(request.user, AccessKind.VIEW, f"keluarga {found.pk}", records=1 + len(members))
    shown = [
        {
            "id": m.pk,
            "nik": identity_for(request.user, m.nik),
            "nama": m.nama,
            "jenis_kelamin": m.jenis_kelamin,
            "tanggal_lahir": m.tanggal_lahir,
            "hubungan_dengan_kepala_keluarga": m.hubungan_dengan_kepala_keluarga,
            "is_active": m.is_active,
        }
        for m in members
    ]
    return {"family": {"id": found.pk, **row}, "members": shown}


@router.get("/families/{family_id}/history", response=ChangePage, summary="A family's change history")
def family_history(request, family_id: int, query: Query[ListQuery]):
    require(request, "registry.view")
    found = get_in_scope_or_404(request.user, Family.objects.all(), pk=family_id)
    changes, nxt = keyset(found.changes.select_related("user"), query.cursor, query.limit)
    log_access(request.user, AccessKind.VIEW, f"keluarga {found.pk}", records=len(changes))
    items = [
        {
            "id": c.pk,
            "at": c.at,
            "action": c.action,
            "member_id": c.member_id,
            "fields": masked_changes(request.user, c.fields),
            "reason": c.reason,
            "user": c.user.username if c.user else None,
        }
        for c in changes
    ]
    return {"items": items, "next_cursor": nxt}
