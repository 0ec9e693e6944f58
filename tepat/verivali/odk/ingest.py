"""ODK Central / KoboToolbox submission exports -> visits, through the same action as the web form.

`ingest_file` reads the whole file first (a broken file, or one that would lose the member repeat,
writes nothing), then takes each row in its own transaction. Rows are keyed the way the servers key
them: the logical submission is ODK Central's `KEY` / Kobo's `_id`, the version is `meta-instanceID`
/ `_uuid`. A row is
- `accepted`: a new logical submission becomes a visit (`do_submit_visit`);
- `updated`: a known logical submission with a new version (an edit on the server) updates its visit
  with history (`do_update_visit`): a pending request is derived again, a decided one is left and the
  edit is listed under `warnings` (`edited_after_decision`) for the lurah;
- a `duplicate`: this version was ingested before (the same export twice, or a resent submission);
- `skipped`: rejected by the server's reviewer (Central `rejected`, Kobo `not approved`), unless
  `include_rejected`;
- `rejected`: with its row, column and a message in Indonesian and English.
The raw row is kept on the visit. Cost: two queries for the keys already ingested plus what
`do_submit_visit` costs per row.
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tepat.verivali.odk import form
from tepat.verivali.odk.mapping import Cells, RowProblem, cells_of, instance_id, payload, review_state, submission_key
from tepat.verivali.odk.tables import Export, ExportUnreadable, read_export

REQUIRED = (("keberadaan",), ("keluarga", "jenis_kunjungan"), ("instanceid", "_uuid", "key"))
# What to download instead of a file that holds no repeat rows, per server.
FULL_EXPORT = {
    "odk": (
        'ODK Central: Download → "All data and attachments" (zip, juga submissions.csv.zip)',
        'ODK Central: Download → "All data and attachments" (the zip; submissions.csv.zip also works)',
    ),
    "kobo": (
        'KoboToolbox: Downloads → XLS dengan "XML values and headers"',
        'KoboToolbox: Downloads → XLS with "XML values and headers"',
    ),
}
PHOTO_HINT = {
    "odk": (
        'unggah zip ODK Central "All data and attachments"',
        'upload ODK Central\'s "All data and attachments" zip',
    ),
    "kobo": (
        "ekspor KoboToolbox tidak membawa foto; unduh dari server Kobo (kolom _URL)",
        "KoboToolbox exports carry no photos; download them from the Kobo server (the _URL columns)",
    ),
}
LINKS = {"kobo": (("_index", "_parent_index"), ("_uuid", "_submission__uuid")), "odk": (("key", "parent_key"),)}
# payload field (as SubmissionRejected names it) -> form field
PAYLOAD_TO_FORM = {
    "submission_key": "instanceid",
    "family_id": "keluarga",
    "started_version": "versi_awal",
    "enumerator": "pendata",
    "gps": "gps",
    "submitted_at": "submissiondate",
}
MEMBER_TO_FORM = {
    "member_id": "anggota_id",
    "keberadaan": "keberadaan_anggota",
    "keterangan": "keterangan_anggota",
    **{c.field: c.name for c in form.MEMBER_CORRECTIONS},
}
FAMILY_TO_FORM = {c.field: c.name for c in form.FAMILY_CORRECTIONS}


@dataclass
class Issue(Bilingual):
    row: int | None
    sheet: str
    column: str
    code: str
    bilingual: Message

    @property
    def message(self) -> str:
        return str(self.bilingual)

    def as_dict(self) -> dict:
        """The report's JSON shape (unchanged since before Message): message_id, message_en and both."""
        return {
            "row": self.row,
            "sheet": self.sheet,
            "column": self.column,
            "code": self.code,
            "message_id": self.message_id,
            "message_en": self.message_en,
            "message": self.message,
        }


@dataclass
class IngestReport:
    file: str
    source: str = ""
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    updated: int = 0
    rejected: list[Issue] = field(default_factory=list)
    skipped: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    visits: list[int] = field(default_factory=list)
    fatal: Issue | None = None

    def ok(self) -> bool:
        return self.fatal is None and not self.rejected

    def exit_code(self) -> int:
        return 0 if self.ok() else 2

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("rejected", "skipped", "warnings"):
            data[key] = [i.as_dict() for i in getattr(self, key)]
        if self.fatal:
            data["fatal"] = self.fatal.as_dict()
        return data

    def summary(self) -> str:
        if self.fatal:
            return f"{self.file}: GAGAL / FAILED [{self.fatal.code}]: {self.fatal.message}"
        lines = [
            f"{self.file} ({self.source}): {self.rows} kiriman, {self.accepted} diterima, {self.updated} diperbarui, "
            f"{self.duplicates} sudah pernah masuk, {len(self.skipped)} dilewati, {len(self.rejected)} ditolak / submissions, "
            "accepted, updated, duplicates, skipped, rejected"
        ]
        lines += [f"  baris {i.row} [{i.sheet}:{i.column}] {i.code}: {i.message}" for i in self.rejected]
        lines += [f"  dilewati baris {i.row} [{i.column}] {i.code}: {i.message}" for i in self.skipped]
        lines += [f"  peringatan baris {i.row} [{i.column}] {i.code}: {i.message}" for i in self.warnings]
        return "\n".join(lines)


def ingest_file(
    campaign, path: Path, *, acting_user, file_name: str | None = None, include_rejected: bool = False
) -> IngestReport:
    report = IngestReport(file=file_name or path.name)
    if not campaign.accepts_visits():
        report.fatal = Issue(
            None,
            "",
            "",
            "campaign_closed",
            Message(
                f"Kampanye {campaign.name} tidak sedang berjalan; tidak ada yang dicatat",
                f"Campaign {campaign.name} is not running; nothing was recorded",
            ),
        )
        return report
    try:
        export = read_export(path, report.file)
        report.source = export.source
        _check_columns(export)
        _check_repeats(export)
    except ExportUnreadable as problem:
        report.fatal = Issue(None, "", "", problem.code, problem.bilingual)
        return report
    members = _members_by_parent(export)
    known = Known.of(campaign)
    prefixes = _prefixes()
    for cells in cells_of(export.main):
        report.rows += 1
        row = RowContext(
            campaign, export, cells, members.get(_parent_id(export.source, cells), []), acting_user, prefixes
        )
        _ingest_row(row, known, report, include_rejected)
    return report


@dataclass
class RowContext:
    campaign: object
    export: Export
    cells: Cells
    member_rows: list[Cells]
    acting_user: object
    prefixes: frozenset[str]


@dataclass
class Known:
    """What the campaign already holds: logical key -> visit id, every instance id ever ingested -> visit id, and
    each visit's review flag."""

    visits: dict[str, int]
    instances: dict[str, int | None]
    flags: dict[int, str]

    @classmethod
    def of(cls, campaign) -> Known:
        """Two queries for the whole file."""
        from tepat.verivali.models import Visit, VisitRevision

        rows = Visit.objects.filter(campaign=campaign).values_list("pk", "submission_key", "instance_id", "review_flag")
        visits, instances, flags = {}, {}, {}
        for pk, key, instance, flag in rows:
            visits[key], flags[pk] = pk, flag
            instances.update({i: pk for i in (instance, key) if i})
        instances.update(VisitRevision.objects.filter(visit__campaign=campaign).values_list("instance_id", "visit_id"))
        return cls(visits, instances, flags)


def _ingest_row(row: RowContext, known: Known, report: IngestReport, include_rejected: bool) -> None:
    cells = row.cells
    try:
        flag, rejected_on_server, written = review_state(cells)
    except RowProblem as problem:
        report.rejected.append(Issue(problem.row, problem.sheet, problem.column, problem.code, problem.bilingual))
        return
    key, instance = submission_key(cells), instance_id(cells)
    if instance in known.instances or (not instance and key in known.visits):
        report.duplicates += 1
        _review_changed(row, known, known.instances.get(instance) or known.visits.get(key), flag, written, report)
        return
    if rejected_on_server and not include_rejected:
        column = cells.column("reviewstate" if cells.get("reviewstate") else "_validation_status")
        report.skipped.append(
            Issue(
                cells.row.number,
                cells.sheet,
                column,
                "review_rejected",
                Message(
                    f"Ditolak peninjau di server ({written}); tidak dimasukkan (pakai --include-rejected untuk memasukkan)",
                    f"Rejected by the server's reviewer ({written}); not taken (use --include-rejected to take it)",
                ),
            )
        )
        return
    known.instances[instance] = None
    _take(row, known, report, key, instance, flag)


def _review_changed(
    row: RowContext, known: Known, visit_id: int | None, flag: str, written: str, report: IngestReport
) -> None:
    """A version already ingested whose review on the server changed since (e.g. rejected after the upload): the
    visit's flag follows, so the lurah sees it on the card; listed as a warning."""
    from tepat.verivali.actions import do_flag_review

    if visit_id is None or known.flags.get(visit_id, flag) == flag:
        return
    do_flag_review(visit_id, flag, acting_user=row.acting_user)
    known.flags[visit_id] = flag
    report.warnings.append(
        Issue(
            row.cells.row.number,
            row.cells.sheet,
            row.cells.column("reviewstate" if row.cells.get("reviewstate") else "_validation_status"),
            "review_changed",
            Message(
                f"Tinjauan di server untuk kunjungan #{visit_id} berubah: {written or '(kosong)'}",
                f"The server review of visit #{visit_id} changed: {written or '(empty)'}",
            ),
        )
    )


def _take(row: RowContext, known: Known, report: IngestReport, key: str, instance: str, flag: str) -> None:
    from tepat.verivali.actions import do_submit_visit, do_update_visit
    from tepat.verivali.models import Visit
    from tepat.verivali.payload import SubmissionRejected

    cells, export = row.cells, row.export
    data: dict = {"photos": []}
    raw = _raw(export, cells, row.member_rows)
    try:
        data, missing = payload(cells, row.member_rows, export.media, row.prefixes)
        data["submission_key"] = key
        if key in known.visits:
            result = do_update_visit(
                Visit.objects.get(pk=known.visits[key]),
                data,
                acting_user=row.acting_user,
                raw=raw,
                instance_id=instance,
                previous_instance_id=cells.get("deprecatedid"),
                review_flag=flag,
            )
            known.instances[instance], known.flags[result.visit.pk] = result.visit.pk, flag
            _report_edit(report, cells, result)
            _photo_warnings(report, export, cells, missing)
            return
        visit = do_submit_visit(
            row.campaign,
            data,
            acting_user=row.acting_user,
            source=export.source,
            raw=raw,
            instance_id=instance,
            review_flag=flag,
        )
    except RowProblem as problem:
        report.rejected.append(Issue(problem.row, problem.sheet, problem.column, problem.code, problem.bilingual))
        return
    except SubmissionRejected as problem:
        sheet, number, column = _locate(problem.field, cells, row.member_rows, data)
        report.rejected.append(Issue(number, sheet, column, problem.code, problem.bilingual))
        return
    if getattr(visit, "duplicate", False):  # sent twice at the same moment: recognised by do_submit_visit
        report.duplicates += 1
        return
    known.visits[key], known.instances[instance], known.flags[visit.pk] = visit.pk, visit.pk, flag
    report.accepted += 1
    report.visits.append(visit.pk)
    _photo_warnings(report, export, cells, missing)


def _report_edit(report: IngestReport, cells: Cells, result) -> None:
    report.updated += 1
    report.visits.append(result.visit.pk)
    if not result.replaced:
        request = result.visit.change_request
        report.warnings.append(
            Issue(
                cells.row.number,
                cells.sheet,
                cells.column("instanceid"),
                "edited_after_decision",
                Message(
                    f"Kiriman kunjungan #{result.visit.pk} diubah di server setelah usulan #{request.pk} diputuskan "
                    f"({request.get_status_display()}); keputusan tidak diubah, perubahan dicatat untuk lurah",
                    f"Submission of visit #{result.visit.pk} was edited on the server after request #{request.pk} was decided; "
                    "the decision stands, the edit is recorded for the lurah",
                ),
            )
        )


def _photo_warnings(report: IngestReport, export: Export, cells: Cells, missing: list[str]) -> None:
    hint_id, hint_en = PHOTO_HINT[export.source]
    for name in missing:
        report.warnings.append(
            Issue(
                cells.row.number,
                cells.sheet,
                name,
                "photo_not_in_export",
                Message(f"Foto {name} tidak ada di berkas; {hint_id}", f"Photo {name} is not in the file; {hint_en}"),
            )
        )


def _prefixes() -> frozenset[str]:
    from tepat.registry.importer.context import known_prefixes

    return known_prefixes()


def _labels() -> dict[str, str]:
    """Question label (lower case) -> field name, to recognise an export made with labels instead of XML names."""
    from tepat.verivali.odk.xlsform import survey_rows

    return {row["label"].strip().lower(): row["name"] for row in survey_rows() if row.get("label") and row.get("name")}


def _check_columns(export: Export) -> None:
    keys = export.main.keys()
    missing = [" / ".join(options) for options in REQUIRED if not any(o in keys for o in options)]
    if not missing:
        return
    labels = _labels()
    found = [header for header in export.main.headers if header.strip().lower().rsplit("/", 1)[-1] in labels]
    if found:
        shown = ", ".join(found[:3])
        raise ExportUnreadable(
            "labels_not_names",
            Message(
                f"Berkas diekspor dengan label pertanyaan ({shown}), bukan nama XML; ekspor ulang: "
                f'KoboToolbox "XML values and headers", ODK Central tanpa mengubah judul kolom',
                f"The file was exported with question labels ({shown}), not XML names; export again: KoboToolbox "
                '"XML values and headers", ODK Central without renaming the columns',
            ),
        )
    listed = ", ".join(missing)
    raise ExportUnreadable(
        "columns_missing",
        Message(
            f"Kolom wajib tidak ada: {listed}; apakah ini ekspor kiriman formulir verivali Tepat?",
            f"Required columns missing: {listed}; is this a submission export of Tepat's verivali form?",
        ),
    )


def _check_repeats(export: Export) -> None:
    """The form has a member repeat: a file that cannot carry its rows (a plain csv, an ODK zip without the
    repeat table) would lose every member correction and new member. Refused as a whole."""
    if export.kind in ("xlsx", "ods") or form.MEMBERS in export.repeats:
        return
    what_id, what_en = FULL_EXPORT[export.source]
    raise ExportUnreadable(
        "repeats_missing",
        Message(
            f"Berkas {export.file_name} tidak memuat tabel anggota keluarga (repeat '{form.MEMBERS}'): "
            f"perbaikan dan penambahan anggota akan hilang. Tidak ada yang dicatat. Unduh: {what_id}",
            f"File {export.file_name} has no member table (repeat '{form.MEMBERS}'): member corrections and new members "
            f"would be lost. Nothing was recorded. Download: {what_en}",
        ),
    )


def _parent_id(source: str, cells: Cells) -> str:
    for own, _parent in LINKS[source]:
        if value := cells.get(own):
            return f"{own}:{value}"
    return ""


def _members_by_parent(export: Export) -> dict[str, list[Cells]]:
    sheet = export.repeats.get(form.MEMBERS)
    grouped: dict[str, list[Cells]] = {}
    if sheet is None:
        return grouped
    for cells in cells_of(sheet):
        for own, parent in LINKS[export.source]:
            if value := cells.get(parent):
                grouped.setdefault(f"{own}:{value}", []).append(cells)
                break
    return grouped


def _raw(export: Export, cells: Cells, member_rows: list[Cells]) -> dict:
    return {
        "file": export.file_name,
        "source": export.source,
        "row": cells.row.number,
        "cells": cells.row.cells,
        "members": [{"sheet": m.sheet, "row": m.row.number, "cells": m.row.cells} for m in member_rows],
    }


MEMBER_FIELD = re.compile(r"^members\[(\d+)\]\.?(.*)$")


def _locate(name: str | None, cells: Cells, member_rows: list[Cells], data: dict) -> tuple[str, int, str]:
    """(sheet, row, column) in the export for a payload field named by SubmissionRejected."""
    name = name or ""
    if match := MEMBER_FIELD.match(name):
        index, inner = int(match[1]), match[2]
        if index < len(member_rows):
            row = member_rows[index]
            return row.sheet, row.row.number, row.column(MEMBER_TO_FORM.get(inner, inner or "anggota_id"))
    if name.startswith("fields."):
        return cells.sheet, cells.row.number, cells.column(FAMILY_TO_FORM.get(name[7:], name[7:]))
    if name.startswith("checklist."):
        return cells.sheet, cells.row.number, cells.column(name[10:])
    if name == "photos":  # the photo checks name no index: point at the first photo column filled in
        present = [c for c in form.PHOTO_FIELDS.values() if cells.get(c)]
        return cells.sheet, cells.row.number, cells.column(present[0] if present else "foto")
    if name.startswith("photos["):
        index = int(name[7 : name.index("]")])
        kind = data["photos"][index]["kind"] if index < len(data["photos"]) else ""
        return cells.sheet, cells.row.number, cells.column(form.PHOTO_FIELDS.get(kind, "foto"))
    base = name.split(".", 1)[0]
    return cells.sheet, cells.row.number, cells.column(PAYLOAD_TO_FORM.get(base, base))
