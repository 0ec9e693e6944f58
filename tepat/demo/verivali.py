"""The demo's verivali round: a campaign for desil 1-2 in the demo kelurahan (Pantai Johor in Tanjungbalai), half
visited, one musyawarah held.

Everything goes through the verivali actions, as users would do it: the analyst creates the campaign
and assigns its families to the enumerator; the enumerator submits visits (confirmed families, a
deceased member, a family that moved, one no longer poor, an usulan baru); the lurah records the
musyawarah and decides some requests, leaving the rest pending; its berita acara (PDF and DOCX) is
written to $TEPAT_HOME/demo/. Idempotent: nothing happens when a campaign exists.
"""

from __future__ import annotations

import io
from datetime import timedelta
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from tepat.accounts.models import User
from tepat.regions.models import Region

ATTENDEES = """Lurah Pantai Johor
Sekretaris Kelurahan
Kepala Lingkungan I
Kepala Lingkungan II
Ketua LPM
Perwakilan masyarakat (Ibu Rahmawati)
Pendamping PKH / TKSK
Pendata verivali"""


def load_verivali(users: dict[str, User], echo: Callable[[str], None] = print, kelurahan: str | None = None) -> None:
    """A campaign in the demo kelurahan (the lurah's): visits, a musyawarah and its berita acara. Idempotent."""
    from tepat.verivali.models import Campaign

    if Campaign.objects.exists():
        echo(f"Verivali: {Campaign.objects.count()} kampanye sudah ada / campaigns reused.")
        return
    region = Region.objects.get(code=kelurahan) if kelurahan else users["lurah"].region
    campaign = _campaign(region, users["analis"], users["pendata"])
    if campaign is None:
        echo(f"Verivali: tidak ada keluarga desil 1-2 di {region.name}; kampanye demo dilewati / no families, skipped.")
        return
    visits = _visits(campaign, users["pendata"])
    meeting, decided = _musyawarah(region, campaign, visits, users["lurah"])
    paths = _berita_acara(meeting)
    pending = len(visits) - decided
    echo(
        f"Verivali: kampanye '{campaign.name}', {campaign.families.count()} keluarga ditugaskan, {len(visits)} dikunjungi, "
        f"{decided} diputuskan di musyawarah, {pending} menunggu; berita acara: {', '.join(str(p) for p in paths)}"
    )


def _campaign(region: Region, analyst: User, enumerator: User):
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign

    today = timezone.localdate()
    campaign = do_create_campaign(
        {
            "name": f"Verivali P3KE 2026 {region.name}",
            "period_start": today - timedelta(days=14),
            "period_end": today + timedelta(days=30),
            "max_desil": 2,
            "selection": "desil 1-2, keluarga aktif",
        },
        kelurahan=[region],
        acting_user=analyst,
    )
    if not campaign.families.exists():
        return None
    do_assign_campaign(campaign_families(campaign), enumerator=enumerator, acting_user=analyst)
    return campaign


def _house_photo() -> bytes:
    """A small drawn house front (the demo has no real photos)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (180, 215, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 190, 320, 240), fill=(120, 160, 90))
    draw.rectangle((80, 110, 240, 200), fill=(200, 170, 120), outline=(90, 60, 30))
    draw.polygon([(60, 115), (160, 50), (260, 115)], fill=(150, 150, 150), outline=(80, 80, 80))
    draw.rectangle((145, 145, 175, 200), fill=(110, 70, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


STORIES = ("lantai", "meninggal", "pindah", "sudah_mampu", "alamat", "terkonfirmasi")
# story -> (approve, reason); stories not listed stay pending for the next musyawarah
DECISIONS = {
    "lantai": (True, ""),
    "meninggal": (True, ""),
    "pindah": (True, ""),
    "usulan": (True, ""),
    "sudah_mampu": (False, "Menurut warga penghasilannya belum tetap; dikunjungi ulang bulan depan"),
}


def _story(name: str, family, index: int) -> dict:
    payload = {
        "submission_key": f"demo-{family.pk}",
        "family_id": family.pk,
        "started_version": family.version,
        "keberadaan": "terkonfirmasi",
        "memenuhi_kriteria": True,
        "gps": {"lat": 2.9700 + index / 5000, "lon": 99.7980, "accuracy": 6.0},
        "checklist": {"kk_tidak_bekerja": index % 2 == 0, "lantai_tanah": index % 3 == 0, "tanpa_jamban_sendiri": True},
    }
    others = [m for m in family.members.filter(is_active=True).order_by("id") if not m.is_head()]
    plans = {
        "lantai": {
            "fields": {"jenis_lantai": "Semen"},
            "photos": [{"kind": "depan_rumah", "name": "depan.jpg", "content": _house_photo()}],
        },
        "meninggal": {
            "members": [{"member_id": others[0].pk, "keberadaan": "meninggal", "keterangan": "meninggal Agustus 2026"}]
            if others
            else []
        },
        "pindah": {"keberadaan": "pindah", "memenuhi_kriteria": False, "alasan": "pindah domisili ke Kota Medan"},
        "sudah_mampu": {
            "keberadaan": "sudah_mampu",
            "memenuhi_kriteria": False,
            "alasan": "kepala keluarga bekerja tetap sebagai karyawan BUMN",
        },
        "alamat": {"fields": {"alamat": "Jl. Sudirman Gg. Mawar No. 4"}},
        "terkonfirmasi": {},
    }
    return {**payload, **plans[name]}


PROPOSAL = {
    "submission_key": "demo-usulan-1",
    "family_id": None,
    "kelurahan": "",
    "keberadaan": "terkonfirmasi",
    "memenuhi_kriteria": True,
    "fields": {
        "kepala_keluarga": "RAHMAT HIDAYAT",
        "alamat": "Jl. Teuku Umar Lorong Bakti No. 2",
        "rt": "003",
        "rw": "002",
        "jenis_lantai": "Tanah",
    },
    "members": [
        {
            "member_id": None,
            "keberadaan": "terkonfirmasi",
            "fields": {
                "nama": "RAHMAT HIDAYAT",
                "jenis_kelamin": "Laki-laki",
                "hubungan_dengan_kepala_keluarga": "Kepala Keluarga",
            },
        },
        {
            "member_id": None,
            "keberadaan": "terkonfirmasi",
            "fields": {
                "nama": "NURHAYATI",
                "jenis_kelamin": "Perempuan",
                "hubungan_dengan_kepala_keluarga": "Istri/Suami",
            },
        },
    ],
    "checklist": {"kk_tidak_bekerja": True, "rawan_pangan": True, "lantai_tanah": True},
}


def _visits(campaign, enumerator: User) -> dict:
    """story -> visit, as many stories as the campaign has families (plus the usulan baru)."""
    from tepat.verivali.actions import do_submit_visit

    families = [cf.family for cf in campaign.families.select_related("family").order_by("family_id")[: len(STORIES)]]
    visits = {
        name: do_submit_visit(campaign, _story(name, family, index), acting_user=enumerator, source="web")
        for index, (name, family) in enumerate(zip(STORIES, families))
    }
    kelurahan = campaign.kelurahan.values_list("code", flat=True).first()
    visits["usulan"] = do_submit_visit(
        campaign, {**PROPOSAL, "kelurahan": kelurahan}, acting_user=enumerator, source="web"
    )
    return visits


def _musyawarah(region: Region, campaign, visits: dict, lurah: User):
    """The lurah holds the meeting and decides the requests of DECISIONS; the others stay pending."""
    from tepat.verivali.actions import do_decide_change_request, do_record_musyawarah

    meeting = do_record_musyawarah(
        {
            "held_on": timezone.localdate() - timedelta(days=2),
            "place": f"Aula Kantor Lurah {region.name}",
            "attendees": ATTENDEES.replace("Pantai Johor", region.name),
            "notes": "Usulan yang belum dibahas dibawa ke musyawarah berikutnya.",
        },
        kelurahan=region,
        acting_user=lurah,
        campaign=campaign,
    )
    decided = 0
    for name, (approve, reason) in DECISIONS.items():
        if name in visits:
            do_decide_change_request(
                visits[name].change_request, acting_user=lurah, approve=approve, reason=reason, musyawarah=meeting
            )
            decided += 1
    return meeting, decided


def _berita_acara(meeting) -> list:
    from tepat.verivali.documents import berita_acara_docx, berita_acara_filename, berita_acara_pdf

    folder = settings.TEPAT_HOME / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, build in (("pdf", berita_acara_pdf), ("docx", berita_acara_docx)):
        path = folder / berita_acara_filename(meeting, kind)
        path.write_bytes(build(meeting))
        paths.append(path)
    return paths
