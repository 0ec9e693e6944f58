"""Closing a verivali campaign: enumerators lose its families, the lurah can still decide, a second close is refused."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from tests.verivali_support import PANTAI_JOHOR, payload, vv  # noqa: F401


def as_user(client, user):
    client.force_login(user)
    return client


def close(client, world, confirm: bool = True):
    return client.post(
        reverse("verivali_campaign_close", args=[world.campaign.pk]), {"confirm": "yes"} if confirm else {}, follow=True
    )


def family_page(client, family):
    return client.get(reverse("family_detail", args=[family.pk]))


def visit_page(client, campaign, family):
    return client.get(reverse("verivali_visit", args=[campaign.pk, family.pk]))


def second_campaign(world, families, enumerator):
    from tepat.regions.models import Region
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign

    campaign = do_create_campaign(
        {"name": "Verivali susulan", "period_start": dt.date(2026, 12, 1), "period_end": dt.date(2027, 1, 31)},
        kelurahan=Region.objects.filter(code=PANTAI_JOHOR),
        acting_user=world.cast["analyst"],
        families=families,
    )
    do_assign_campaign(campaign_families(campaign), enumerator=enumerator, acting_user=world.cast["analyst"])
    return campaign


@pytest.mark.django_db
def test_it_releases_the_enumerators_families_when_closed(client, vv):
    enumerator = as_user(client, vv.cast["enumerator"])
    assert family_page(enumerator, vv.mine).status_code == 200
    assert visit_page(enumerator, vv.campaign, vv.mine).status_code == 200

    page = close(as_user(client, vv.cast["analyst"]), vv).content.decode()
    assert "Kampanye ditutup: 3 penugasan pendata dilepas, 0 tetap" in page  # two of the enumerator, one of enum2
    vv.campaign.refresh_from_db()
    assert vv.campaign.get_status_display() == "selesai"
    assert 'data-testid="close-form"' not in page and 'data-testid="assign-form"' not in page

    enumerator = as_user(client, vv.cast["enumerator"])
    assert family_page(enumerator, vv.mine).status_code == 404
    assert visit_page(enumerator, vv.campaign, vv.mine).status_code == 404
    assert family_page(enumerator, vv.other_kelurahan).status_code == 404
    assert vv.mine.kepala_keluarga not in enumerator.get(reverse("verivali_my_families")).content.decode()
    second = as_user(client, vv.second)
    assert family_page(second, vv.theirs).status_code == 404


@pytest.mark.django_db
def test_the_campaign_history_is_kept_after_closing(client, vv):
    from tepat.accounts.models import AuditEvent
    from tepat.verivali.models import CampaignAssignment, VerivaliAudit

    close(as_user(client, vv.cast["analyst"]), vv)
    stints = CampaignAssignment.objects.filter(campaign_family__campaign=vv.campaign)
    assert stints.count() == 3 and not stints.filter(ended_at__isnull=True).exists()
    assert set(stints.values_list("reason", flat=True)) == {"kampanye ditutup / campaign closed"}
    page = as_user(client, vv.cast["analyst"]).get(reverse("verivali_campaign", args=[vv.campaign.pk])).content.decode()
    assert '<th class="num">3</th>' in page  # the progress still counts the 3 assigned families
    event = AuditEvent.objects.get(action=VerivaliAudit.CAMPAIGN_CLOSED)
    assert event.user == vv.cast["analyst"] and event.details["released"] == 3


@pytest.mark.django_db
def test_a_pending_request_stays_decidable_by_the_lurah(client, vv):
    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.models import ChangeRequest, Musyawarah

    visit = do_submit_visit(
        vv.campaign,
        payload(vv.mine, fields={"alamat": "Jl. Sesudah Tutup 3"}),
        acting_user=vv.cast["enumerator"],
        source="web",
    )
    page = close(as_user(client, vv.cast["analyst"]), vv).content.decode()
    assert "1 usulan masih menunggu keputusan lurah" in page

    lurah = as_user(client, vv.cast["lurah"])
    assert "Jl. Sesudah Tutup 3" in lurah.get(reverse("verivali_musyawarah")).content.decode()
    lurah.post(
        reverse("verivali_meeting_create"),
        {
            "kelurahan": PANTAI_JOHOR,
            "held_on": "2027-01-05",
            "place": "Kantor Lurah",
            "attendees": "Lurah\nKetua RT 001",
            "notes": "",
        },
    )
    meeting = Musyawarah.objects.get()
    lurah.post(
        reverse("verivali_decide"),
        {
            "kelurahan": PANTAI_JOHOR,
            "ids": [visit.change_request.pk],
            "decision": "approve",
            "reason": "",
            "musyawarah": meeting.pk,
        },
    )
    assert ChangeRequest.objects.get().status == "approved"
    vv.mine.refresh_from_db()
    assert vv.mine.alamat == "Jl. Sesudah Tutup 3"


@pytest.mark.django_db
def test_a_closed_campaign_takes_no_more_visits(client, vv):
    from tepat.verivali.actions import SubmissionRejected, do_close_campaign, do_submit_visit

    do_close_campaign(vv.campaign, acting_user=vv.cast["analyst"])
    with pytest.raises(SubmissionRejected, match="tidak sedang berjalan"):
        do_submit_visit(vv.campaign, payload(vv.mine), acting_user=vv.cast["analyst"], source="web")
    enumerator = as_user(client, vv.cast["enumerator"])
    response = enumerator.post(
        reverse("verivali_visit", args=[vv.campaign.pk, vv.mine.pk]),
        {"submission_key": f"uuid:{uuid.uuid4()}", "keberadaan": "terkonfirmasi", "memenuhi_kriteria": "ya"},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_second_close_is_refused_with_a_clear_message(client, vv):
    from tepat.accounts.models import AuditEvent
    from tepat.verivali.actions import DecisionRefused, do_close_campaign
    from tepat.verivali.models import VerivaliAudit

    do_close_campaign(vv.campaign, acting_user=vv.cast["analyst"])
    with pytest.raises(DecisionRefused) as caught:
        do_close_campaign(vv.campaign, acting_user=vv.cast["admin"])
    assert caught.value.code == "campaign_already_closed"
    assert "Verivali 2026 sudah ditutup" in str(caught.value) and "already closed" in str(caught.value)
    page = close(as_user(client, vv.cast["analyst"]), vv).content.decode()
    assert "Verivali 2026 sudah ditutup" in page
    assert AuditEvent.objects.filter(action=VerivaliAudit.CAMPAIGN_CLOSED).count() == 1


@pytest.mark.django_db
def test_closing_needs_the_confirmation_box(client, vv):
    page = close(as_user(client, vv.cast["analyst"]), vv, confirm=False).content.decode()
    assert "Centang konfirmasi" in page
    vv.campaign.refresh_from_db()
    assert vv.campaign.status == "active"
    assert family_page(as_user(client, vv.cast["enumerator"]), vv.mine).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enumerator", "lurah", "camat"])
def test_only_analyst_or_admin_may_close(client, vv, role):
    user = as_user(client, vv.cast[role])
    assert (
        'data-testid="close-form"' not in user.get(reverse("verivali_campaign", args=[vv.campaign.pk])).content.decode()
    )
    assert user.post(reverse("verivali_campaign_close", args=[vv.campaign.pk]), {"confirm": "yes"}).status_code == 404
    vv.campaign.refresh_from_db()
    assert vv.campaign.status == "active"


@pytest.mark.django_db
def test_an_admin_sees_the_button_and_closes(client, vv):
    admin = as_user(client, vv.cast["admin"])
    assert 'data-testid="close-form"' in admin.get(reverse("verivali_campaign", args=[vv.campaign.pk])).content.decode()
    assert "Kampanye ditutup" in close(admin, vv).content.decode()


@pytest.mark.django_db
def test_a_family_still_assigned_in_another_open_campaign_stays_visible(client, vv):
    from tepat.registry.models import Family
    from tepat.verivali.actions import do_close_campaign

    later = second_campaign(vv, Family.objects.filter(pk=vv.mine.pk), vv.cast["enumerator"])
    result = do_close_campaign(vv.campaign, acting_user=vv.cast["analyst"])
    assert (result.released, result.kept) == (2, 1)
    enumerator = as_user(client, vv.cast["enumerator"])
    assert family_page(enumerator, vv.mine).status_code == 200
    assert visit_page(enumerator, later, vv.mine).status_code == 200
    assert visit_page(enumerator, vv.campaign, vv.mine).status_code == 404
    assert family_page(enumerator, vv.other_kelurahan).status_code == 404


@pytest.mark.django_db
def test_a_closed_campaign_does_not_hold_a_family_on_reassignment_elsewhere(client, vv):
    """After closing, moving the family in the other campaign to another enumerator hides it from the first."""
    from tepat.registry.models import Family
    from tepat.verivali.actions import campaign_families, do_close_campaign, do_reassign

    later = second_campaign(vv, Family.objects.filter(pk=vv.mine.pk), vv.cast["enumerator"])
    do_close_campaign(vv.campaign, acting_user=vv.cast["analyst"])
    do_reassign(campaign_families(later), enumerator=vv.second, acting_user=vv.cast["analyst"], reason="pendata sakit")
    assert family_page(as_user(client, vv.cast["enumerator"]), vv.mine).status_code == 404
    assert family_page(as_user(client, vv.second), vv.mine).status_code == 200


@pytest.mark.django_db
def test_a_closed_campaign_refuses_new_assignments(client, vv):
    from tepat.verivali.actions import DecisionRefused, campaign_families, do_assign_campaign, do_close_campaign

    do_close_campaign(vv.campaign, acting_user=vv.cast["analyst"])
    with pytest.raises(DecisionRefused, match="sudah ditutup"):
        do_assign_campaign(
            campaign_families(vv.campaign), enumerator=vv.second, acting_user=vv.cast["analyst"], reassign=True
        )
    page = (
        as_user(client, vv.cast["analyst"])
        .post(
            reverse("verivali_assign", args=[vv.campaign.pk]),
            {
                "enumerator": vv.second.pk,
                "kelurahan": "",
                "rt": "",
                "rw": "",
                "family_ids": str(vv.mine.pk),
                "reassign": "on",
            },
            follow=True,
        )
        .content.decode()
    )
    assert "sudah ditutup" in page
    assert family_page(as_user(client, vv.second), vv.mine).status_code == 404
