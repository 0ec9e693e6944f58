"""The access log's former gaps: evidence downloads, the musyawarah page's count, the enumerator and the musyawarah."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tepat.accounts.models import PersonalDataAccess
from tests.test_meetings import held_rakor, opds, values  # noqa: F401  (fixtures)
from tests.verivali_support import payload, vv  # noqa: F401


def test_an_evidence_download_is_logged_as_an_export(client, held_rakor, cast):
    from tepat.meetings.actions import do_record_progress

    _, items = held_rakor
    progress = do_record_progress(
        items["muskel"], note="x", evidence=SimpleUploadedFile("daftar-warga.pdf", b"%PDF"), acting_user=cast["opd"]
    )
    client.force_login(cast["analyst"])
    response = client.get(f"/tindak-lanjut/{items['muskel'].pk}/bukti/{progress.pk}/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    entry = PersonalDataAccess.objects.get(user=cast["analyst"])
    assert entry.kind == "export" and "daftar-warga.pdf" in entry.what and str(items["muskel"].pk) in entry.what


@pytest.mark.django_db
def test_the_musyawarah_page_counts_every_request_it_shows(client, vv):
    from tepat.verivali.actions import do_decide_change_request, do_record_musyawarah, do_submit_visit
    from tepat.verivali.models import ChangeRequest

    enumerator, lurah = vv.cast["enumerator"], vv.cast["lurah"]
    decided = do_submit_visit(
        vv.campaign, payload(vv.mine, fields={"alamat": "Jl. A"}), acting_user=enumerator, source="web"
    )
    do_submit_visit(vv.campaign, payload(None), acting_user=enumerator, source="web")  # stays pending
    meeting = do_record_musyawarah(
        {"held_on": vv.campaign.period_start, "place": "Aula", "attendees": "Lurah\nPendata", "notes": ""},
        kelurahan=vv.mine.kelurahan,
        acting_user=lurah,
        campaign=vv.campaign,
    )
    do_decide_change_request(decided.change_request, acting_user=lurah, approve=True, reason="", musyawarah=meeting)
    client.force_login(lurah)
    page = client.get(reverse("verivali_musyawarah")).content.decode()
    assert "Jl. A" in page or vv.mine.kepala_keluarga in page
    entry = PersonalDataAccess.objects.get(user=lurah, what__startswith="verivali: musyawarah")
    assert entry.records == ChangeRequest.objects.filter(kelurahan=vv.mine.kelurahan).count() == 2


@pytest.mark.django_db
def test_the_enumerator_gets_404_on_the_musyawarah_pages(client, vv):
    from tepat.verivali.actions import do_record_musyawarah

    meeting = do_record_musyawarah(
        {"held_on": vv.campaign.period_start, "place": "Aula", "attendees": "Lurah", "notes": ""},
        kelurahan=vv.mine.kelurahan,
        acting_user=vv.cast["lurah"],
        campaign=vv.campaign,
    )
    urls = [reverse("verivali_musyawarah"), reverse("verivali_berita_acara", args=[meeting.pk, "pdf"])]
    client.force_login(vv.cast["enumerator"])
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(reverse("verivali_decide"), {"kelurahan": "12.74.05.1010"}).status_code == 404
    client.force_login(vv.cast["lurah"])
    assert [client.get(url).status_code for url in urls] == [200, 200]
