"""Every verivali state change: transactional, audited, with the acting user as a keyword.

Campaign -> assignment -> visit (do_submit_visit, the one entry point for web form and ODK/Kobo ingest)
-> change request -> musyawarah decision (do_decide_change_request, the one way into the registry).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from tepat.accounts.actor import actor_user
from tepat.accounts.models import AuditAction, audit
from tepat.accounts.permissions import Action, can
from tepat.accounts.roles import Role
from tepat.regions.codes import dotted
from tepat.regions.models import Level, Region
from tepat.registry.actions import do_assign
from tepat.registry.models import Assignment, Family
from tepat.verivali import photos as photo_store
from tepat.verivali.apply import DecisionRefused, apply_proposal, apply_update, stale_reason
from tepat.verivali.lines import conflict_for, family_lines, member_lines, proposal_lines, why
from tepat.verivali.models import (
    Campaign,
    CampaignAssignment,
    CampaignFamily,
    CampaignStatus,
    ChangeRequest,
    HandBack,
    Musyawarah,
    RequestKind,
    RequestStatus,
    RevisionOutcome,
    Visit,
    VisitPhoto,
    VisitRevision,
)
from tepat.verivali.payload import SubmissionRejected, VisitInput, parse, reject

__all__ = [
    "SubmissionRejected",
    "DecisionRefused",
    "do_create_campaign",
    "do_add_families",
    "do_assign_campaign",
    "do_reassign",
    "do_close_campaign",
    "do_submit_visit",
    "do_update_visit",
    "do_record_musyawarah",
    "do_decide_change_request",
    "do_decide_many",
    "do_record_handback",
]


def acts_for_others(user) -> bool:
    """Campaign managers (analysts, admins) may submit for any family (e.g. an ODK file uploaded on behalf of enumerators)."""
    return bool(can(user, Action.CAMPAIGNS_MANAGE))


def decides_for(user, kelurahan) -> bool:
    """Who may decide a kelurahan's requests (a kelurahan Region, a change request or a musyawarah): `verivali.decide`."""
    return bool(can(user, Action.VERIVALI_DECIDE, kelurahan))


# --- campaigns and assignments ----------------------------------------------------------------------


@transaction.atomic
def do_create_campaign(values: dict, *, kelurahan, acting_user, families: QuerySet | None = None) -> Campaign:
    """A campaign over these kelurahan; its families are `families` or the active ones up to max_desil."""
    campaign = Campaign(**values, created_by=actor_user(acting_user))
    campaign.full_clean()
    campaign.save()
    campaign.kelurahan.set(kelurahan)
    if families is None:
        families = Family.objects.filter(is_active=True)
        if campaign.max_desil:
            families = families.filter(desil__lte=campaign.max_desil)
    added = _add(campaign, families)
    audit(
        AuditAction.CAMPAIGN_CREATED,
        campaign.name,
        acting_user=acting_user,
        campaign=campaign.pk,
        families=added,
        kelurahan=[r.code for r in campaign.kelurahan.all()],
    )
    return campaign


def _add(campaign: Campaign, families: QuerySet) -> int:
    have = set(campaign.families.values_list("family_id", flat=True))
    chosen = families.filter(kelurahan__in=campaign.kelurahan.all()).values_list("pk", flat=True)
    new = [CampaignFamily(campaign=campaign, family_id=pk) for pk in chosen.iterator() if pk not in have]
    CampaignFamily.objects.bulk_create(new, batch_size=2000)
    return len(new)


@transaction.atomic
def do_add_families(campaign: Campaign, families: QuerySet, *, acting_user) -> int:
    """Add more families (of the campaign's kelurahan) to a campaign. Returns how many were new."""
    added = _add(campaign, families)
    audit(AuditAction.CAMPAIGN_CREATED, campaign.name, acting_user=acting_user, campaign=campaign.pk, added=added)
    return added


def campaign_families(campaign: Campaign, *, kelurahan=None, rt: str = "", rw: str = "", family_ids=None) -> QuerySet:
    """The campaign's families narrowed by kelurahan, RT/RW and/or a list of family ids (for bulk assignment)."""
    chosen = campaign.families.all()
    if kelurahan is not None:
        chosen = chosen.filter(family__kelurahan=kelurahan)
    if rt:
        chosen = chosen.filter(family__rt__in=_padded(rt))
    if rw:
        chosen = chosen.filter(family__rw__in=_padded(rw))
    if family_ids is not None:
        chosen = chosen.filter(family_id__in=list(family_ids))
    return chosen


def _padded(number: str) -> list[str]:
    """'3' matches RT stored as '3', '03' or '003'."""
    bare = number.strip().lstrip("0") or "0"
    return [bare, bare.zfill(2), bare.zfill(3)]


@dataclass
class AssignResult:
    assigned: int = 0
    reassigned: int = 0
    kept: list[int] = field(default_factory=list)  # family ids left with another enumerator


def _check_enumerator(enumerator) -> None:
    if enumerator.role != Role.ENUMERATOR:
        raise ValueError(f"{enumerator.username} bukan pendata (enumerator) / is not an enumerator")


@transaction.atomic
def do_assign_campaign(
    chosen: QuerySet, *, enumerator, acting_user, reassign: bool = False, reason: str = ""
) -> AssignResult:
    """Assign the chosen campaign families to an enumerator. Families already with another enumerator are
    moved only when `reassign` (history kept), otherwise listed in `kept`. Drives the registry scope.

    Cost: a handful of set-based queries for the unassigned families (20,000 in about a second).
    """
    _check_enumerator(enumerator)
    _check_open(chosen)
    result = AssignResult()
    free = list(chosen.filter(enumerator__isnull=True).values_list("pk", "family_id"))
    CampaignAssignment.objects.bulk_create(
        [
            CampaignAssignment(campaign_family_id=pk, enumerator=enumerator, assigned_by=actor_user(acting_user))
            for pk, _ in free
        ],
        batch_size=2000,
    )
    CampaignFamily.objects.filter(pk__in=chosen.filter(enumerator__isnull=True).values("pk")).update(
        enumerator=enumerator
    )
    result.assigned = len(free)
    taken = list(
        chosen.exclude(enumerator=enumerator).filter(enumerator__isnull=False).select_related("campaign", "enumerator")
    )
    if reassign and taken:
        result.reassigned = _move(taken, enumerator, acting_user, reason or "dialihkan / reassigned")
    else:
        result.kept = [cf.family_id for cf in taken]
    do_assign(
        Family.objects.filter(
            pk__in=CampaignFamily.objects.filter(pk__in=chosen.values("pk"), enumerator=enumerator).values("family_id")
        ),
        enumerator=enumerator,
        acting_user=acting_user,
    )
    if free:
        campaign = CampaignFamily.objects.select_related("campaign").get(pk=free[0][0]).campaign
        audit(
            AuditAction.CAMPAIGN_ASSIGNED,
            campaign.name,
            acting_user=acting_user,
            campaign=campaign.pk,
            enumerator=enumerator.username,
            families=len(free),
        )
    return result


def _start(campaign_family_ids: list[int], enumerator, acting_user) -> None:
    CampaignAssignment.objects.bulk_create(
        [
            CampaignAssignment(campaign_family_id=pk, enumerator=enumerator, assigned_by=actor_user(acting_user))
            for pk in campaign_family_ids
        ],
        batch_size=2000,
    )
    CampaignFamily.objects.filter(pk__in=campaign_family_ids).update(enumerator=enumerator)


def _move(taken: list[CampaignFamily], enumerator, acting_user, reason: str) -> int:
    """End the running stints of `taken` (as loaded: cf.enumerator is the one losing them) and start the new
    enumerator's. Set-based but for the audit row each family gets."""
    ids = [cf.pk for cf in taken]
    CampaignAssignment.objects.filter(campaign_family_id__in=ids, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor_user(acting_user), reason=reason[:255]
    )
    _start(ids, enumerator, acting_user)
    _release(taken)
    for cf in taken:
        audit(
            AuditAction.CAMPAIGN_REASSIGNED,
            cf.campaign.name,
            acting_user=acting_user,
            campaign=cf.campaign_id,
            family=cf.family_id,
            before=cf.enumerator.username,
            after=enumerator.username,
            reason=reason,
        )
    return len(taken)


def _release(moved: list[CampaignFamily]) -> None:
    """Each earlier enumerator loses sight of a moved family unless another open campaign still assigns it to them.
    One UPDATE per earlier enumerator."""
    still = CampaignFamily.objects.filter(
        family_id=OuterRef("family_id"), enumerator_id=OuterRef("enumerator_id")
    ).exclude(campaign__status=CampaignStatus.CLOSED)
    by_enumerator: dict[int, list[int]] = defaultdict(list)
    for cf in moved:
        by_enumerator[cf.enumerator_id].append(cf.family_id)
    for enumerator_id, family_ids in by_enumerator.items():
        (
            Assignment.objects.filter(family_id__in=family_ids, enumerator_id=enumerator_id, is_active=True)
            .exclude(Exists(still))
            .update(is_active=False)
        )


@transaction.atomic
def do_reassign(chosen: QuerySet, *, enumerator, acting_user, reason: str) -> int:
    """Move campaign families to another enumerator; the earlier stint is ended, never erased."""
    _check_enumerator(enumerator)
    _check_open(chosen)
    taken = [cf for cf in chosen.select_related("campaign", "enumerator") if cf.enumerator_id != enumerator.pk]
    unassigned = [cf for cf in taken if cf.enumerator_id is None]
    moving = [cf for cf in taken if cf.enumerator_id is not None]
    _start([cf.pk for cf in unassigned], enumerator, acting_user)
    moved = _move(moving, enumerator, acting_user, reason)
    do_assign(
        Family.objects.filter(pk__in=[cf.family_id for cf in taken]), enumerator=enumerator, acting_user=acting_user
    )
    return moved + len(unassigned)


def _check_open(chosen: QuerySet) -> None:
    """Assigning in a closed campaign would hand its families back to enumerators: refused."""
    closed = Campaign.objects.filter(pk__in=chosen.values("campaign_id"), status=CampaignStatus.CLOSED).first()
    if closed is not None:
        raise DecisionRefused("campaign_already_closed", campaign=closed.name)


@dataclass
class CloseResult:
    released: int = 0  # registry assignments made inactive
    kept: int = 0  # registry assignments kept because another open campaign still assigns the family
    pending: int = 0  # open change requests, still to be decided by the lurah


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, acting_user) -> CloseResult:
    """Close a campaign: no more visits, and every enumerator who worked on it (current or earlier stint)
    loses the registry assignment of its families, unless another campaign that is not closed still
    assigns that family to that enumerator. Open change requests stay open for the lurah to decide.
    Stints still running are ended (history kept). Raises DecisionRefused when already closed.

    Cost: one UPDATE over the registry assignments (set-based, whatever the number of families).
    """
    given, campaign = campaign, Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        raise DecisionRefused("campaign_already_closed", campaign=campaign.name)
    pair = {"family_id": OuterRef("family_id"), "enumerator_id": OuterRef("enumerator_id")}
    worked = CampaignAssignment.objects.filter(
        campaign_family__campaign=campaign,
        campaign_family__family_id=pair["family_id"],
        enumerator_id=pair["enumerator_id"],
    )
    elsewhere = (
        CampaignFamily.objects.filter(**pair).exclude(campaign=campaign).exclude(campaign__status=CampaignStatus.CLOSED)
    )
    touched = Assignment.objects.filter(Exists(worked), is_active=True)
    result = CloseResult(kept=touched.filter(Exists(elsewhere)).count())
    result.released = touched.exclude(Exists(elsewhere)).update(is_active=False)
    CampaignAssignment.objects.filter(campaign_family__campaign=campaign, ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_by=actor_user(acting_user), reason="kampanye ditutup / campaign closed"
    )
    campaign.status = given.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    result.pending = campaign.change_requests.filter(status__in=(RequestStatus.PENDING, RequestStatus.CONFLICT)).count()
    audit(
        AuditAction.CAMPAIGN_CLOSED,
        campaign.name,
        acting_user=acting_user,
        campaign=campaign.pk,
        released=result.released,
        kept=result.kept,
        pending=result.pending,
    )
    return result


# --- visits -------------------------------------------------------------------------------------------


def do_submit_visit(
    campaign: Campaign,
    payload: dict,
    *,
    acting_user,
    source: str,
    raw=None,
    instance_id: str = "",
    review_flag: str = "",
) -> Visit:
    """Record one visit and its change request. Returns the Visit; `visit.duplicate` is True when the
    submission_key was seen before in this campaign (nothing is applied twice). Raises SubmissionRejected.
    `instance_id` is the server's id of this version (ODK meta-instanceID, Kobo _uuid) when it differs from
    the logical submission_key; `review_flag` a ReviewFlag the server's reviewer set.

    Cost: a few queries plus one row per change line; photos are checked in memory and written once.
    """
    data = parse(payload)
    existing = _existing(campaign, data.submission_key)
    if existing:
        return existing
    checked = [photo_store.check(p) for p in data.photos]
    try:
        with transaction.atomic():
            visit = _record(
                campaign,
                data,
                checked,
                acting_user=acting_user,
                source=source,
                raw=raw,
                extra={"instance_id": instance_id or data.submission_key, "review_flag": review_flag},
            )
    except IntegrityError:
        existing = _existing(campaign, data.submission_key)
        if existing is None:
            raise
        return existing
    visit.duplicate = False
    return visit


def _existing(campaign: Campaign, key: str) -> Visit | None:
    visit = Visit.objects.filter(campaign=campaign, submission_key=key).first()
    if visit is not None:
        visit.duplicate = True
    return visit


def _sender(data: VisitInput, acting_user):
    from django.contrib.auth import get_user_model

    if not data.enumerator or data.enumerator == acting_user.username:
        return acting_user
    if not acts_for_others(acting_user):
        raise reject("enumerator_not_allowed", "enumerator")
    user = get_user_model().objects.filter(username=data.enumerator).first()
    if user is None:
        raise reject("unknown_enumerator", "enumerator", value=data.enumerator)
    return user


def _check_accepts(campaign: Campaign) -> None:
    campaign.refresh_from_db(fields=["status"])  # a campaign closed since the caller loaded it takes no visit
    if not campaign.accepts_visits():
        raise reject("campaign_closed", "campaign", campaign=campaign.name)


def _derive(campaign: Campaign, data: VisitInput, sender):
    """(family, kelurahan, change lines) of a checked visit."""
    if data.family_id is None:
        return None, _proposal_kelurahan(campaign, data, sender), proposal_lines(data)
    family = _visited_family(campaign, data.family_id, sender)
    return family, family.kelurahan, family_lines(family, data) + member_lines(family, data.members)


def _visit_values(data: VisitInput) -> dict:
    """The Visit columns a payload sets (on creation and when an edit replaces them)."""
    return {
        "payload": data.stored(),
        "started_version": data.started_version,
        "keberadaan": data.keberadaan,
        "keterangan": data.keterangan,
        "memenuhi_kriteria": data.memenuhi_kriteria,
        "alasan": data.alasan,
        "checklist": data.checklist,
        "latitude": (data.gps or {}).get("lat"),
        "longitude": (data.gps or {}).get("lon"),
        "gps_accuracy": (data.gps or {}).get("accuracy"),
        "submitted_at": data.submitted_at,
    }


def _record(campaign: Campaign, data: VisitInput, checked, *, acting_user, source: str, raw, extra: dict) -> Visit:
    _check_accepts(campaign)
    sender = _sender(data, acting_user)
    family, kelurahan, lines = _derive(campaign, data, sender)
    visit = Visit.objects.create(
        campaign=campaign,
        family=family,
        kelurahan=kelurahan,
        enumerator=sender,
        received_by=acting_user,
        submission_key=data.submission_key,
        source=source,
        raw=raw if raw is not None else data.stored(),
        **_visit_values(data),
        **extra,
    )
    _store_photos(visit, checked)
    request = _request(visit, data, lines)
    audit(
        AuditAction.VISIT_SUBMITTED,
        f"kunjungan #{visit.pk}",
        acting_user=acting_user,
        campaign=campaign.pk,
        family=visit.family_id,
        request=request.pk,
        status=request.status,
        source=source,
    )
    return visit


@dataclass
class EditResult:
    visit: Visit
    revision: VisitRevision
    replaced: bool  # the pending request was derived again; False: already decided, left as it was


def do_update_visit(
    visit: Visit,
    payload: dict,
    *,
    acting_user,
    raw=None,
    instance_id: str,
    previous_instance_id: str = "",
    review_flag: str = "",
) -> EditResult:
    """A submission edited on the server after it was ingested (same ODK KEY / Kobo _id, new instance id).

    Guarantee: history is kept (a VisitRevision with the payload and raw row before and after, who received it,
    when). A request still open is derived again from the edited visit (its lines replaced, conflicts checked
    again); a request already decided is not touched: the visit keeps what was decided on, is marked
    `edited_after_decision`, and the revision holds the edit for the lurah to see. Raises SubmissionRejected.
    """
    data = parse(payload)
    checked = [photo_store.check(p) for p in data.photos]
    with transaction.atomic():
        visit = Visit.objects.select_for_update().select_related("campaign").get(pk=visit.pk)
        request = ChangeRequest.objects.select_for_update().get(visit=visit)
        before = {"payload": visit.payload, "raw": visit.raw, "instance_id": visit.instance_id}
        replaced = request.is_open()
        if replaced:
            _check_accepts(visit.campaign)
            _rederive(visit, request, data, checked, acting_user, raw)
        else:
            visit.edited_after_decision = True
        visit.instance_id, visit.edits = instance_id, visit.edits + 1
        visit.review_flag = review_flag
        visit.save()
        revision = VisitRevision.objects.create(
            visit=visit,
            instance_id=instance_id,
            previous_instance_id=previous_instance_id or before["instance_id"],
            before=before,
            after={"payload": data.stored(), "raw": raw},
            request_status=request.status,
            outcome=RevisionOutcome.REPLACED if replaced else RevisionOutcome.AFTER_DECISION,
            received_by=actor_user(acting_user),
        )
        audit(
            AuditAction.VISIT_EDITED,
            f"kunjungan #{visit.pk}",
            acting_user=acting_user,
            campaign=visit.campaign_id,
            request=request.pk,
            instance=instance_id,
            outcome=revision.outcome,
        )
    return EditResult(visit, revision, replaced)


@transaction.atomic
def do_flag_review(visit_id: int, flag: str, *, acting_user) -> None:
    """The server's review of an ingested submission changed (Central ReviewState, Kobo _validation_status):
    the visit's `review_flag` follows, audited. The request is not touched; the lurah sees the flag."""
    visit = Visit.objects.select_for_update().get(pk=visit_id)
    before, visit.review_flag = visit.review_flag, flag
    visit.save(update_fields=["review_flag"])
    audit(
        AuditAction.VISIT_EDITED,
        f"kunjungan #{visit.pk}",
        acting_user=acting_user,
        campaign=visit.campaign_id,
        review_before=before,
        review_after=flag,
    )


def _rederive(visit: Visit, request: ChangeRequest, data: VisitInput, checked, acting_user, raw) -> None:
    """Replace an open request's lines with those of the edited visit (and its photos if the edit sent any)."""
    sender = _sender(data, acting_user)
    family, kelurahan, lines = _derive(visit.campaign, data, sender)
    for name, value in _visit_values(data).items():
        setattr(visit, name, value)
    visit.family, visit.kelurahan, visit.enumerator = family, kelurahan, sender
    visit.raw = raw if raw is not None else data.stored()
    if checked:
        visit.photos.all().delete()
        _store_photos(visit, checked)
    request.lines.all().delete()
    request.family, request.kelurahan = family, kelurahan
    request.kind = RequestKind.PROPOSAL if family is None else RequestKind.UPDATE
    request.family_version = (
        (family.version if data.started_version is None else data.started_version) if family else None
    )
    request.status, request.conflict_with, request.conflict_message = RequestStatus.PENDING, None, ""
    for line in lines:
        line.request = request
    type(lines[0]).objects.bulk_create(lines) if lines else None
    other, message = conflict_for(request, lines, data.started_version)
    if message and not (other is not None and other.conflict_with_id == request.pk):
        request.status, request.conflict_with, request.conflict_message = RequestStatus.CONFLICT, other, message[:500]
    request.save()


def _visited_family(campaign: Campaign, family_id: int, sender) -> Family:
    cf = campaign.families.filter(family_id=family_id).first()
    if cf is None:
        raise reject("not_in_campaign", "family_id", family=family_id, campaign=campaign.name)
    if cf.enumerator_id != sender.pk and not acts_for_others(sender):
        raise reject("not_assigned", "family_id", family=family_id, user=sender.username)
    # Locks the family (PostgreSQL) so two visits to it are compared one after the other.
    return Family.objects.select_for_update().select_related("kelurahan").get(pk=family_id)


def _proposal_kelurahan(campaign: Campaign, data: VisitInput, sender) -> Region:
    if not data.kelurahan:
        raise reject("missing", "kelurahan")
    code = data.kelurahan.replace(".", "")  # '12.09.20.1001' or '1209201001'
    region = Region.objects.filter(level=Level.KELURAHAN, code=dotted(code)).first() if code.isdigit() else None
    if region is None:
        raise reject("kelurahan_unknown", "kelurahan", value=data.kelurahan)
    if not campaign.kelurahan.filter(pk=region.pk).exists():
        raise reject("kelurahan_not_in_campaign", "kelurahan", value=region.name, campaign=campaign.name)
    if not acts_for_others(sender) and not campaign.families.filter(enumerator=sender).exists():
        raise reject("not_in_team", "enumerator", user=sender.username, campaign=campaign.name)
    return region


def _store_photos(visit: Visit, checked) -> None:
    for index, item in enumerate(checked):
        relative = photo_store.relative_path(visit.campaign_id, visit.pk, item.photo.kind, index, item.image_format)
        photo_store.store(item, relative)
        VisitPhoto.objects.create(
            visit=visit,
            kind=item.photo.kind,
            path=str(relative),
            original_name=item.photo.name,
            image_format=item.image_format,
            width=item.width,
            height=item.height,
            size=len(item.photo.content),
            sha256=item.sha256,
        )


def _request(visit: Visit, data: VisitInput, lines) -> ChangeRequest:
    family = visit.family
    request = ChangeRequest.objects.create(
        visit=visit,
        campaign=visit.campaign,
        family=family,
        kelurahan=visit.kelurahan,
        kind=RequestKind.PROPOSAL if family is None else RequestKind.UPDATE,
        family_version=(family.version if data.started_version is None else data.started_version) if family else None,
    )
    for line in lines:
        line.request = request
    type(lines[0]).objects.bulk_create(lines) if lines else None
    other, message = conflict_for(request, lines, data.started_version)
    if message:
        request.status, request.conflict_with, request.conflict_message = RequestStatus.CONFLICT, other, message[:500]
        request.save(update_fields=["status", "conflict_with", "conflict_message"])
    return request


# --- musyawarah and decisions ----------------------------------------------------------------------------


@transaction.atomic
def do_record_musyawarah(
    values: dict, *, kelurahan: Region, acting_user, campaign: Campaign | None = None
) -> Musyawarah:
    """Record a kelurahan meeting (date, place, attendees). Only its lurah or an analyst/admin may."""
    if not decides_for(acting_user, kelurahan):
        raise DecisionRefused("not_your_kelurahan", request="-")
    meeting = Musyawarah(**values, kelurahan=kelurahan, campaign=campaign, held_by=acting_user)
    meeting.full_clean()
    meeting.save()
    audit(
        AuditAction.MUSYAWARAH_RECORDED,
        str(meeting),
        acting_user=acting_user,
        meeting=meeting.pk,
        kelurahan=kelurahan.code,
        held_on=meeting.held_on.isoformat(),
    )
    return meeting


def do_decide_change_request(
    request: ChangeRequest, *, acting_user, approve: bool, reason: str = "", musyawarah: Musyawarah | None = None
) -> ChangeRequest:
    """Approve (apply to the registry with history) or reject one request. Raises DecisionRefused.

    A request whose family changed since it was made is refused and marked as a conflict; nothing is applied.
    """
    with transaction.atomic():
        request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
        _check_decision(request, acting_user, approve, reason, musyawarah)
        refused = stale_reason(request) if approve else None
        if refused is None:
            _decide(request, acting_user, approve, reason, musyawarah)
    if refused is not None:
        ChangeRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.CONFLICT, conflict_message=str(refused)[:500]
        )
        raise refused
    return request


def _check_decision(request: ChangeRequest, acting_user, approve: bool, reason: str, musyawarah) -> None:
    if not decides_for(acting_user, request):
        raise DecisionRefused("not_your_kelurahan", request=request.pk)
    if not request.is_open():
        raise DecisionRefused("already_decided", request=request.pk, status=request.get_status_display())
    if not approve and not reason.strip():
        raise DecisionRefused("reason_required")
    if approve and musyawarah is None:
        raise DecisionRefused("meeting_required")
    if musyawarah is not None and musyawarah.kelurahan_id != request.kelurahan_id:
        raise DecisionRefused("meeting_kelurahan", meeting=musyawarah.pk)
    other = request.conflict_with
    if approve and other is not None and other.is_open():
        raise DecisionRefused("conflict_open", request=request.pk, other=other.pk)


def _decide(request: ChangeRequest, acting_user, approve: bool, reason: str, musyawarah) -> None:
    visit = request.visit
    request.decided_by, request.decided_at, request.musyawarah = acting_user, timezone.now(), musyawarah
    request.reason = (reason.strip() or why(visit.keberadaan, visit.keterangan, visit.alasan))[:255]
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    if approve:
        changes = (
            apply_proposal(request, acting_user)
            if request.kind == RequestKind.PROPOSAL
            else apply_update(request, acting_user)
        )
        request.save()
        request.applied.set([c for c in changes if c is not None])
    else:
        request.save()
    audit(
        AuditAction.REQUEST_DECIDED,
        f"usulan #{request.pk}",
        acting_user=acting_user,
        status=request.status,
        reason=request.reason,
        meeting=musyawarah.pk if musyawarah else None,
        family=request.family_id,
        created_family=request.created_family_id,
    )


@dataclass
class ManyResult:
    decided: list[ChangeRequest] = field(default_factory=list)
    refused: list[tuple[ChangeRequest, DecisionRefused]] = field(default_factory=list)


def do_decide_many(
    requests, *, acting_user, approve: bool, reason: str = "", musyawarah: Musyawarah | None = None
) -> ManyResult:
    """The bulk decision: each request decided on its own (one refusal does not undo the others)."""
    result = ManyResult()
    for request in requests:
        try:
            result.decided.append(
                do_decide_change_request(
                    request, acting_user=acting_user, approve=approve, reason=reason, musyawarah=musyawarah
                )
            )
        except DecisionRefused as refused:
            result.refused.append((request, refused))
    return result


# --- hand-back to the central data -------------------------------------------------------------------------


def awaiting_handback(campaign: Campaign) -> QuerySet:
    """The campaign's approved requests not yet recorded as sent to the central data."""
    return campaign.change_requests.filter(status=RequestStatus.APPROVED, handback__isnull=True)


@transaction.atomic
def do_record_handback(campaign: Campaign, requests, *, sent_on, channel: str, acting_user, note: str = "") -> HandBack:
    """The analyst says these approved changes were sent (date, channel). Only approved requests of this
    campaign not sent before are marked; raises DecisionRefused("handback_empty") when none is left.
    Guarantee: nothing is marked sent without this action; audited with the request ids."""
    if not acts_for_others(acting_user):
        raise DecisionRefused("not_analyst")
    chosen = list(
        awaiting_handback(campaign)
        .filter(pk__in=[getattr(r, "pk", r) for r in requests])
        .select_for_update()
        .values_list("pk", flat=True)
    )
    if not chosen or not channel.strip():
        raise DecisionRefused("handback_empty", campaign=campaign.name)
    handback = HandBack.objects.create(
        campaign=campaign,
        sent_on=sent_on,
        channel=channel.strip()[:120],
        note=note[:255],
        recorded_by=actor_user(acting_user),
    )
    ChangeRequest.objects.filter(pk__in=chosen).update(handback=handback)
    audit(
        AuditAction.HANDBACK_SENT,
        f"{campaign.name}: {len(chosen)} perubahan",
        acting_user=acting_user,
        campaign=campaign.pk,
        handback=handback.pk,
        requests=chosen,
        sent_on=sent_on.isoformat(),
        channel=handback.channel,
    )
    return handback
