"""Shared verivali test data: registry families, a campaign assigned to the cast's enumerator, images, payloads.

Use as fixtures: `from tests.verivali_support import vv, png_bytes, payload  # noqa: F401`.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass

import pytest

PANTAI_JOHOR = "12.74.05.1010"  # the cast's lurah's kelurahan (kecamatan Datuk Bandar 12.74.05)
OTHER_KELURAHAN = "12.74.01.1001"  # the cast's other_lurah's kelurahan


def png_bytes(size: tuple[int, int] = (8, 6), fmt: str = "PNG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (180, 90, 30)).save(out, format=fmt)
    return out.getvalue()


def make_family(region_code: str, key: str, *, desil: int = 1, members: int = 2):
    from tepat.regions.models import Region
    from tepat.registry.models import Family, Member, Source

    family = Family.objects.create(
        source=Source.P3KE,
        source_key=key,
        id_keluarga_p3ke=key,
        no_kk=f"12740501010{int(key[1:]):05d}",
        kelurahan=Region.objects.get(code=region_code),
        alamat="Jl. Contoh No. 1",
        rt="001",
        rw="002",
        kepala_keluarga=f"Kepala {key}",
        desil=desil,
        jenis_lantai="Tanah",
        sumber_air_minum="Sumur Bor",
    )
    names = ["Kepala " + key, "Istri " + key, "Anak " + key]
    relations = ["Kepala Keluarga", "Istri/Suami", "Anak"]
    for index in range(members):
        Member.objects.create(
            family=family,
            source=Source.P3KE,
            source_key=f"{key}-{index}",
            nama=names[index % 3],
            nik=f"12740501018{index}{int(key[1:]):04d}",
            jenis_kelamin="Laki-laki",
            hubungan_dengan_kepala_keluarga=relations[index % 3],
            tanggal_lahir=dt.date(1980, 1, 1),
        )
    return family


@dataclass
class World:
    cast: dict
    campaign: object
    mine: object  # family assigned to the cast's enumerator (Pantai Johor)
    theirs: object  # family of the same campaign assigned to the second enumerator
    outside: object  # family in Pantai Johor but not in the campaign (desil 4)
    other_kelurahan: object  # family of the other lurah's kelurahan, in the campaign, assigned to the enumerator
    second: object  # a second enumerator


@pytest.fixture
def vv(cast):
    from tepat.accounts.actions import do_create_user
    from tepat.regions.models import Region
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign

    second = do_create_user(
        "enum2", role="enumerator", region_code=None, opd_code=None, acting_user=None, password="rahasia-123"
    )[0]
    mine, theirs = make_family(PANTAI_JOHOR, "P0001"), make_family(PANTAI_JOHOR, "P0002")
    outside = make_family(PANTAI_JOHOR, "P0003", desil=4)
    other = make_family(OTHER_KELURAHAN, "P0004")
    campaign = do_create_campaign(
        {
            "name": "Verivali 2026",
            "period_start": dt.date(2026, 11, 1),
            "period_end": dt.date(2026, 12, 31),
            "max_desil": 2,
            "selection": "desil 1-2",
        },
        kelurahan=Region.objects.filter(code__in=[PANTAI_JOHOR, OTHER_KELURAHAN]),
        acting_user=cast["analyst"],
    )
    do_assign_campaign(
        campaign_families(campaign, family_ids=[mine.pk, other.pk]),
        enumerator=cast["enumerator"],
        acting_user=cast["analyst"],
    )
    do_assign_campaign(
        campaign_families(campaign, family_ids=[theirs.pk]), enumerator=second, acting_user=cast["analyst"]
    )
    return World(cast, campaign, mine, theirs, outside, other, second)


def payload(family=None, **overrides) -> dict:
    """A minimal valid payload for `family` (None: usulan baru in Pantai Johor)."""
    base = {
        "submission_key": f"uuid:{uuid.uuid4()}",
        "family_id": family.pk if family else None,
        "started_version": family.version if family else None,
        "keberadaan": "terkonfirmasi",
        "keterangan": "",
        "memenuhi_kriteria": True,
        "alasan": "",
        "fields": {},
        "members": [],
        "gps": None,
        "checklist": {},
        "photos": [],
        "submitted_at": None,
    }
    if family is None:
        base["kelurahan"] = PANTAI_JOHOR
        base["fields"] = {"kepala_keluarga": "Usul Baru", "alamat": "Jl. Baru 2", "rt": "004"}
        base["members"] = [{"member_id": None, "fields": {"nama": "Usul Baru", "nik": "1274050101900007"}}]
    base.update(overrides)
    return base
