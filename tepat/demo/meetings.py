"""The demo's coordination meetings: this year's rakor I and II and a rapat teknis, held, with decisions and
action items in every state (done, in progress, open, overdue, dropped), and rakor III planned.

Everything goes through tepat.meetings.actions in date order, so the carry-over links are the ones the
real workflow would make. Names of people are not used: invitees are agencies and positions.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tepat.accounts.actions import ensure_shipped_opds
from tepat.accounts.models import Opd, User
from tepat.demo.place import DemoPlace, demo_place
from tepat.meetings import actions as act
from tepat.meetings.models import ActionItem, ActionStatus, Meeting, MeetingType
from tepat.regions.models import Region

AGENDA_RAKOR = (
    "Pembukaan dan sambutan Walikota\nPengantar Kepala Bapperida\nPaparan BPS: data kemiskinan\nDiskusi dan kesepakatan"
)

MINUTES_I = """Rapat dibuka pukul 09.15 WIB oleh Asisten Administrasi Umum mewakili Walikota. Dalam sambutannya disampaikan bahwa verivali data P3KE/DTSEN harus segera diselesaikan agar program intervensi tepat sasaran.

Kepala Bapperida menyampaikan bahwa target kemiskinan ekstrem 0% memerlukan upaya bersama seluruh OPD, terutama pada keluarga desil 1.

Narasumber BPS memaparkan tiga strategi: mengurangi beban pengeluaran, meningkatkan pendapatan, dan mengurangi kantong kemiskinan.

Sesi tanya jawab membahas jadwal musyawarah kelurahan dan data RTLH."""

MINUTES_II = """Rapat dibuka pukul 09.00 WIB. Sekretariat membacakan tindak lanjut hasil rakor I dan rapat teknis; sebagian besar masih berjalan.

Dinas Sosial melaporkan musyawarah kelurahan telah selesai di 31 kelurahan. Dinas Perkim menyampaikan daftar RTLH masih dipadankan dengan data DTSEN.

Disepakati pemutakhiran DTSEN hasil verivali dan pendampingan UMKM bagi keluarga desil 1-2."""


def demo_year(today: date) -> int:
    """The current year once its July rakor is past; earlier in the year, the previous one (documented)."""
    return today.year if today >= date(today.year, 9, 1) else today.year - 1


def load_meetings(users: dict[str, User], echo: Callable[[str], None] = print, place: DemoPlace | None = None) -> None:
    """Idempotent: does nothing when the demo year already has meetings. `place`: default, the installation's region."""
    today = timezone.localdate()
    year = demo_year(today)
    if Meeting.objects.filter(date__year=year).exists():
        return
    ensure_shipped_opds()
    place = place or demo_place(settings.TEPAT_REGION_CODE)
    analyst, operator = users["analis"], users["dinsos"]
    opd = {o.code: o for o in Opd.objects.all()}
    first = _rakor_one(place, year, analyst, operator, opd)
    _technical(place, year, analyst, opd)
    _rakor_two(place, year, analyst, operator, opd, first)
    third = _plan_rakor_three(place, year, today, analyst, opd)
    echo(
        f"Rapat demo {year}: {Meeting.objects.filter(date__year=year).count()} rapat, "
        f"{ActionItem.objects.filter(meeting__date__year=year).count()} tindak lanjut "
        f"({ActionItem.objects.overdue(today).count()} terlambat); rakor berikutnya {third.date:%d-%m-%Y} (lihat /rapat/)"
    )


def _held(values: dict, analyst, opds, regions, guests, absent: set[str], minutes: str) -> Meeting:
    meeting = act.do_create_meeting(values, acting_user=analyst, opds=opds, regions=regions, guests=guests)
    present = [p.pk for p in meeting.participants.select_related("opd", "region") if _key(p) not in absent]
    act.do_record_attendance(meeting, present, acting_user=analyst)
    act.do_record_minutes(meeting, minutes, acting_user=analyst)
    act.do_hold_meeting(meeting, acting_user=analyst)
    return meeting


def _key(participant) -> str:
    return (
        participant.opd.code
        if participant.opd_id
        else (participant.region.code if participant.region_id else participant.institution)
    )


def _values(place: DemoPlace, title: str, day: date, type: str = MeetingType.RAKOR, agenda: str = AGENDA_RAKOR) -> dict:
    return {
        "type": type,
        "title": title,
        "date": day,
        "start_time": time(9),
        "end_time": time(12),
        "place": place.meeting_place,
        "chair": place.meeting_chair,
        "agenda": agenda,
    }


def _bps(place: DemoPlace) -> act.Guest:
    return act.Guest(place.bps, position="Statistisi Ahli Muda")


def _item(meeting, decision, what: str, owner: Opd, due: date, analyst) -> ActionItem:
    return act.do_add_action_item(meeting, what=what, owner=owner, due=due, decision=decision, acting_user=analyst)


def _evidence(title: str) -> SimpleUploadedFile:
    from tepat.reports.render import DocxBuilder

    data = DocxBuilder(title=title).heading(title, 1).paragraph("Dokumen contoh (data sintetis).").bytes()
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.docx", data)


def _rakor_one(place: DemoPlace, year: int, analyst, operator, opd) -> dict[str, ActionItem]:
    kecamatan = list(place.kecamatan())
    meeting = _held(
        _values(place, f"Rapat Koordinasi TKPKD I Tahun {year}", date(year, 3, 11)),
        analyst,
        list(opd.values()),
        kecamatan,
        [_bps(place)],
        absent={"koperasi", place.absent[0]},
        minutes=MINUTES_I,
    )
    verivali = act.do_add_decision(
        meeting,
        "Verivali data P3KE/DTSEN diselesaikan melalui musyawarah kelurahan paling lambat Juni.",
        acting_user=analyst,
    )
    rtlh = act.do_add_decision(
        meeting, "Rumah tidak layak huni keluarga desil 1 menjadi prioritas BSPS dan RTLH APBD.", acting_user=analyst
    )
    income = act.do_add_decision(meeting, "Padat karya diarahkan ke kelurahan kantong kemiskinan.", acting_user=analyst)
    items = {
        "muskel": _item(
            meeting,
            verivali,
            place.kelurahan_text("Menyelesaikan musyawarah kelurahan verivali di 31 kelurahan"),
            opd["dinsos"],
            date(year, 6, 30),
            analyst,
        ),
        "pbi": _item(
            meeting,
            verivali,
            "Memadankan NIK penerima PBI APBD dengan data kependudukan",
            opd["dukcapil"],
            date(year, 4, 30),
            analyst,
        ),
        "rtlh": _item(
            meeting,
            rtlh,
            "Menyusun daftar RTLH keluarga desil 1 per kelurahan",
            opd["perkim"],
            date(year, 8, 31),
            analyst,
        ),
        "padat": _item(
            meeting,
            income,
            "Mengusulkan lokasi padat karya di kantong kemiskinan",
            opd["disnaker"],
            date(year, 12, 20),
            analyst,
        ),
    }
    act.do_record_progress(
        items["muskel"],
        note=place.kelurahan_text("Muskel selesai di 18 dari 31 kelurahan."),
        evidence=_evidence("Berita acara muskel"),
        acting_user=operator,
    )
    act.do_close_action_item(
        items["pbi"], status=ActionStatus.DONE, note="NIK dipadankan; 37 NIK diperbaiki.", acting_user=analyst
    )
    return items


def _technical(place: DemoPlace, year: int, analyst, opd) -> None:
    lurah = list(Region.objects.filter(code__in=place.technical))
    meeting = _held(
        _values(
            place,
            f"Rapat Teknis Sanitasi dan Usulan Baru Tahun {year}",
            date(year, 5, 20),
            MeetingType.TEKNIS,
            "Pembukaan\nData keluarga tanpa jamban\nUsulan baru hasil musyawarah kelurahan",
        ),
        analyst,
        [opd["dinsos"], opd["pupr"], opd["dinkes"], opd["bapperida"]],
        lurah,
        [],
        absent={"dinkes"},
        minutes="Dibahas data keluarga desil 1 tanpa fasilitas BAB dan usulan baru dari musyawarah kelurahan.",
    )
    start = place.name_of(place.absent[0])
    sanitation = act.do_add_decision(
        meeting, f"Jamban sehat untuk keluarga desil 1 tanpa fasilitas BAB, mulai dari {start}.", acting_user=analyst
    )
    proposals = act.do_add_decision(
        meeting, "Usulan baru dari musyawarah kelurahan diverifikasi kunjungan rumah.", acting_user=analyst
    )
    _item(
        meeting,
        sanitation,
        "Menyusun data keluarga tanpa jamban per kelurahan",
        opd["pupr"],
        date(year, 7, 31),
        analyst,
    )
    _item(
        meeting,
        sanitation,
        f"Penyuluhan STBM di {place.name_of(place.technical[-1])}",
        opd["dinkes"],
        date(year, 10, 31),
        analyst,
    )
    _item(
        meeting,
        proposals,
        "Kunjungan rumah untuk usulan baru hasil musyawarah kelurahan",
        opd["dinsos"],
        date(year, 9, 15),
        analyst,
    )


def _rakor_two(place: DemoPlace, year: int, analyst, operator, opd, first: dict[str, ActionItem]) -> None:
    meeting = _held(
        _values(place, f"Rapat Koordinasi TKPKD II Tahun {year}", date(year, 7, 15)),
        analyst,
        list(opd.values()),
        list(place.kecamatan()),
        [_bps(place)],
        absent={"disnaker", place.absent[-1]},
        minutes=place.kelurahan_text(MINUTES_II),
    )
    act.do_close_action_item(
        first["muskel"],
        status=ActionStatus.DONE,
        note=place.kelurahan_text("Muskel selesai di 31 kelurahan."),
        acting_user=operator,
    )
    act.do_record_progress(
        first["rtlh"], note="Daftar sementara 412 rumah; pemadanan dengan DTSEN berjalan.", acting_user=analyst
    )
    stbm = ActionItem.objects.get(meeting__date=date(year, 5, 20), owner=opd["dinkes"])
    act.do_close_action_item(
        stbm, status=ActionStatus.DROPPED, note="Digabung dengan program Sanimas PUPR.", acting_user=analyst
    )
    dtsen = act.do_add_decision(
        meeting, "Hasil verivali dimutakhirkan ke DTSEN sebelum akhir November.", acting_user=analyst
    )
    umkm = act.do_add_decision(
        meeting, "Pendampingan UMKM diprioritaskan bagi keluarga desil 1-2.", acting_user=analyst
    )
    report = act.do_add_decision(meeting, "Bapperida menyiapkan draf LP2KD tahun berjalan.", acting_user=analyst)
    update = _item(
        meeting, dtsen, "Mengirim pemutakhiran DTSEN hasil verivali", opd["dinsos"], date(year, 11, 30), analyst
    )
    _item(meeting, umkm, "Pendampingan UMKM bagi keluarga desil 1-2", opd["koperasi"], date(year, 9, 30), analyst)
    _item(meeting, report, "Menyusun draf LP2KD", opd["bapperida"], date(year, 12, 31), analyst)
    act.do_record_progress(
        update,
        note=place.kelurahan_text("Usulan perubahan 31 kelurahan sudah diunggah; menunggu penetapan."),
        evidence=_evidence("Tanda terima pemutakhiran DTSEN"),
        acting_user=operator,
    )


def _plan_rakor_three(place: DemoPlace, year: int, today: date, analyst, opd) -> Meeting:
    """Rakor III on 9 December when that is still ahead, otherwise two weeks from today."""
    day = date(year, 12, 9) if date(year, 12, 9) > today else today + timedelta(days=14)
    values = {
        **_values(place, f"Rapat Koordinasi TKPKD III Tahun {year}", day),
        "agenda": AGENDA_RAKOR.replace("Diskusi", "Evaluasi tahunan, diskusi"),
    }
    return act.do_create_meeting(
        values, acting_user=analyst, opds=list(opd.values()), regions=list(place.kecamatan()), guests=[_bps(place)]
    )
