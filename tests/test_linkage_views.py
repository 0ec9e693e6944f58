"""The review queue and page: scope, masking, the waterfall, decisions with a reason, the home panel."""

from __future__ import annotations

import pytest

from tests.test_linkage import linked, registry, TRAINED  # noqa: F401  (fixtures)


def _pair_in(kelurahan: str, **filters):
    from django.db.models import Q

    from tepat.linkage.models import Pair

    inside = Q(left_family__kelurahan__code=kelurahan) | Q(right_family__kelurahan__code=kelurahan)
    return Pair.objects.filter(inside, **filters).first(), Pair.objects.exclude(inside).filter(**filters).first()


@pytest.mark.django_db
def test_lurah_reviews_a_pair_of_their_kelurahan_and_decides_with_a_reason(client, cast, linked):
    from tepat.linkage.models import PairDecision

    mine, other = _pair_in("12.74.05.1010", status="pending", kind="cross_source")
    client.force_login(cast["lurah"])
    page = client.get(f"/tautan/{mine.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="waterfall"' in text and "<script" not in text.split("</header>")[1]
    import re

    assert re.findall(r'<rect[^>]* x="[0-9.]+" y="[0-9]+" width="[0-9.]+"', text), "SVG numbers with a decimal point"
    assert mine.left_member.nama in text and mine.right_member.nama in text
    assert client.get(f"/tautan/{other.pk}/").status_code == 404
    queue = client.get("/tautan/").content.decode()
    assert f"/tautan/{mine.pk}/" in queue and f"/tautan/{other.pk}/" not in queue
    empty = client.post(f"/tautan/{mine.pk}/putuskan/", {"decision": "same", "reason": ""})
    assert empty.status_code == 302 and not PairDecision.objects.filter(pair=mine, decision="same").exists()
    client.post(f"/tautan/{mine.pk}/putuskan/", {"decision": "same", "reason": "dicek di lapangan"})
    mine.refresh_from_db()
    assert mine.status == "linked" and mine.decided_by == cast["lurah"] and mine.reason == "dicek di lapangan"
    assert client.post(f"/tautan/{other.pk}/putuskan/", {"decision": "same", "reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_camat_sees_masked_numbers_and_differences_highlighted(client, cast, linked):
    from tepat.linkage.models import Pair

    pair = Pair.objects.filter(
        kind="cross_source", left_family__kelurahan__parent__code="12.74.05", method="probabilistic"
    ).first()
    client.force_login(cast["camat"])
    text = client.get(f"/tautan/{pair.pk}/").content.decode()
    assert pair.left_family.no_kk not in text and "******" in text
    assert 'class="differs"' in text
    client.force_login(cast["analyst"])
    assert pair.left_family.no_kk in client.get(f"/tautan/{pair.pk}/").content.decode()


@pytest.mark.django_db
def test_viewer_and_enumerator_have_no_queue_and_home_shows_pending_per_kelurahan(client, cast, linked):
    for name in ("viewer", "enumerator", "opd"):
        client.force_login(cast[name])
        assert client.get("/tautan/").status_code == 404
    client.force_login(cast["lurah"])
    home = client.get("/").content.decode()
    assert 'data-testid="linkage-pending"' in home and "Pantai Johor" in home


@pytest.mark.django_db
def test_analyst_builds_a_ganda_campaign_from_pending_pairs_and_a_lurah_cannot(client, cast, linked):
    from tepat.linkage.actions import ganda_families
    from tepat.linkage.models import Pair
    from tepat.verivali.models import Campaign

    pending = Pair.objects.filter(status="pending", kind__in=["duplicate", "cross_source", "family"])
    expected = set(ganda_families(pending).values_list("pk", flat=True))
    assert expected
    client.force_login(cast["lurah"])
    assert 'data-testid="ganda-campaign"' not in client.get("/tautan/").content.decode()
    assert client.post("/tautan/kampanye-ganda/").status_code == 404
    client.force_login(cast["analyst"])
    assert 'data-testid="ganda-campaign"' in client.get("/tautan/").content.decode()
    response = client.post("/tautan/kampanye-ganda/")
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/verivali/{campaign.pk}/"
    assert set(campaign.families.values_list("family_id", flat=True)) == expected
    assert campaign.selection.startswith(f"ganda: {pending.count()} pasangan")
