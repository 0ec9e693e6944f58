"""An ODK / KoboToolbox XLSForm (sheets survey, choices, settings) for one campaign.

The campaign's families are preloaded as an inline choice list, so the form is one file that works
offline in ODK Collect or KoboCollect. Labels carry no NIK or No KK (a lost phone must not leak
identity numbers): a family is shown as its head's name, address and RT/RW; a member as name and
relation. Choice columns `pendata` and `keluarga` filter the lists (choice_filter): an enumerator
sees only their families, and the member repeat only the chosen family's members. Choice column
`versi` carries Family.version at download time; the form copies it into `versi_awal`, which the
ingest hands to the version check.

Cost: one pass over the rows; the workbook is written with xlsxwriter, every cell as a string.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

import xlsxwriter

from tepat.verivali.checklist import checklist_items
from tepat.verivali.odk import form

SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
    "calculation",
    "parameters",
)
CHOICE_COLUMNS = ("list_name", "name", "label", "pendata", "keluarga", "versi")
YES_NO = (("ya", "Ya"), ("tidak", "Tidak"))
VISIT_KINDS = ((form.REGISTERED, "Keluarga dalam daftar"), (form.PROPOSAL, "Usulan baru (keluarga belum terdaftar)"))


@dataclass(frozen=True)
class FormFamily:
    id: int
    label: str
    version: int
    enumerator: str  # username of the assigned enumerator


@dataclass(frozen=True)
class FormMember:
    id: int
    family_id: int
    label: str


@dataclass
class FormSpec:
    """Everything the form preloads; built from a campaign by `tepat.verivali.odk.campaign_form_spec`."""

    campaign_id: int
    title: str
    enumerators: list[tuple[str, str]]  # (username, label)
    kelurahan: list[tuple[str, str]]  # (code, name)
    families: list[FormFamily]
    members: list[FormMember]
    keberadaan: list[tuple[str, str]]  # (value, label), the model's Keberadaan choices
    version: str = field(default_factory=lambda: datetime.now().strftime("%Y%m%d%H%M"))

    @property
    def form_id(self) -> str:
        return f"tepat_verivali_{self.campaign_id}"


def _q(type_: str, name: str = "", label: str = "", **columns: str) -> dict[str, str]:
    return {"type": type_, "name": name, "label": label, **columns}


def _visit_questions() -> list[dict[str, str]]:
    registered = f"${{jenis_kunjungan}}='{form.REGISTERED}'"
    proposal = f"${{jenis_kunjungan}}='{form.PROPOSAL}'"
    return [
        _q("begin group", form.VISIT, "Kunjungan"),
        _q("select_one pendata", "pendata", "Nama pendata", required="yes"),
        _q("select_one jenis_kunjungan", "jenis_kunjungan", "Jenis kunjungan", required="yes"),
        _q(
            "select_one keluarga",
            "keluarga",
            "Keluarga yang dikunjungi",
            required="yes",
            relevant=registered,
            choice_filter="pendata=${pendata}",
            appearance="autocomplete",
            hint="Hanya keluarga yang ditugaskan kepada pendata ini.",
        ),
        _q("calculate", "versi_awal", calculation="instance('keluarga')/root/item[name=${keluarga}]/versi"),
        _q("select_one kelurahan", "kelurahan", "Kelurahan keluarga usulan", required="yes", relevant=proposal),
        _q("select_one keberadaan", "keberadaan", "Keberadaan keluarga", required="yes"),
        _q("text", "keterangan", "Keterangan keberadaan", required="yes", relevant="${keberadaan}='lainnya'"),
        _q("select_one ya_tidak", "memenuhi_kriteria", "Memenuhi kriteria (layak)?", required="yes"),
        _q("text", "alasan", "Alasan tidak memenuhi kriteria", required="yes", relevant="${memenuhi_kriteria}='tidak'"),
        _q("end group"),
    ]


CONSTRAINTS = {
    "no_kk": ("regex(., '^[0-9]{16}$')", "No KK harus 16 angka / No KK must be 16 digits"),
    "nik": ("regex(., '^[0-9]{16}$')", "NIK harus 16 angka / NIK must be 16 digits"),
    "rt_rw": ("regex(., '^[0-9]{1,3}$')", "RT/RW berupa angka, maks. 3 digit / RT/RW: up to 3 digits"),
    "decimal": (". > 0 and . < 1000", "Luas lantai 1-999 m² / floor area 1-999 m²"),
}


def _correction(correction: form.Correction, **columns: str) -> dict[str, str]:
    kind = correction.kind
    if kind == "domain":
        type_ = f"select_one {form.domain_of(correction)}"
    else:
        type_ = {"decimal": "decimal", "date": "date"}.get(kind, "text")
    row = _q(type_, correction.name, correction.label, **columns)
    if kind in CONSTRAINTS:
        row["constraint"], row["constraint_message"] = CONSTRAINTS[kind]
    return row


def _correction_questions() -> list[dict[str, str]]:
    required_for_proposal = {"kepala_keluarga", "alamat"}
    rows = [
        _q(
            "begin group",
            form.CORRECTIONS,
            "Perbaikan data keluarga",
            hint="Isi hanya yang berbeda dari data; untuk usulan baru isi data keluarga.",
        )
    ]
    for correction in form.FAMILY_CORRECTIONS:
        extra = (
            {"required": f"${{jenis_kunjungan}}='{form.PROPOSAL}'"} if correction.name in required_for_proposal else {}
        )
        rows.append(_correction(correction, **extra))
    return [*rows, _q("end group")]


def _member_questions() -> list[dict[str, str]]:
    new = f"${{anggota_id}}='{form.NEW_MEMBER}'"
    rows = [
        _q("begin repeat", form.MEMBERS, "Anggota keluarga (yang diperiksa, diperbaiki, ditambah atau keluar)"),
        _q(
            "select_one anggota",
            "anggota_id",
            "Anggota",
            required="yes",
            choice_filter=f"keluarga=${{keluarga}} or name='{form.NEW_MEMBER}'",
        ),
        _q("select_one keberadaan", "keberadaan_anggota", "Keberadaan anggota", required="yes"),
        _q("text", "keterangan_anggota", "Keterangan", required="yes", relevant="${keberadaan_anggota}='lainnya'"),
    ]
    for correction in form.MEMBER_CORRECTIONS:
        extra = {"relevant": new, "required": "yes"} if correction.name in form.NEW_MEMBER_ONLY else {}
        if correction.field == "nama":
            extra = {"required": new}
        rows.append(_correction(correction, **extra))
    return [*rows, _q("end repeat")]


def _other_questions() -> list[dict[str, str]]:
    rows = [
        _q("begin group", form.LOCATION, "Lokasi"),
        _q("geopoint", "gps", "Posisi rumah (GPS)", hint="Tunggu sampai akurasi di bawah 10 m."),
        _q("end group"),
        _q("begin group", form.PHOTOS, "Foto"),
    ]
    labels = {
        "depan_rumah": "Tampak depan rumah",
        "atap": "Atap",
        "lantai": "Lantai",
        "dinding": "Dinding",
        "jamban": "Jamban / toilet",
        "kartu_keluarga": "Kartu keluarga",
    }
    rows += [
        _q("image", name, f"Foto {labels[kind].lower()}", parameters="max-pixels=1600")
        for kind, name in form.PHOTO_FIELDS.items()
    ]
    rows += [_q("end group"), _q("begin group", form.SCREENING, "Penapisan Kepmensos 262/HUK/2022")]
    rows += [_q("select_one ya_tidak", item.code, item.label_id) for item in checklist_items()]
    return [*rows, _q("end group"), _q("start", "start"), _q("end", "end")]


def survey_rows() -> list[dict[str, str]]:
    return [*_visit_questions(), *_correction_questions(), *_member_questions(), *_other_questions()]


def choice_rows(spec: FormSpec) -> list[dict[str, str]]:
    rows = [{"list_name": "ya_tidak", "name": n, "label": label} for n, label in YES_NO]
    rows += [{"list_name": "jenis_kunjungan", "name": n, "label": label} for n, label in VISIT_KINDS]
    rows += [{"list_name": "keberadaan", "name": n, "label": label} for n, label in spec.keberadaan]
    rows += [{"list_name": "pendata", "name": n, "label": label} for n, label in spec.enumerators]
    rows += [{"list_name": "kelurahan", "name": n, "label": label} for n, label in spec.kelurahan]
    rows += [
        {"list_name": "keluarga", "name": str(f.id), "label": f.label, "pendata": f.enumerator, "versi": str(f.version)}
        for f in spec.families
    ]
    rows += [
        {"list_name": "anggota", "name": str(m.id), "label": m.label, "keluarga": str(m.family_id)}
        for m in spec.members
    ]
    rows.append(
        {"list_name": "anggota", "name": form.NEW_MEMBER, "label": "+ Anggota baru (belum terdaftar)", "keluarga": ""}
    )
    domains = {form.domain_of(c) for c in (*form.FAMILY_CORRECTIONS, *form.MEMBER_CORRECTIONS) if c.kind == "domain"}
    for domain in sorted(domains):
        rows += [{"list_name": domain, "name": n, "label": value} for n, value in form.domain_choices(domain)]
    return rows


def settings_rows(spec: FormSpec) -> list[dict[str, str]]:
    return [
        {
            "form_title": spec.title,
            "form_id": spec.form_id,
            "version": spec.version,
            "instance_name": "concat(${pendata}, ' ', ${keluarga}, ${kelurahan})",
            "default_language": "id",
        }
    ]


def xlsform_bytes(spec: FormSpec) -> bytes:
    """The XLSForm as an xlsx file (text cells only: nothing a spreadsheet would evaluate)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    settings = settings_rows(spec)
    for name, header, rows in (
        ("survey", SURVEY_COLUMNS, survey_rows()),
        ("choices", CHOICE_COLUMNS, choice_rows(spec)),
        ("settings", tuple(settings[0]), settings),
    ):
        sheet = book.add_worksheet(name)
        for column, title in enumerate(header):
            sheet.write_string(0, column, title)
        for index, row in enumerate(rows, start=1):
            for column, title in enumerate(header):
                if row.get(title):
                    sheet.write_string(index, column, row[title])
    book.close()
    return buffer.getvalue()
