"""Verivali visits through the API: the phone form's payload contract (tepat/verivali/README.md), checked by
`tepat.verivali.payload.parse` and written by `do_submit_visit` (audited), with the form's permission rules.

Photos: `content` is base64 text (JSON has no bytes); everything else is the contract as is. The visit's
source is `web` (the form's) and its raw record says it came through the API (`{"api": <token key>}`).
"""

from __future__ import annotations

import base64
import binascii
import re

from django.http import Http404
from ninja import Body, Router, Schema
from ninja.responses import Status

from tepat.accounts.scope import get_in_scope_or_404
from tepat.api.access import require
from tepat.api.problems import Problem
from tepat.verivali.actions import SubmissionRejected, do_submit_visit
from tepat.verivali.models import Campaign, VisitSource
from tepat.verivali.payload import parse
from tepat.web.views.verivali.visits import _campaign_family, _proposal_kelurahan

router = Router(tags=["verivali"])


class VisitOut(Schema):
    visit_id: int
    change_request_id: int | None
    duplicate: bool


def _with_photo_bytes(payload: dict) -> dict:
    photos = payload.get("photos")
    if not isinstance(photos, list):
        return payload
    decoded = []
    for index, photo in enumerate(photos):
        if isinstance(photo, dict) and isinstance(photo.get("content"), str):
            try:
                photo = {**photo, "content": base64.b64decode(photo["content"], validate=True)}
            except (binascii.Error, ValueError):
                raise _rejected(
                    SubmissionRejected(
                        "bad_payload",
                        "Isi foto bukan base64",
                        "Photo content is not base64",
                        f"photos[{index}].content",
                    )
                ) from None
        decoded.append(photo)
    return {**payload, "photos": decoded}


def _rejected(problem: SubmissionRejected) -> Problem:
    error = {
        "row": None,
        "field": problem.field or "payload",
        "code": problem.code,
        "message_id": problem.message_id,
        "message_en": problem.message_en,
    }
    return Problem("visit_rejected", errors=[error])


def _may_visit(request, campaign: Campaign, family_id: int | None, kelurahan: str) -> None:
    """As the form: a family the enumerator is assigned in an active campaign (managers: any in scope);
    a new family (usulan) in a kelurahan where the form would offer it. Otherwise 404."""
    if family_id is not None:
        _campaign_family(request, campaign.pk, family_id)
        return
    digits = re.sub(r"\D", "", kelurahan)
    if digits not in {re.sub(r"\D", "", k.code) for k in _proposal_kelurahan(request, campaign)}:
        raise Http404


@router.post("/verivali/campaigns/{campaign_id}/visits", response={201: VisitOut}, summary="Submit a verivali visit")
def submit_visit(request, campaign_id: int, payload: Body[dict]):
    """The phone form's payload (tepat/verivali/README.md); 422 `visit_rejected` names the field. A payload
    whose `submission_key` was already received is not applied twice (`duplicate: true`)."""
    require(request, "verivali.visit")
    campaign = get_in_scope_or_404(request.user, Campaign.objects.all(), pk=campaign_id)
    payload = _with_photo_bytes(payload)
    try:
        data = parse(payload)
        _may_visit(request, campaign, data.family_id, data.kelurahan)
        visit = do_submit_visit(
            campaign, payload, acting_user=request.user, source=VisitSource.WEB, raw={"api": request.api_token.key}
        )
    except SubmissionRejected as problem:
        raise _rejected(problem) from None
    request_id = getattr(getattr(visit, "change_request", None), "pk", None)
    return Status(201, {"visit_id": visit.pk, "change_request_id": request_id, "duplicate": visit.duplicate})
