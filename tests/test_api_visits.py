"""Verivali visits through the API: the phone form's payload and rules (assigned family, scope), photos as base64."""

from __future__ import annotations

import base64

from tepat.verivali.models import Visit
from tests.api_support import call
from tests.verivali_support import payload, png_bytes, vv  # noqa: F401


def test_an_enumerator_submits_a_visit_to_an_assigned_family_only(client, vv):
    from tepat.api.actions import do_create_token

    token = do_create_token(vv.cast["enumerator"], "hp", acting_user=None).text
    url = f"/api/v1/verivali/campaigns/{vv.campaign.pk}/visits"
    photo = {"kind": "depan_rumah", "name": "rumah.png", "content": base64.b64encode(png_bytes()).decode()}
    body = payload(vv.mine, fields={"rt": "009"}, photos=[photo])
    sent = call(client, token, "post", url, body)
    assert sent.status_code == 201, sent.content
    visit = Visit.objects.get(pk=sent.json()["visit_id"])
    assert visit.family == vv.mine and visit.photos.count() == 1 and visit.raw["api"]
    assert sent.json()["change_request_id"] == visit.change_request.pk and not sent.json()["duplicate"]
    again = call(client, token, "post", url, body)
    assert again.status_code == 201 and again.json() == {**sent.json(), "duplicate": True}
    assert call(client, token, "post", url, payload(vv.theirs)).status_code == 404  # another enumerator's family
    rejected = call(client, token, "post", url, payload(vv.mine, keberadaan="hilang"))
    assert rejected.status_code == 422 and rejected.json()["errors"][0]["field"] == "keberadaan"
    lurah = do_create_token(vv.cast["lurah"], "x", acting_user=None).text
    assert call(client, lurah, "post", url, payload(vv.mine)).status_code == 404  # not a visitor
    assert Visit.objects.count() == 1
    rows = call(client, token, "get", f"/api/v1/verivali/campaigns/{vv.campaign.pk}/progress?by=campaign").json()
    assert [(r["visited"], r["families"]) for r in rows] == [(1, 2)]  # the enumerator's own two families
