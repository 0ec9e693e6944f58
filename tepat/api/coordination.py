"""Verivali campaigns and change requests, meetings and action items (read); action-item progress (write).

Rows are scoped as on the pages: verivali through `scoped` (a lurah its kelurahan, an enumerator its
assignments), action items through tepat.meetings.access (the secretariat all, an OPD its own).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.api.access import action_items, require
from tepat.api.listing import open_schema, page_schema, paged
from tepat.api.problems import Problem
from tepat.api.registry import ListQuery
from tepat.meetings.actions import MeetingError, do_record_progress
from tepat.meetings.models import ActionItem, Meeting
from tepat.verivali.models import Campaign, ChangeRequest
from tepat.verivali.progress import GROUPS, campaign_progress

router = Router(tags=["coordination"])

CAMPAIGN_COLUMNS = {
    "id": int,
    "name": str,
    "period_start": date,
    "period_end": date,
    "status": str,
    "kelurahan": list[str],
}
CampaignOut = open_schema("Campaign", CAMPAIGN_COLUMNS)
REQUEST_COLUMNS = {
    "id": int,
    "campaign_id": int,
    "family_id": int,
    "kelurahan": str,
    "kind": str,
    "status": str,
    "created_at": datetime,
    "decided_at": datetime,
}
RequestOut = open_schema("ChangeRequest", REQUEST_COLUMNS)
MEETING_COLUMNS = {
    "id": int,
    "type": str,
    "title": str,
    "date": date,
    "place": str,
    "status": str,
    "decisions": list[str],
}
MeetingOut = open_schema("Meeting", MEETING_COLUMNS)
ITEM_COLUMNS = {"id": int, "meeting_id": int, "what": str, "owner": str, "due": date, "status": str}
ItemOut = open_schema("ActionItem", ITEM_COLUMNS)


def _campaigns_row(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "period_start": c.period_start,
        "period_end": c.period_end,
        "status": c.status,
        "kelurahan": sorted(k.code for k in c.kelurahan.all()),
    }


@router.get("/verivali/campaigns", response=page_schema("Campaign", CampaignOut), exclude_unset=True)
def campaigns(request, query: Query[ListQuery]):
    require(request, "verivali.view")
    return paged(
        scoped(request.user, Campaign.objects.prefetch_related("kelurahan")), query, CAMPAIGN_COLUMNS, _campaigns_row
    )


@router.get("/verivali/campaigns/{campaign_id}/progress", response=list[dict], summary="A campaign's progress")
def progress(request, campaign_id: int, by: str = "kelurahan"):
    """The campaign page's progress table (`by` campaign, kecamatan, kelurahan or enumerator), counted
    within your scope (tepat.verivali.progress.campaign_progress)."""
    require(request, "verivali.view")
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=campaign_id)
    if by not in GROUPS:
        raise Http404
    return campaign_progress(campaign, by=by, user=request.user)


def _change_requests_row(r) -> dict:
    return {
        "id": r.pk,
        "campaign_id": r.campaign_id,
        "family_id": r.family_id,
        "kelurahan": r.kelurahan.code,
        "kind": r.kind,
        "status": r.status,
        "created_at": r.created_at,
        "decided_at": r.decided_at,
    }


@router.get("/verivali/change-requests", response=page_schema("ChangeRequest", RequestOut), exclude_unset=True)
def change_requests(request, query: Query[ListQuery], campaign: int | None = None, status: str = ""):
    """Requests as the musyawarah pages list them (the proposed lines are read on the request page)."""
    require(request, "verivali.view")
    rows = scoped(request.user, ChangeRequest.objects.select_related("kelurahan"))
    rows = rows.filter(campaign_id=campaign) if campaign else rows
    rows = rows.filter(status=status) if status else rows
    return paged(rows, query, REQUEST_COLUMNS, _change_requests_row)


def _meetings_row(m) -> dict:
    return {
        "id": m.pk,
        "type": m.type,
        "title": m.title,
        "date": m.date,
        "place": m.place,
        "status": m.status,
        "decisions": [d.text for d in sorted(m.decisions.all(), key=lambda d: d.number)],
    }


@router.get("/meetings", response=page_schema("Meeting", MeetingOut), exclude_unset=True)
def meetings(request, query: Query[ListQuery], year: int | None = None):
    require(request, "meetings.view")
    rows = Meeting.objects.prefetch_related("decisions")
    rows = rows.filter(date__year=year) if year else rows
    return paged(rows, query, MEETING_COLUMNS, _meetings_row)


def _item(i: ActionItem) -> dict:
    return {
        "id": i.pk,
        "meeting_id": i.meeting_id,
        "what": i.what,
        "owner": i.owner.code if i.owner else None,
        "due": i.due,
        "status": i.status,
    }


@router.get("/action-items", response=page_schema("ActionItem", ItemOut), exclude_unset=True)
def items(request, query: Query[ListQuery], status: str = ""):
    """The secretariat sees every item, an OPD operator its agency's."""
    require(request, "action_items.view")
    rows = action_items(request.user, ActionItem.objects.select_related("owner"))
    rows = rows.filter(status=status) if status else rows
    return paged(rows, query, ITEM_COLUMNS, _item)


class ProgressIn(Schema):
    note: str = Field(..., min_length=1, max_length=5000)


@router.post("/action-items/{item_id}/progress", response={201: ItemOut}, summary="Report progress on an action item")
def item_progress(request, item_id: int, body: ProgressIn):
    """Through `do_record_progress` (audited): the secretariat or the owning OPD's operators; others 404."""
    item = get_object_or_404(action_items(request.user, ActionItem.objects.select_related("owner")), pk=item_id)
    require(request, "action_items.report", item)
    try:
        do_record_progress(item, note=body.note, acting_user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except MeetingError as refused:
        text_id, _, text_en = str(refused).partition(" / ")
        raise Problem("action_refused", id=text_id, en=text_en or text_id) from None
    item.refresh_from_db()
    return Status(201, _item(item))
