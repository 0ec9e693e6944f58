"""The visit form for a masking role (admin): NIK / No KK shown masked, corrections compared on the server."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from django.urls import reverse

from tepat.accounts.models import PersonalDataAccess
from tests.verivali_support import vv  # noqa: F401

INPUT = re.compile(r'<input name="((?:f_|m\d+_)[a-z_]+)" value="([^"]*)"')


def shown_inputs(page: str) -> dict[str, str]:
    """The correctable fields as the browser received them (what it sends back when nothing is touched)."""
    return {name: html.unescape(value) for name, value in INPUT.findall(page)}


def submit(client, world, family, fields: dict):
    data = {
        "submission_key": f"uuid:{uuid.uuid4()}",
        "started_version": family.version,
        "keberadaan": "terkonfirmasi",
        "memenuhi_kriteria": "ya",
        **fields,
    }
    return client.post(reverse("verivali_visit", args=[world.campaign.pk, family.pk]), data)


@pytest.mark.django_db
def test_admin_gets_masked_numbers_and_an_untouched_form_proposes_no_identity_change(client, vv):
    from tepat.verivali.models import ChangeLine

    admin = vv.cast["admin"]
    client.force_login(admin)
    page = client.get(reverse("verivali_visit", args=[vv.campaign.pk, vv.mine.pk])).content.decode()
    numbers = [vv.mine.no_kk, *vv.mine.members.values_list("nik", flat=True)]
    assert not [n for n in numbers if n in page]
    inputs = shown_inputs(page)
    assert inputs["f_no_kk"] == vv.mine.no_kk[:6] + "******" + vv.mine.no_kk[-4:]
    assert 'data-testid="masked-note"' in page
    response = submit(client, vv, vv.mine, {**inputs, "f_alamat": "Jl. Baru 5"})
    assert response.status_code == 302, response.content.decode()[:2000]
    fields = set(ChangeLine.objects.values_list("field", flat=True))
    assert "alamat" in fields and not fields & {"nik", "no_kk"}
    entry = PersonalDataAccess.objects.filter(user=admin, what__contains="formulir kunjungan").first()
    assert entry is not None and entry.unmasked is False


@pytest.mark.django_db
def test_admin_can_still_correct_a_nik_by_typing_the_full_number(client, vv):
    from tepat.verivali.models import ChangeLine

    client.force_login(vv.cast["admin"])
    head = vv.mine.members.order_by("pk").first()
    page = client.get(reverse("verivali_visit", args=[vv.campaign.pk, vv.mine.pk])).content.decode()
    inputs = shown_inputs(page)
    assert submit(client, vv, vv.mine, {**inputs, f"m{head.pk}_nik": "1274054107990002"}).status_code == 302
    line = ChangeLine.objects.get(field="nik")
    assert (line.current, line.proposed) == (head.nik, "1274054107990002")  # the server kept the original
    request_page = client.get(reverse("verivali_request", args=[line.request_id])).content.decode()
    assert (
        head.nik not in request_page and "1274054107990002" not in request_page and "127405******0002" in request_page
    )


@pytest.mark.django_db
def test_a_partly_edited_masked_number_is_refused_with_a_message(client, vv):
    from tepat.verivali.models import Visit

    client.force_login(vv.cast["admin"])
    head = vv.mine.members.order_by("pk").first()
    inputs = shown_inputs(client.get(reverse("verivali_visit", args=[vv.campaign.pk, vv.mine.pk])).content.decode())
    edited = inputs[f"m{head.pk}_nik"][:-1] + "9"
    response = submit(client, vv, vv.mine, {**inputs, f"m{head.pk}_nik": edited})
    assert response.status_code == 400 and "NIK perbaikan tidak valid" in response.content.decode()
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_the_analyst_still_gets_full_numbers_on_the_form(client, vv):
    client.force_login(vv.cast["analyst"])
    page = client.get(reverse("verivali_visit", args=[vv.campaign.pk, vv.mine.pk])).content.decode()
    assert shown_inputs(page)["f_no_kk"] == vv.mine.no_kk and 'data-testid="masked-note"' not in page
