"""Conflicting change requests warn both ways: the newer one names the older, the older names the newer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.verivali_support import payload, vv  # noqa: F401


def submit(world, family, user, **overrides):
    from tepat.verivali.actions import do_submit_visit

    return do_submit_visit(world.campaign, payload(family, **overrides), acting_user=user, source="web").change_request


@pytest.fixture
def clash(vv):
    """Two requests on the same family field: the enumerator's first, then the analyst's (conflict)."""
    first = submit(vv, vv.mine, vv.cast["enumerator"], fields={"alamat": "Jl. Satu"})
    second = submit(vv, vv.mine, vv.cast["analyst"], fields={"alamat": "Jl. Dua"})
    return first, second


@pytest.mark.django_db
def test_the_older_request_names_the_newer_conflicting_one(vv, clash):
    first, second = clash
    assert second.status == "conflict"
    assert list(first.conflicting_requests()) == [second]
    assert list(second.conflicting_requests()) == []


@pytest.mark.django_db
def test_requests_on_other_fields_do_not_count(vv, clash):
    first, second = clash
    other_field = submit(vv, vv.mine, vv.cast["analyst"], fields={"rt": "009"})
    assert other_field.status == "pending"
    assert list(first.conflicting_requests()) == [second]


@pytest.mark.django_db
def test_a_decided_newer_request_no_longer_warns(vv, clash):
    from tepat.verivali.actions import do_decide_change_request

    first, second = clash
    do_decide_change_request(second, acting_user=vv.cast["lurah"], approve=False, reason="dobel")
    assert list(first.conflicting_requests()) == []


@pytest.mark.django_db
def test_the_musyawarah_page_warns_on_both_cards(client, vv, clash):
    first, second = clash
    client.force_login(vv.cast["lurah"])
    page = client.get(reverse("verivali_musyawarah")).content.decode()
    older_card = page.split(f'data-testid="request-{first.pk}"')[1].split("</article>")[0]
    newer_card = page.split(f'data-testid="request-{second.pk}"')[1].split("</article>")[0]
    assert f'data-testid="conflicting-{first.pk}"' in older_card
    assert "Usulan yang lebih baru bertentangan dengan usulan ini" in older_card and f"#{second.pk}</a>" in older_card
    assert "analyst" in older_card
    assert f"#{first.pk}" in newer_card and "Bertentangan dengan usulan" in newer_card
    assert 'data-testid="conflicting-' not in newer_card


@pytest.mark.django_db
def test_the_warning_goes_once_the_newer_one_is_decided(client, vv, clash):
    from tepat.verivali.actions import do_decide_change_request

    first, second = clash
    do_decide_change_request(second, acting_user=vv.cast["lurah"], approve=False, reason="dobel")
    client.force_login(vv.cast["lurah"])
    page = client.get(reverse("verivali_musyawarah")).content.decode()
    assert f'data-testid="request-{first.pk}"' in page and f'data-testid="conflicting-{first.pk}"' not in page


@pytest.mark.django_db
def test_once_the_older_is_approved_the_newer_cannot_overwrite_it(vv, clash):
    """What the guide tells the lurah: approve the older one, and the newer one is refused, not applied."""
    import datetime as dt

    from tepat.regions.models import Region
    from tepat.verivali.actions import DecisionRefused, do_decide_change_request, do_record_musyawarah

    first, second = clash
    held = do_record_musyawarah(
        {"held_on": dt.date(2026, 11, 30), "place": "Aula", "attendees": "Lurah"},
        kelurahan=Region.objects.get(code="12.74.05.1010"),
        acting_user=vv.cast["lurah"],
    )
    do_decide_change_request(first, acting_user=vv.cast["lurah"], approve=True, musyawarah=held)
    with pytest.raises(DecisionRefused, match="berubah"):
        do_decide_change_request(second, acting_user=vv.cast["lurah"], approve=True, musyawarah=held)
    vv.mine.refresh_from_db()
    assert vv.mine.alamat == "Jl. Satu"
    do_decide_change_request(
        second, acting_user=vv.cast["lurah"], approve=False, reason=f"sudah diputuskan #{first.pk}"
    )


@pytest.mark.django_db
def test_the_musyawarah_page_costs_the_same_for_more_cards(client, vv, clash):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(vv.cast["lurah"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("verivali_musyawarah")).status_code == 200
        return len(captured)

    queries()  # the first request after login refreshes the session (at most every few minutes): not per card
    two_cards = queries()
    submit(vv, vv.mine, vv.cast["analyst"], fields={"rt": "009"})
    submit(vv, vv.mine, vv.cast["analyst"], fields={"alamat": "Jl. Tiga"})
    assert queries() == two_cards
