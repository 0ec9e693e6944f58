"""Verivali pages: the whole loop through the web (campaign, assignment, phone form, musyawarah), bad input, scope."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.verivali_support import PANTAI_JOHOR, make_family, payload, png_bytes, vv  # noqa: F401


def client_for(client, user):
    client.force_login(user)
    return client


def visit_post(family, **extra) -> dict:
    data = {
        "submission_key": f"uuid:{uuid.uuid4()}",
        "started_version": family.version,
        "keberadaan": "terkonfirmasi",
        "memenuhi_kriteria": "ya",
        "alasan": "",
        "keterangan": "",
    }
    data.update(extra)
    return data


def post_visit(client, world, family, files=None, **extra):
    url = reverse("verivali_visit", args=[world.campaign.pk, family.pk])
    return client.post(url, {**visit_post(family, **extra), **(files or {})})


@pytest.mark.django_db
def test_the_whole_loop_through_the_web(client, cast):
    from tepat.regions.models import Region
    from tepat.registry.models import Change
    from tepat.verivali.models import Campaign, ChangeRequest, Musyawarah

    family = make_family(PANTAI_JOHOR, "P0010", members=3)
    make_family(PANTAI_JOHOR, "P0011", desil=3)
    analyst = client_for(client, cast["analyst"])
    region = Region.objects.get(code=PANTAI_JOHOR)
    response = analyst.post(
        reverse("verivali_campaign_create"),
        {
            "name": "Verivali Desember",
            "period_start": "2026-12-01",
            "period_end": "2026-12-20",
            "max_desil": 2,
            "selection": "desil 1-2",
            "status": "active",
            "kelurahan": [region.pk],
        },
    )
    campaign = Campaign.objects.get(name="Verivali Desember")
    assert response.status_code == 302 and list(campaign.families.values_list("family_id", flat=True)) == [family.pk]
    analyst.post(
        reverse("verivali_assign", args=[campaign.pk]),
        {"enumerator": cast["enumerator"].pk, "kelurahan": region.pk, "rt": "1", "rw": "", "family_ids": ""},
    )
    assert campaign.families.get().enumerator == cast["enumerator"]

    enumerator = client_for(client, cast["enumerator"])
    listing = enumerator.get(reverse("verivali_my_families"))
    assert family.kepala_keluarga in listing.content.decode()
    form_url = reverse("verivali_visit", args=[campaign.pk, family.pk])
    page = enumerator.get(form_url).content.decode()
    assert 'accept="image/*"' in page and 'name="gps_lat"' in page and "Lantai tanah atau plesteran" in page
    dead, head = family.members.order_by("pk").last(), family.members.order_by("pk").first()
    response = enumerator.post(
        form_url,
        {
            **visit_post(family),
            "f_alamat": "Jl. Verivali 9",
            "f_rt": family.rt,
            "f_jenis_lantai": "Semen",
            f"m{dead.pk}_keberadaan": "meninggal",
            f"m{dead.pk}_keterangan": "November 2026",
            f"m{head.pk}_keberadaan": "terkonfirmasi",
            f"m{head.pk}_nama": "Kepala Perbaikan",
            "new_nama": ["Bayi Baru"],
            "new_nik": ["1274054101260003"],
            "new_jenis_kelamin": ["Perempuan"],
            "new_tanggal_lahir": ["2026-01-01"],
            "new_hubungan_dengan_kepala_keluarga": ["Anak"],
            "gps_lat": "2.9650",
            "gps_lon": "99.7990",
            "gps_accuracy": "7",
            "cl_lantai_tanah": "on",
            "photo_depan_rumah": SimpleUploadedFile("rumah.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    done = enumerator.get(response["Location"]).content.decode()
    assert "Hasil kunjungan diterima" in done and "Jl. Verivali 9" in done
    request = ChangeRequest.objects.get()
    assert request.visit.checklist["lantai_tanah"] is True and request.visit.photos.count() == 1
    assert not request.lines.filter(field="rt").exists()  # unchanged fields are not proposed

    lurah = client_for(client, cast["lurah"])
    page = lurah.get(reverse("verivali_musyawarah")).content.decode()
    assert "Jl. Contoh No. 1" in page and "Jl. Verivali 9" in page and "Kepala Perbaikan" in page
    lurah.post(
        reverse("verivali_meeting_create"),
        {
            "kelurahan": PANTAI_JOHOR,
            "held_on": "2026-12-21",
            "place": "Kantor Lurah",
            "attendees": "Lurah\nBabinsa\nKetua RT 001",
            "notes": "",
        },
    )
    meeting = Musyawarah.objects.get()
    response = lurah.post(
        reverse("verivali_decide"),
        {
            "kelurahan": PANTAI_JOHOR,
            "ids": [request.pk],
            "decision": "approve",
            "reason": "sesuai hasil kunjungan",
            "musyawarah": meeting.pk,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    family.refresh_from_db()
    dead.refresh_from_db()
    assert request.status == "approved" and request.musyawarah == meeting
    assert (
        family.alamat == "Jl. Verivali 9" and family.jenis_lantai == "Semen" and family.latitude == pytest.approx(2.965)
    )
    assert not dead.is_active and family.members.filter(nama="Bayi Baru", is_active=True).exists()
    reasons = list(Change.objects.filter(family=family).values_list("reason", flat=True))
    assert reasons and all(
        f"kunjungan #{request.visit.pk}" in r and f"musyawarah #{meeting.pk}" in r and "lurah" in r for r in reasons
    )
    detail = lurah.get(reverse("verivali_request", args=[request.pk])).content.decode()
    assert "Disetujui" in detail or "disetujui" in detail
    assert "Riwayat registri" in detail and "Lantai tanah atau plesteran: <b>Ya</b>" in detail
    page = lurah.get(reverse("verivali_musyawarah")).content.decode()
    assert reverse("verivali_berita_acara", args=[meeting.pk, "pdf"]) in page
    pdf = lurah.get(reverse("verivali_berita_acara", args=[meeting.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_form_reports_bad_input_and_keeps_nothing(client, vv):
    from tepat.verivali.models import Visit

    enumerator = client_for(client, vv.cast["enumerator"])
    bad_photo = SimpleUploadedFile("rumah.jpg", b"this is not a picture", content_type="image/jpeg")
    response = post_visit(enumerator, vv, vv.mine, files={"photo_atap": bad_photo})
    assert response.status_code == 400 and "bukan gambar" in response.content.decode()
    member = vv.mine.members.first()
    response = post_visit(enumerator, vv, vv.mine, **{f"m{member.pk}_nik": "12740501"})
    assert response.status_code == 400 and "NIK perbaikan tidak valid" in response.content.decode()
    response = post_visit(enumerator, vv, vv.mine, memenuhi_kriteria="tidak")
    assert response.status_code == 400 and "alasan" in response.content.decode()
    response = post_visit(enumerator, vv, vv.mine, keberadaan="entah")
    assert response.status_code == 400 and "entah" in response.content.decode()
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_a_photo_too_large_is_refused(client, vv, settings):
    settings.TEPAT_VERIVALI_PHOTO_MAX_BYTES = 1024
    enumerator = client_for(client, vv.cast["enumerator"])
    big = SimpleUploadedFile("besar.png", png_bytes((300, 300)) + b"\0" * 2048, content_type="image/png")
    response = post_visit(enumerator, vv, vv.mine, files={"photo_lantai": big})
    assert response.status_code == 400 and "terlalu besar" in response.content.decode()


@pytest.mark.django_db
def test_a_double_tap_records_one_visit(client, vv):
    from tepat.verivali.models import Visit

    enumerator = client_for(client, vv.cast["enumerator"])
    data = visit_post(vv.mine, f_alamat="Jl. Sekali")
    url = reverse("verivali_visit", args=[vv.campaign.pk, vv.mine.pk])
    first, second = enumerator.post(url, data), enumerator.post(url, data)
    assert first["Location"] == second["Location"]
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_an_enumerator_sees_and_visits_only_their_families(client, vv):
    enumerator = client_for(client, vv.cast["enumerator"])
    page = enumerator.get(reverse("verivali_my_families")).content.decode()
    assert vv.mine.kepala_keluarga in page and vv.theirs.kepala_keluarga not in page
    assert enumerator.get(reverse("verivali_visit", args=[vv.campaign.pk, vv.theirs.pk])).status_code == 404
    assert post_visit(enumerator, vv, vv.theirs).status_code == 404
    assert enumerator.get(reverse("verivali_visit", args=[vv.campaign.pk, vv.outside.pk])).status_code == 404
    assert enumerator.get(reverse("verivali_campaign_create")).status_code == 404


@pytest.mark.django_db
def test_usulan_baru_through_the_form(client, vv):
    from tepat.verivali.models import ChangeRequest

    enumerator = client_for(client, vv.cast["enumerator"])
    url = reverse("verivali_proposal", args=[vv.campaign.pk])
    assert "Usulan baru" in enumerator.get(url).content.decode()
    response = enumerator.post(
        url,
        {
            "submission_key": "uuid:baru-1",
            "kelurahan": PANTAI_JOHOR,
            "keberadaan": "terkonfirmasi",
            "memenuhi_kriteria": "ya",
            "f_kepala_keluarga": "Keluarga Baru",
            "f_alamat": "Gang Baru",
            "new_nama": ["Keluarga Baru"],
            "new_nik": ["1274050101900007"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    request = ChangeRequest.objects.get()
    assert request.kind == "proposal" and request.family is None and request.lines.filter(field="nama").exists()


@pytest.mark.django_db
def test_a_lurah_decides_only_their_kelurahan_in_the_page(client, vv):
    from tepat.verivali.actions import do_submit_visit

    visit = do_submit_visit(
        vv.campaign, payload(vv.mine, fields={"alamat": "Jl. Y"}), acting_user=vv.cast["enumerator"], source="web"
    )
    request = visit.change_request
    other = client_for(client, vv.cast["other_lurah"])
    assert f"request-{request.pk}" not in other.get(reverse("verivali_musyawarah")).content.decode()
    assert other.get(reverse("verivali_request", args=[request.pk])).status_code == 404
    other.post(
        reverse("verivali_decide"),
        {"kelurahan": PANTAI_JOHOR, "ids": [request.pk], "decision": "reject", "reason": "x"},
    )
    request.refresh_from_db()
    assert request.status == "pending"
    camat = client_for(client, vv.cast["camat"])
    page = camat.get(reverse("verivali_musyawarah") + f"?kelurahan={PANTAI_JOHOR}").content.decode()
    assert f"request-{request.pk}" in page and f"decide-{request.pk}" not in page  # sees, cannot decide
    lurah = client_for(client, vv.cast["lurah"])
    lurah.post(
        reverse("verivali_decide"),
        {"kelurahan": PANTAI_JOHOR, "ids": [request.pk], "decision": "reject", "reason": "alamat lama benar"},
    )
    request.refresh_from_db()
    assert request.status == "rejected" and request.reason == "alamat lama benar"


@pytest.mark.django_db
def test_bulk_decisions_report_refusals(client, vv):
    from tepat.verivali.actions import do_record_musyawarah, do_submit_visit
    from tepat.regions.models import Region

    ok = do_submit_visit(
        vv.campaign, payload(vv.mine, fields={"alamat": "Jl. A"}), acting_user=vv.cast["enumerator"], source="web"
    )
    clash = do_submit_visit(
        vv.campaign, payload(vv.mine, fields={"alamat": "Jl. B"}), acting_user=vv.cast["analyst"], source="web"
    )
    meeting = do_record_musyawarah(
        {"held_on": dt.date(2026, 12, 1), "place": "Aula", "attendees": "Lurah"},
        kelurahan=Region.objects.get(code=PANTAI_JOHOR),
        acting_user=vv.cast["lurah"],
    )
    lurah = client_for(client, vv.cast["lurah"])
    response = lurah.post(
        reverse("verivali_decide"),
        {
            "kelurahan": PANTAI_JOHOR,
            "decision": "approve",
            "musyawarah": meeting.pk,
            "ids": [ok.change_request.pk, clash.change_request.pk],
            "reason": "",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "1 usulan diputuskan" in page and f"#{clash.change_request.pk}" in page
    ok.change_request.refresh_from_db()
    assert ok.change_request.status == "approved"


@pytest.mark.django_db
def test_scope_of_each_role_over_campaigns_and_requests(client, vv):
    from tepat.accounts.scope import scoped
    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.models import Campaign, ChangeRequest

    do_submit_visit(
        vv.campaign, payload(vv.mine, fields={"alamat": "Jl. 1"}), acting_user=vv.cast["enumerator"], source="web"
    )
    do_submit_visit(vv.campaign, payload(vv.theirs, fields={"alamat": "Jl. 2"}), acting_user=vv.second, source="web")
    do_submit_visit(
        vv.campaign,
        payload(vv.other_kelurahan, fields={"alamat": "Jl. 3"}),
        acting_user=vv.cast["enumerator"],
        source="web",
    )
    seen = {name: scoped(vv.cast[name], ChangeRequest.objects.all()).count() for name in vv.cast}
    assert seen == {
        "admin": 3,
        "analyst": 3,
        "opd": 0,
        "camat": 2,
        "lurah": 2,
        "enumerator": 2,
        "viewer": 0,
        "other_lurah": 1,
    }
    assert scoped(vv.second, ChangeRequest.objects.all()).count() == 1
    assert scoped(vv.cast["viewer"], Campaign.objects.all()).count() == 0
    assert client_for(client, vv.cast["viewer"]).get(reverse("verivali_campaigns")).status_code == 404
    assert (
        client_for(client, vv.cast["analyst"]).get(reverse("verivali_campaign", args=[vv.campaign.pk])).status_code
        == 200
    )


@pytest.mark.django_db
def test_progress_counts_and_exports(client, vv):
    import openpyxl

    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.progress import campaign_progress

    do_submit_visit(
        vv.campaign,
        payload(vv.mine, keberadaan="meninggal", memenuhi_kriteria=False, alasan="meninggal"),
        acting_user=vv.cast["enumerator"],
        source="web",
    )
    do_submit_visit(vv.campaign, payload(None), acting_user=vv.cast["enumerator"], source="web")
    rows = {r["label"]: r for r in campaign_progress(vv.campaign, by="kelurahan")}
    johor = rows["PANTAI JOHOR"] if "PANTAI JOHOR" in rows else next(r for k, r in rows.items() if "johor" in k.lower())
    assert (
        johor["families"],
        johor["assigned"],
        johor["visited"],
        johor["pending"],
        johor["meninggal"],
        johor["usulan_baru"],
    ) == (2, 2, 1, 2, 1, 1)
    by_enumerator = {r["label"]: r for r in campaign_progress(vv.campaign, by="enumerator")}
    assert by_enumerator["enumerator"]["assigned"] == 2 and by_enumerator["enum2"]["visited"] == 0
    (total,) = campaign_progress(by="campaign")
    assert total["families"] == 3 and total["visited"] == 1
    analyst = client_for(client, vv.cast["analyst"])
    body = analyst.get(reverse("verivali_progress_export", args=[vv.campaign.pk, "xlsx"]) + "?by=kelurahan").content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    header = [c.value for c in sheet[1]]
    assert "dikunjungi" in header and "meninggal" in header and sheet.max_row == 3
    text = analyst.get(reverse("verivali_progress_export", args=[vv.campaign.pk, "csv"])).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith('"kampanye",') and len(text.splitlines()) == 3
    assert "Verivali 2026" in analyst.get(reverse("verivali_campaigns")).content.decode()
