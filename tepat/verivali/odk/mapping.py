"""One export row (and its member rows) -> the visit payload of tepat/verivali/README.md. No database.

Choice names the form wrote (`kayu_papan`) become the registry's spelling (`Kayu/Papan`); a label
exported instead of a name is accepted as it is. A value the form cannot have produced raises
`RowProblem` naming the column, so the ingest can report row and column; the payload's own rules
(keberadaan values, NIK checks, required reasons) are left to `do_submit_visit`.
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

from dataclasses import dataclass

from tepat.verivali.checklist import checklist_items
from tepat.verivali.odk import form
from tepat.verivali.odk.columns import geopoint, parse_bool, parse_geopoint, parse_timestamp
from tepat.verivali.odk.tables import Row, Sheet


class RowProblem(ValueError, Bilingual):
    def __init__(self, code: str, column: str, message: Message, sheet: str = "", row: int | None = None):
        super().__init__(str(message))
        self.code, self.column, self.bilingual = code, column, message
        self.sheet, self.row = sheet, row


@dataclass
class Cells:
    """A row read through normalised field keys; `column(key)` gives the raw column name for messages."""

    row: Row
    keys: dict[str, str]  # field key -> raw column
    sheet: str

    def get(self, key: str) -> str:
        column = self.keys.get(key)
        return (self.row.cells.get(column) or "").strip() if column else ""

    def column(self, key: str) -> str:
        return self.keys.get(key, key)

    def problem(self, code: str, key: str, message: Message) -> RowProblem:
        return RowProblem(code, self.column(key), message, self.sheet, self.row.number)

    def unknown(self, key: str, value: str, choices) -> RowProblem:
        listed = ", ".join(choices)
        return self.problem(
            "unknown_choice",
            key,
            Message(
                f"Nilai '{value}' tidak dikenal untuk {key}; pilihan: {listed}",
                f"Unknown value '{value}' for {key}; choices: {listed}",
            ),
        )


def instance_id(cells: Cells) -> str:
    """This version's id: meta/instanceID ('uuid:…'), else Kobo's _uuid with the 'uuid:' prefix, else ODK's KEY."""
    if key := cells.get("instanceid"):
        return key
    if uuid := cells.get("_uuid"):
        return uuid if uuid.startswith("uuid:") else f"uuid:{uuid}"
    return cells.get("key")


def submission_key(cells: Cells) -> str:
    """The logical submission, as the server keys it: ODK Central's KEY (the first version's instanceID, kept
    through edits), Kobo's _id ('kobo:<_id>'; an edit changes _uuid, not _id), else the instance id."""
    if key := cells.get("key"):
        return key
    if number := cells.get("_id"):
        return f"kobo:{number}"
    return instance_id(cells)


# Server review states (lower case) -> (ReviewFlag value, skipped unless --include-rejected). ODK Central's
# ReviewState is empty, hasIssues, edited, approved or rejected; Kobo's _validation_status holds the uid
# (XML values) or its label.
REVIEW_STATES = {
    "": ("", False),
    "approved": ("", False),
    "edited": ("", False),
    "received": ("", False),
    "hasissues": ("has_issues", False),
    "rejected": ("rejected", True),
    "validation_status_approved": ("", False),
    "validation_status_on_hold": ("on_hold", False),
    "validation_status_not_approved": ("rejected", True),
    "on hold": ("on_hold", False),
    "not approved": ("rejected", True),
}


def review_state(cells: Cells) -> tuple[str, bool, str]:
    """(ReviewFlag value, rejected by the server's reviewer, the state as written). An unknown state is refused."""
    written = cells.get("reviewstate") or cells.get("_validation_status")
    found = REVIEW_STATES.get(written.lower())
    if found is None:
        key = "reviewstate" if cells.get("reviewstate") else "_validation_status"
        raise cells.unknown(key, written, sorted(k for k in REVIEW_STATES if k))
    return found[0], found[1], written


def submitted_at(cells: Cells) -> str | None:
    for key in ("submissiondate", "_submission_time", "end"):
        if value := cells.get(key):
            try:
                return parse_timestamp(value)
            except ValueError:
                raise cells.problem(
                    "bad_date",
                    key,
                    Message(
                        f"Tanggal tidak dapat dibaca di {key}: '{value}'", f"Cannot read the date in {key}: '{value}'"
                    ),
                ) from None
    return None


def _select(cells: Cells, key: str, choices: tuple[tuple[str, str], ...]) -> str:
    """A choice name -> its value; a value or label exported as text is kept; anything else is refused."""
    value = cells.get(key)
    if not value:
        return ""
    by_name = {name.lower(): label for name, label in choices}
    by_label = {label.lower(): label for _, label in choices}
    found = by_name.get(value.lower()) or by_label.get(value.lower())
    if found is None:
        raise cells.unknown(key, value, [name for name, _ in choices])
    return found


def _yes_no(cells: Cells, key: str) -> bool | None:
    value = cells.get(key)
    try:
        return parse_bool(value)
    except ValueError:
        raise cells.unknown(key, value, ["ya", "tidak"]) from None


def corrections(
    cells: Cells, table: tuple[form.Correction, ...], prefixes: frozenset[str] | None = None
) -> dict[str, str]:
    """Registry field -> corrected value, for the corrections the enumerator filled in. With `prefixes` (the
    known kab/kota codes), NIK and No KK get the registry importer's checks and codes first."""
    fields = {}
    for correction in table:
        if correction.kind == "domain":
            value = _select(cells, correction.name, form.domain_choices(form.domain_of(correction)))
        else:
            value = cells.get(correction.name)
        if value and prefixes is not None and correction.kind in IDENTITY_KINDS:
            _check_identity(cells, correction.name, value, IDENTITY_KINDS[correction.kind], prefixes)
        if value:
            fields[correction.field] = value
    return fields


IDENTITY_KINDS = {"nik": "nik", "no_kk": "kk"}


def _check_identity(cells: Cells, key: str, value: str, kind: str, prefixes: frozenset[str]) -> None:
    """The registry importer's identity checks (tepat.registry.importer.checks.identity_code, same codes and
    messages): a number cell or '1.27405E+15' is `nik_excel_number` / `kk_excel_number`, and so on."""
    import datetime as dt

    import polars as pl

    from tepat.registry.importer.checks import identity_code
    from tepat.registry.importer.messages import ROW_ERRORS

    frame = pl.DataFrame({"v": [value], "_numeric_v": [cells.column(key) in cells.row.numeric]})
    code = frame.select(identity_code("v", prefixes, kind, dt.date.today())).item()
    if code:
        message = ROW_ERRORS[code]
        values = {"length": len(value), "prefix": value[:4], "day": value[6:8], "sex": ""}
        raise cells.problem(code, key, message.format(**values))


def location(cells: Cells) -> dict[str, float] | None:
    """Kobo's 'lat lon alt acc' column, or ODK Central's gps-Latitude / gps-Longitude / gps-Accuracy columns."""
    try:
        if text := cells.get("gps"):
            return parse_geopoint(text)
        lat, lon = cells.get("gps_latitude"), cells.get("gps_longitude")
        if not lat and not lon:
            return None
        accuracy = cells.get("gps_accuracy")
        return geopoint(float(lat), float(lon), float(accuracy) if accuracy else None)
    except ValueError:
        shown = cells.get("gps") or f"{cells.get('gps_latitude')} {cells.get('gps_longitude')}"
        raise cells.problem(
            "bad_gps",
            "gps" if cells.get("gps") else "gps_latitude",
            Message(f"Posisi GPS tidak valid: {shown}", f"Invalid GPS position: {shown}"),
        ) from None


def screening(cells: Cells) -> dict[str, bool]:
    answers = {}
    for item in checklist_items():
        value = _yes_no(cells, item.code)
        if value is not None:
            answers[item.code] = value
    return answers


def photos(cells: Cells, media: dict[str, bytes]) -> tuple[list[dict], list[str]]:
    """Photos whose files came with the export (ODK Central's zip); the names of those that did not."""
    found, missing = [], []
    for kind, key in form.PHOTO_FIELDS.items():
        name = cells.get(key)
        if not name:
            continue
        if name in media:
            found.append({"kind": kind, "name": name, "content": media[name]})
        else:
            missing.append(name)
    return found, missing


def member(cells: Cells, prefixes: frozenset[str] | None = None) -> dict:
    chosen = cells.get("anggota_id")
    if chosen.lower() == form.NEW_MEMBER:
        member_id = None
    elif chosen.isdigit():
        member_id = int(chosen)
    else:
        raise cells.unknown("anggota_id", chosen, ["<id anggota>", form.NEW_MEMBER])
    return {
        "member_id": member_id,
        "keberadaan": cells.get("keberadaan_anggota"),
        "keterangan": cells.get("keterangan_anggota"),
        "fields": corrections(cells, form.MEMBER_CORRECTIONS, prefixes),
    }


def family_choice(cells: Cells) -> tuple[int | None, str]:
    """(family id, kelurahan code): a registered family, or (None, kelurahan) for an usulan baru."""
    kind = _select(cells, "jenis_kunjungan", ((form.REGISTERED, form.REGISTERED), (form.PROPOSAL, form.PROPOSAL)))
    chosen = cells.get("keluarga")
    if kind == form.PROPOSAL or (not kind and not chosen):
        return None, cells.get("kelurahan")
    if not chosen.isdigit():
        raise (
            cells.unknown("keluarga", chosen, ["<id keluarga>"])
            if chosen
            else cells.problem(
                "missing", "keluarga", Message("Kolom keluarga wajib diisi", "Field keluarga is required")
            )
        )
    return int(chosen), ""


def payload(
    cells: Cells, member_rows: list[Cells], media: dict[str, bytes], prefixes: frozenset[str] | None = None
) -> tuple[dict, list[str]]:
    """The payload for do_submit_visit, and the names of photos missing from the export."""
    family_id, kelurahan = family_choice(cells)
    pictures, missing = photos(cells, media)
    data = {
        "submission_key": submission_key(cells),
        "family_id": family_id,
        "kelurahan": kelurahan,
        "enumerator": cells.get("pendata"),
        "started_version": cells.get("versi_awal") or None,
        "keberadaan": cells.get("keberadaan"),
        "keterangan": cells.get("keterangan"),
        "memenuhi_kriteria": cells.get("memenuhi_kriteria"),
        "alasan": cells.get("alasan"),
        "fields": corrections(cells, form.FAMILY_CORRECTIONS, prefixes),
        "members": [member(m, prefixes) for m in member_rows],
        "gps": location(cells),
        "checklist": screening(cells),
        "photos": pictures,
        "submitted_at": submitted_at(cells),
    }
    return data, missing


def cells_of(sheet: Sheet) -> list[Cells]:
    keys = sheet.keys()
    return [Cells(row, keys, sheet.name) for row in sheet.rows]
