"""Checking and normalising a visit payload (the contract in README.md) before anything is written.

Pure apart from two small lookups (known NIK prefixes, the registry's categorical domains). Every problem
raises SubmissionRejected naming the field; a payload that passes is safe to turn into a ChangeRequest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import polars as pl
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from tepat.engine.bilingual import Bilingual, Message
from tepat.registry.importer.checks import identity_code
from tepat.registry.importer.messages import ROW_ERRORS
from tepat.registry.importer.profiles import load_domains
from tepat.registry.models import Family, Member
from tepat.verivali.checklist import checklist_items
from tepat.verivali.messages import MESSAGES
from tepat.verivali.models import Keberadaan, PhotoKind

# The registry fields an enumerator may correct (registry names, tepat/registry/fields.py).
FAMILY_CORRECTABLE = (
    "kepala_keluarga",
    "no_kk",
    "alamat",
    "rt",
    "rw",
    "kepemilikan_rumah",
    "jenis_atap",
    "jenis_dinding",
    "jenis_lantai",
    "luas_lantai",
    "sumber_penerangan",
    "daya_listrik",
    "bahan_bakar_memasak",
    "sumber_air_minum",
    "fasilitas_bab",
    "memiliki_simpanan",
)
MEMBER_CORRECTABLE = (
    "nama",
    "nik",
    "jenis_kelamin",
    "tanggal_lahir",
    "hubungan_dengan_kepala_keluarga",
    "status_kawin",
    "pendidikan",
    "pekerjaan",
    "status_bekerja",
    "disabilitas",
    "penyakit_kronis",
)
FLOAT_FIELDS = ("luas_lantai",)
DATE_FIELDS = ("tanggal_lahir",)
TRUE_WORDS = ("ya", "y", "yes", "true", "1", "on")
FALSE_WORDS = ("tidak", "t", "no", "n", "false", "0", "off")


class SubmissionRejected(ValueError, Bilingual):
    """A payload a user got wrong: `code` is stable, the messages say what to fix, `field` where."""

    def __init__(self, code: str, message: Message, field: str | None = None) -> None:
        self.code, self.bilingual, self.field = code, message, field
        super().__init__(str(message))

    def text(self) -> str:
        return str(self)


def reject(code: str, field: str | None = None, **values: object) -> SubmissionRejected:
    message = MESSAGES[code]
    values.setdefault("field", field or "")
    return SubmissionRejected(code, message.format(**values), field)


@cache
def domains() -> dict[str, tuple[str, ...]]:
    return load_domains()[0]


@dataclass
class MemberInput:
    member_id: int | None
    keberadaan: str
    keterangan: str
    fields: dict[str, object]


@dataclass
class Photo:
    kind: str
    name: str
    content: bytes


@dataclass
class VisitInput:
    submission_key: str
    family_id: int | None
    started_version: int | None
    keberadaan: str
    keterangan: str
    memenuhi_kriteria: bool
    alasan: str
    fields: dict[str, object]
    members: list[MemberInput]
    gps: dict[str, float] | None
    checklist: dict[str, bool]
    photos: list[Photo]
    submitted_at: dt.datetime
    kelurahan: str = ""
    enumerator: str = ""
    extra: dict = field(default_factory=dict)

    def stored(self) -> dict:
        """The payload as kept on the visit (JSON; photos by kind and name only)."""
        return {
            "submission_key": self.submission_key,
            "family_id": self.family_id,
            "started_version": self.started_version,
            "keberadaan": self.keberadaan,
            "keterangan": self.keterangan,
            "memenuhi_kriteria": self.memenuhi_kriteria,
            "alasan": self.alasan,
            "fields": _jsonable(self.fields),
            "kelurahan": self.kelurahan,
            "members": [
                {
                    "member_id": m.member_id,
                    "keberadaan": m.keberadaan,
                    "keterangan": m.keterangan,
                    "fields": _jsonable(m.fields),
                }
                for m in self.members
            ],
            "gps": self.gps,
            "checklist": self.checklist,
            "photos": [{"kind": p.kind, "name": p.name} for p in self.photos],
            "submitted_at": self.submitted_at.isoformat(),
            "enumerator": self.enumerator,
        }


def _jsonable(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


def parse(payload: dict) -> VisitInput:
    """Check the whole payload; raise SubmissionRejected at the first problem. Cost: no database writes."""
    if not isinstance(payload, dict):
        raise reject("bad_payload", "payload")
    keberadaan = choice(payload.get("keberadaan"), "keberadaan", Keberadaan.values)
    keterangan = text(payload.get("keterangan"), "keterangan", 255)
    if keberadaan == Keberadaan.LAINNYA and not keterangan:
        raise reject("missing", "keterangan")
    memenuhi = boolean(payload.get("memenuhi_kriteria"), "memenuhi_kriteria")
    alasan = text(payload.get("alasan"), "alasan", 255)
    if not memenuhi and not alasan:
        raise reject("missing", "alasan")
    family_id = integer(payload.get("family_id"), "family_id")
    fields = family_fields(payload.get("fields") or {}, proposal=family_id is None)
    return VisitInput(
        submission_key=submission_key(payload.get("submission_key")),
        family_id=family_id,
        started_version=integer(payload.get("started_version"), "started_version"),
        keberadaan=keberadaan,
        keterangan=keterangan,
        memenuhi_kriteria=memenuhi,
        alasan=alasan,
        fields=fields,
        members=[member_input(m, i) for i, m in enumerate(_list(payload.get("members"), "members"))],
        gps=gps(payload.get("gps")),
        checklist=checklist(payload.get("checklist") or {}),
        photos=[photo_input(p, i) for i, p in enumerate(_list(payload.get("photos"), "photos"))],
        submitted_at=moment(payload.get("submitted_at")),
        kelurahan=text(payload.get("kelurahan"), "kelurahan", 20),
        enumerator=text(payload.get("enumerator"), "enumerator", 150),
    )


def submission_key(value) -> str:
    key = text(value, "submission_key", 120)
    if not key:
        raise reject("missing", "submission_key")
    return key


def _list(value, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise reject("bad_payload", name)
    return list(value)


def text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise reject("bad_payload", name)
    value = str(value).strip()
    if len(value) > limit:
        raise reject("too_long", name, limit=limit)
    return value


def integer(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise reject("not_a_number", name, value=value) from None


def number(value, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise reject("not_a_number", name, value=value) from None


def boolean(value, name: str) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if value is not None else ""
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    if not word:
        raise reject("missing", name)
    raise reject("unknown_choice", name, value=value, choices="Ya, Tidak")


def choice(value, name: str, allowed) -> str:
    word = str(value).strip() if value is not None else ""
    if not word:
        raise reject("missing", name)
    matches = {a.lower(): a for a in allowed}
    if word.lower() not in matches:
        raise reject("unknown_choice", name, value=word, choices=", ".join(allowed))
    return matches[word.lower()]


def moment(value) -> dt.datetime:
    if value in (None, ""):
        return timezone.now()
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value).strip())
    if parsed is None:
        raise reject("bad_date", "submitted_at", value=value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def date_value(value, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    for parse_one in (
        parse_date,
        lambda s: dt.datetime.strptime(s, "%d-%m-%Y").date(),
        lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date(),
    ):
        try:
            found = parse_one(raw)
        except ValueError:
            found = None
        if found:
            return found
    raise reject("bad_date", name, value=raw)


def field_value(name: str, value, where: str):
    """One corrected value, checked against the registry's rules for that field."""
    label = f"{where}.{name}"
    if name in FLOAT_FIELDS:
        return number(value, label)
    if name in DATE_FIELDS:
        return date_value(value, label)
    model = Member if where.startswith("members") else Family
    word = text(value, label, model._meta.get_field(name).max_length or 255)
    if word and name in domains():
        word = choice(word, label, domains()[name])
    if word and name == "nik":
        identity(word, "nik", label)
    if word and name == "no_kk":
        identity(word, "kk", label)
    return word


def identity(value: str, kind: str, label: str) -> None:
    """The importer's own NIK / No KK checks (tepat/registry/importer/checks.py) on one value."""
    from tepat.registry.importer.context import known_prefixes

    frame = pl.DataFrame({"v": [value], "_numeric_v": [False]})
    code = frame.select(identity_code("v", known_prefixes(), kind, dt.date.today()).alias("c"))["c"][0]
    if code is None:
        return
    reason = ROW_ERRORS[code].text(length=len(value), prefix=value[:4])
    raise reject("invalid_nik" if kind == "nik" else "invalid_kk", label, reason=reason)


def family_fields(values, *, proposal: bool) -> dict[str, object]:
    if not isinstance(values, dict):
        raise reject("bad_payload", "fields")
    fields = {}
    for name, value in values.items():
        if name not in FAMILY_CORRECTABLE:
            raise reject("unknown_field", f"fields.{name}")
        fields[name] = field_value(name, value, "fields")
    if proposal:
        for name in ("kepala_keluarga", "alamat"):
            if not fields.get(name):
                raise reject("missing", f"fields.{name}")
    return fields


def member_input(value, index: int) -> MemberInput:
    where = f"members[{index}]"
    if not isinstance(value, dict):
        raise reject("bad_payload", where)
    raw_fields = value.get("fields") or {}
    if not isinstance(raw_fields, dict):
        raise reject("bad_payload", f"{where}.fields")
    fields = {}
    for name, item in raw_fields.items():
        if name not in MEMBER_CORRECTABLE:
            raise reject("unknown_field", f"{where}.{name}")
        fields[name] = field_value(name, item, where)
    member_id = integer(value.get("member_id"), f"{where}.member_id")
    keberadaan = choice(value.get("keberadaan") or Keberadaan.TERKONFIRMASI, f"{where}.keberadaan", Keberadaan.values)
    keterangan = text(value.get("keterangan"), f"{where}.keterangan", 255)
    if keberadaan == Keberadaan.LAINNYA and not keterangan:
        raise reject("missing", f"{where}.keterangan")
    if member_id is None and not fields.get("nama"):
        raise reject("missing", f"{where}.nama")
    return MemberInput(member_id, keberadaan, keterangan, fields)


def gps(value) -> dict[str, float] | None:
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        raise reject("bad_gps", "gps", value=value)
    lat, lon = number(value.get("lat"), "gps.lat"), number(value.get("lon"), "gps.lon")
    if lat is None or lon is None or not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        raise reject("bad_gps", "gps", value=f"{value.get('lat')}, {value.get('lon')}")
    accuracy = number(value.get("accuracy"), "gps.accuracy")
    return {"lat": lat, "lon": lon, "accuracy": accuracy}


def checklist(values) -> dict[str, bool]:
    if not isinstance(values, dict):
        raise reject("bad_payload", "checklist")
    codes = [item.code for item in checklist_items()]
    found = {}
    for code, value in values.items():
        if code not in codes:
            raise reject("unknown_choice", "checklist", value=code, choices=", ".join(codes))
        found[code] = boolean(value, f"checklist.{code}")
    return found


def photo_input(value, index: int) -> Photo:
    where = f"photos[{index}]"
    if not isinstance(value, dict):
        raise reject("bad_payload", where)
    kind = str(value.get("kind") or "").strip()
    if kind not in PhotoKind.values:
        raise reject("photo_kind", f"{where}.kind", value=kind, choices=", ".join(PhotoKind.values))
    content = value.get("content")
    if hasattr(content, "read"):
        content = content.read()
    if not isinstance(content, (bytes, bytearray)):
        raise reject("bad_payload", f"{where}.content")
    return Photo(kind, text(value.get("name"), f"{where}.name", 255) or f"{kind}.jpg", bytes(content))
