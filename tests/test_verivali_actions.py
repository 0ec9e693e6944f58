"""Verivali actions: assignment, visits, change requests, conflicts and the musyawarah decision."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.verivali_support import payload, png_bytes, vv  # noqa: F401


def submit(world, family, user=None, **overrides):
    from tepat.verivali.actions import do_submit_visit

    return do_submit_visit(
        world.campaign, payload(family, **overrides), acting_user=user or world.cast["enumerator"], source="web"
    )


def meeting(world, user=None):
    from tepat.regions.models import Region
    from tepat.verivali.actions import do_record_musyawarah

    return do_record_musyawarah(
        {"held_on": dt.date(2026, 11, 30), "place": "Aula Kantor Lurah", "attendees": "Lurah\nKetua RT 001"},
        kelurahan=Region.objects.get(code="12.74.05.1010"),
        acting_user=user or world.cast["lurah"],
        campaign=world.campaign,
    )


def rejected(world, family, code, **overrides):
    from tepat.verivali.actions import SubmissionRejected

    with pytest.raises(SubmissionRejected) as caught:
        submit(world, family, **overrides)
    assert caught.value.code == code, caught.value
    return caught.value


@pytest.mark.django_db
def test_it_assigns_families_and_drives_enumerator_scope(vv):
    from tepat.accounts.scope import scoped
    from tepat.registry.models import Family

    seen = set(scoped(vv.cast["enumerator"], Family.objects.all()).values_list("pk", flat=True))
    assert seen == {vv.mine.pk, vv.other_kelurahan.pk}
    assert vv.campaign.families.count() == 3  # desil 4 family left out


@pytest.mark.django_db
def test_it_reassigns_with_history_and_moves_scope(vv):
    from tepat.accounts.scope import scoped
    from tepat.registry.models import Family
    from tepat.verivali.actions import campaign_families, do_reassign

    moved = do_reassign(
        campaign_families(vv.campaign, family_ids=[vv.mine.pk]),
        enumerator=vv.second,
        acting_user=vv.cast["analyst"],
        reason="pendata sakit",
    )
    assert moved == 1
    cf = vv.campaign.families.get(family=vv.mine)
    stints = list(cf.assignments.values_list("enumerator__username", "ended_at", "reason"))
    assert [s[0] for s in stints] == ["enumerator", "enum2"]
    assert stints[0][1] is not None and stints[0][2] == "pendata sakit" and stints[1][1] is None
    assert vv.mine.pk not in scoped(vv.cast["enumerator"], Family.objects.all()).values_list("pk", flat=True)
    assert vv.mine.pk in scoped(vv.second, Family.objects.all()).values_list("pk", flat=True)


@pytest.mark.django_db
def test_it_records_a_visit_as_a_change_request_with_current_and_proposed(vv):
    member = vv.mine.members.order_by("pk").last()
    visit = submit(
        vv,
        vv.mine,
        fields={"alamat": "Jl. Baru 5", "jenis_lantai": "semen"},
        members=[{"member_id": member.pk, "keberadaan": "meninggal", "keterangan": "2026-10"}],
        gps={"lat": 2.96, "lon": 99.8, "accuracy": 5},
        checklist={"lantai_tanah": False},
        photos=[{"kind": "depan_rumah", "name": "rumah.png", "content": png_bytes()}],
    )
    request = visit.change_request
    assert request.status == "pending" and not visit.duplicate
    lines = {(l.target, l.field): (l.current, l.proposed) for l in request.lines.all()}
    assert lines[("family", "alamat")] == ("Jl. Contoh No. 1", "Jl. Baru 5")
    assert lines[("family", "jenis_lantai")] == ("Tanah", "Semen")  # canonical spelling
    assert lines[("member", "is_active")] == (True, False)
    assert lines[("family", "latitude")] == (None, 2.96)
    photo = visit.photos.get()
    assert photo.absolute_path().read_bytes() == png_bytes() and "verivali/photos" in photo.path


@pytest.mark.django_db
def test_it_recognises_a_double_submission(vv):
    from tepat.verivali.models import Visit

    data = payload(vv.mine, fields={"alamat": "Jl. Dua"})
    from tepat.verivali.actions import do_submit_visit

    first = do_submit_visit(vv.campaign, data, acting_user=vv.cast["enumerator"], source="web")
    again = do_submit_visit(vv.campaign, dict(data), acting_user=vv.cast["enumerator"], source="odk")
    assert again.pk == first.pk and again.duplicate
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_families_outside_the_campaign_or_not_assigned(vv):
    error = rejected(vv, vv.outside, "not_in_campaign")
    assert "tidak termasuk kampanye" in str(error) and "not in campaign" in str(error)
    rejected(vv, vv.theirs, "not_assigned")


@pytest.mark.django_db
def test_an_analyst_may_submit_for_any_campaign_family(vv):
    assert submit(vv, vv.theirs, user=vv.cast["analyst"]).enumerator == vv.cast["analyst"]
    on_behalf = submit(vv, vv.theirs, user=vv.cast["analyst"], enumerator="enum2", fields={"rt": "009"})
    assert on_behalf.enumerator == vv.second


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides, code, field",
    [
        ({"keberadaan": "hilang"}, "unknown_choice", "keberadaan"),
        ({"fields": {"jenis_atap": "Emas"}}, "unknown_choice", "fields.jenis_atap"),
        ({"memenuhi_kriteria": "mungkin"}, "unknown_choice", "memenuhi_kriteria"),
        ({"memenuhi_kriteria": False}, "missing", "alasan"),
        ({"keberadaan": "lainnya"}, "missing", "keterangan"),
        ({"fields": {"desil": 3}}, "unknown_field", "fields.desil"),
        ({"fields": {"no_kk": "12345"}}, "invalid_kk", "fields.no_kk"),
        ({"gps": {"lat": 200, "lon": 1}}, "bad_gps", "gps"),
        ({"checklist": {"punya_mobil": True}}, "unknown_choice", "checklist"),
        ({"photos": [{"kind": "dapur", "name": "a.png", "content": b"x"}]}, "photo_kind", "photos[0].kind"),
    ],
)
def test_it_rejects_bad_input_naming_the_field(vv, overrides, code, field):
    assert rejected(vv, vv.mine, code, **overrides).field == field


@pytest.mark.django_db
@pytest.mark.parametrize("nik", ["12740501018", "127405010180000X", "1274059901800001", "9999050101800001"])
def test_it_rejects_an_invalid_corrected_nik(vv, nik):
    member = vv.mine.members.first()
    error = rejected(vv, vv.mine, "invalid_nik", members=[{"member_id": member.pk, "fields": {"nik": nik}}])
    assert error.field == "members[0].nik" and "NIK" in error.message_id


@pytest.mark.django_db
def test_it_rejects_photos_too_large_or_not_images(vv, settings):
    from tepat.verivali.models import Visit

    error = rejected(
        vv,
        vv.mine,
        "photo_not_image",
        photos=[{"kind": "atap", "name": "atap.jpg", "content": b"%PDF-1.4 not an image"}],
    )
    assert "atap.jpg" in str(error)
    settings.TEPAT_VERIVALI_PHOTO_MAX_BYTES = 100
    big = png_bytes((200, 200))
    assert "terlalu besar" in str(
        rejected(vv, vv.mine, "photo_too_large", photos=[{"kind": "atap", "name": "b.png", "content": big}])
    )
    assert Visit.objects.count() == 0


@pytest.mark.django_db
def test_two_enumerators_on_the_same_family_field_conflict(vv):
    first = submit(vv, vv.mine, fields={"alamat": "Jl. Satu"})
    second = submit(vv, vv.mine, user=vv.cast["analyst"], fields={"alamat": "Jl. Dua"})
    request = second.change_request
    assert request.status == "conflict" and request.conflict_with == first.change_request
    assert f"#{first.change_request.pk}" in request.conflict_message and "alamat" in request.conflict_message
    assert first.change_request.status == "pending"
    assert submit(vv, vv.mine, fields={"rt": "007"}).change_request.status == "pending"  # another field: no conflict


@pytest.mark.django_db
def test_a_visit_begun_before_the_record_changed_is_a_conflict(vv):
    visit = submit(vv, vv.mine, started_version=vv.mine.version - 1 if vv.mine.version > 1 else 0, fields={"rt": "005"})
    assert visit.change_request.status == "conflict" and "versi" in visit.change_request.conflict_message


@pytest.mark.django_db
def test_approval_applies_with_history_naming_visit_meeting_and_approver(vv):
    from tepat.registry.models import Change
    from tepat.verivali.actions import do_decide_change_request

    dead = vv.mine.members.order_by("pk").last()
    head = vv.mine.members.order_by("pk").first()
    visit = submit(
        vv,
        vv.mine,
        fields={"alamat": "Jl. Baru 5"},
        members=[
            {"member_id": dead.pk, "keberadaan": "meninggal", "keterangan": "Oktober 2026"},
            {"member_id": head.pk, "fields": {"nama": "Kepala Benar"}},
            {"member_id": None, "fields": {"nama": "Bayi", "nik": "1274054101260003", "tanggal_lahir": "01-01-2026"}},
        ],
    )
    held = meeting(vv)
    version = vv.mine.version
    do_decide_change_request(
        visit.change_request, acting_user=vv.cast["lurah"], approve=True, reason="", musyawarah=held
    )
    vv.mine.refresh_from_db()
    dead.refresh_from_db()
    assert vv.mine.alamat == "Jl. Baru 5" and vv.mine.version > version
    assert not dead.is_active and "Meninggal" in dead.inactive_reason.title()
    assert vv.mine.members.filter(nama="Kepala Benar").exists()
    baby = vv.mine.members.get(nama="Bayi")
    assert baby.tanggal_lahir == dt.date(2026, 1, 1) and baby.nik == "1274054101260003"
    history = Change.objects.filter(family=vv.mine)
    assert history.count() == 4
    for change in history:
        assert f"kunjungan #{visit.pk}" in change.reason and f"musyawarah #{held.pk}" in change.reason
        assert "lurah" in change.reason and change.user == vv.cast["lurah"]
    request = visit.change_request
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == vv.cast["lurah"] and request.applied.count() == 4


@pytest.mark.django_db
def test_a_family_found_deceased_leaves_the_active_registry(vv):
    from tepat.verivali.actions import do_decide_change_request

    visit = submit(
        vv, vv.mine, keberadaan="pindah", keterangan="ke Medan", memenuhi_kriteria=False, alasan="pindah domisili"
    )
    do_decide_change_request(visit.change_request, acting_user=vv.cast["lurah"], approve=True, musyawarah=meeting(vv))
    vv.mine.refresh_from_db()
    assert not vv.mine.is_active and "ke Medan" in vv.mine.inactive_reason


@pytest.mark.django_db
def test_approving_after_the_family_changed_is_refused(vv):
    from tepat.registry.actions import do_deactivate_member
    from tepat.verivali.actions import DecisionRefused, do_decide_change_request

    visit = submit(vv, vv.mine, fields={"alamat": "Jl. Baru"})
    do_deactivate_member(vv.mine.members.first(), acting_user=vv.cast["analyst"], reason="koreksi")
    from tepat.registry.models import Family

    Family.objects.filter(pk=vv.mine.pk).update(version=vv.mine.version + 1)
    with pytest.raises(DecisionRefused) as caught:
        do_decide_change_request(
            visit.change_request, acting_user=vv.cast["lurah"], approve=True, musyawarah=meeting(vv)
        )
    assert caught.value.code == "family_changed" and "berubah" in str(caught.value)
    vv.mine.refresh_from_db()
    assert vv.mine.alamat == "Jl. Contoh No. 1"
    visit.change_request.refresh_from_db()
    assert visit.change_request.status == "conflict"


@pytest.mark.django_db
def test_a_conflicting_request_waits_for_the_other(vv):
    from tepat.verivali.actions import DecisionRefused, do_decide_change_request

    first = submit(vv, vv.mine, fields={"alamat": "Jl. Satu"}).change_request
    second = submit(vv, vv.mine, user=vv.cast["analyst"], fields={"alamat": "Jl. Dua"}).change_request
    held = meeting(vv)
    with pytest.raises(DecisionRefused, match=f"#{first.pk}"):
        do_decide_change_request(second, acting_user=vv.cast["lurah"], approve=True, musyawarah=held)
    do_decide_change_request(first, acting_user=vv.cast["lurah"], approve=False, reason="alamat salah", musyawarah=held)
    do_decide_change_request(second, acting_user=vv.cast["lurah"], approve=True, musyawarah=held)
    vv.mine.refresh_from_db()
    assert vv.mine.alamat == "Jl. Dua"


@pytest.mark.django_db
def test_a_lurah_decides_only_their_own_kelurahan(vv):
    from tepat.verivali.actions import DecisionRefused, do_decide_change_request, do_decide_many

    request = submit(vv, vv.mine, fields={"alamat": "Jl. X"}).change_request
    with pytest.raises(DecisionRefused) as caught:
        do_decide_change_request(request, acting_user=vv.cast["other_lurah"], approve=False, reason="tidak")
    assert caught.value.code == "not_your_kelurahan"
    for role in ("camat", "enumerator", "viewer"):
        with pytest.raises(DecisionRefused):
            do_decide_change_request(request, acting_user=vv.cast[role], approve=False, reason="tidak")
    other = submit(vv, vv.other_kelurahan, fields={"rt": "003"}).change_request
    result = do_decide_many([request, other], acting_user=vv.cast["lurah"], approve=False, reason="ditunda")
    assert [r.pk for r in result.decided] == [request.pk] and result.refused[0][0].pk == other.pk


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_an_approval_a_meeting(vv):
    from tepat.verivali.actions import DecisionRefused, do_decide_change_request

    request = submit(vv, vv.mine, fields={"alamat": "Jl. X"}).change_request
    with pytest.raises(DecisionRefused, match="Alasan"):
        do_decide_change_request(request, acting_user=vv.cast["lurah"], approve=False, reason=" ")
    with pytest.raises(DecisionRefused, match="musyawarah"):
        do_decide_change_request(request, acting_user=vv.cast["lurah"], approve=True)
    do_decide_change_request(request, acting_user=vv.cast["lurah"], approve=False, reason="data benar")
    with pytest.raises(DecisionRefused, match="sudah diputuskan"):
        do_decide_change_request(request, acting_user=vv.cast["lurah"], approve=True, musyawarah=meeting(vv))


@pytest.mark.django_db
def test_usulan_baru_creates_a_family_only_when_approved(vv):
    from tepat.registry.models import Family
    from tepat.verivali.actions import do_decide_change_request

    before = Family.objects.count()
    visit = submit(vv, None)
    request = visit.change_request
    assert request.kind == "proposal" and request.status == "pending" and Family.objects.count() == before
    do_decide_change_request(request, acting_user=vv.cast["lurah"], approve=True, musyawarah=meeting(vv))
    request.refresh_from_db()
    family = request.created_family
    assert (
        family.kepala_keluarga == "Usul Baru"
        and family.source == "verivali"
        and family.kelurahan.code == "12.74.05.1010"
    )
    assert family.members.get().nik == "1274050101900007"
    assert family.changes.filter(reason__contains=f"kunjungan #{visit.pk}").count() == 2


@pytest.mark.django_db
def test_usulan_baru_needs_a_kelurahan_of_the_campaign_and_a_team_member(vv):
    rejected(vv, None, "kelurahan_not_in_campaign", kelurahan="12.74.02.1001")
    rejected(vv, None, "missing", kelurahan="")
    from tepat.verivali.actions import SubmissionRejected, do_submit_visit
    from tepat.accounts.actions import do_create_user

    stranger = do_create_user("enum3", role="enumerator", acting_user=None, password="rahasia-123")[0]
    with pytest.raises(SubmissionRejected) as caught:
        do_submit_visit(vv.campaign, payload(None), acting_user=stranger, source="web")
    assert caught.value.code == "not_in_team"


@pytest.mark.django_db
def test_two_enumerators_after_a_reassignment_conflict_on_the_same_field(vv):
    from tepat.verivali.actions import campaign_families, do_reassign

    first = submit(vv, vv.mine, fields={"kepala_keluarga": "Nama A"})
    do_reassign(
        campaign_families(vv.campaign, family_ids=[vv.mine.pk]),
        enumerator=vv.second,
        acting_user=vv.cast["analyst"],
        reason="dibagi ulang",
    )
    rejected(vv, vv.mine, "not_assigned", fields={"kepala_keluarga": "Nama C"})  # the first enumerator no longer may
    second = submit(vv, vv.mine, user=vv.second, fields={"kepala_keluarga": "Nama B"}).change_request
    assert second.status == "conflict" and second.conflict_with == first.change_request
    assert "kepala_keluarga" in second.conflict_message
