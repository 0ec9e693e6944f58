"""ODK Central / KoboToolbox submission exports -> visits, through the same action as the web form.

`ingest_file` reads the whole file first (a broken file writes nothing), then hands each row to
`do_submit_visit`, one transaction per row: a row becomes a visit, is recognised as already
ingested (same meta/instanceID in this campaign, in the database or earlier in the file), or is
rejected with its row, column and a message in Indonesian and English. The raw row is kept on the
visit. Cost: one query for the keys already ingested plus what `do_submit_visit` costs per row.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tepat.verivali.odk import form
from tepat.verivali.odk.mapping import Cells, RowProblem, cells_of, payload, submission_key
from tepat.verivali.odk.tables import Export, ExportUnreadable, read_export

REQUIRED = (("keberadaan",), ("keluarga", "jenis_kunjungan"), ("instanceid", "_uuid", "key"))
LINKS = {"kobo": (("_index", "_parent_index"), ("_uuid", "_submission__uuid")), "odk": (("key", "parent_key"),)}
# payload field (as SubmissionRejected names it) -> form field
PAYLOAD_TO_FORM = {"submission_key": "instanceid", "family_id": "keluarga", "started_version": "versi_awal",
                   "enumerator": "pendata", "gps": "gps", "submitted_at": "submissiondate"}
MEMBER_TO_FORM = {"member_id": "anggota_id", "keberadaan": "keberadaan_anggota", "keterangan": "keterangan_anggota",
                  **{c.field: c.name for c in form.MEMBER_CORRECTIONS}}
FAMILY_TO_FORM = {c.field: c.name for c in form.FAMILY_CORRECTIONS}


@dataclass
class Issue:
    row: int | None
    sheet: str
    column: str
    code: str
    message_id: str
    message_en: str

    @property
    def message(self) -> str:
        return f"{self.message_id} / {self.message_en}"


@dataclass
class IngestReport:
    file: str
    source: str = ""
    rows: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    visits: list[int] = field(default_factory=list)
    fatal: Issue | None = None

    def ok(self) -> bool:
        return self.fatal is None and not self.rejected

    def exit_code(self) -> int:
        return 0 if self.ok() else 2

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("rejected", "warnings"):
            data[key] = [{**asdict(i), "message": i.message} for i in getattr(self, key)]
        if self.fatal:
            data["fatal"] = {**asdict(self.fatal), "message": self.fatal.message}
        return data

    def summary(self) -> str:
        if self.fatal:
            return f"{self.file}: GAGAL / FAILED [{self.fatal.code}]: {self.fatal.message}"
        lines = [f"{self.file} ({self.source}): {self.rows} kiriman, {self.accepted} diterima, "
                 f"{self.duplicates} sudah pernah masuk, {len(self.rejected)} ditolak / submissions, accepted, duplicates, rejected"]
        lines += [f"  baris {i.row} [{i.sheet}:{i.column}] {i.code}: {i.message}" for i in self.rejected]
        lines += [f"  peringatan baris {i.row} [{i.column}] {i.code}: {i.message}" for i in self.warnings]
        return "\n".join(lines)


def ingest_file(campaign, path: Path, *, acting_user, file_name: str | None = None) -> IngestReport:
    report = IngestReport(file=file_name or path.name)
    if not campaign.accepts_visits():
        report.fatal = Issue(None, "", "", "campaign_closed", f"Kampanye {campaign.name} tidak sedang berjalan; tidak ada yang dicatat",
                             f"Campaign {campaign.name} is not running; nothing was recorded")
        return report
    try:
        export = read_export(path, report.file)
        _check_columns(export)
    except ExportUnreadable as problem:
        report.fatal = Issue(None, "", "", problem.code, problem.message_id, problem.message_en)
        return report
    report.source = export.source
    members = _members_by_parent(export)
    seen = _keys_in(campaign)
    for cells in cells_of(export.main):
        report.rows += 1
        _ingest_row(campaign, export, cells, members.get(_parent_id(export.source, cells), []), seen, report, acting_user)
    return report


def _ingest_row(campaign, export: Export, cells: Cells, member_rows: list[Cells], seen: set[str], report: IngestReport,
                acting_user) -> None:
    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.payload import SubmissionRejected

    key = submission_key(cells)
    if key and key in seen:
        report.duplicates += 1
        return
    seen.add(key)
    data: dict = {"photos": []}
    try:
        data, missing = payload(cells, member_rows, export.media)
        visit = do_submit_visit(campaign, data, acting_user=acting_user, source=export.source, raw=_raw(export, cells, member_rows))
    except RowProblem as problem:
        report.rejected.append(Issue(problem.row, problem.sheet, problem.column, problem.code, problem.message_id, problem.message_en))
        return
    except SubmissionRejected as problem:
        sheet, row, column = _locate(problem.field, cells, member_rows, data)
        report.rejected.append(Issue(row, sheet, column, problem.code, problem.message_id, problem.message_en))
        return
    if getattr(visit, "duplicate", False):  # sent twice at the same moment: recognised by do_submit_visit
        report.duplicates += 1
        return
    report.accepted += 1
    report.visits.append(visit.pk)
    for name in missing:
        report.warnings.append(Issue(cells.row.number, cells.sheet, name, "photo_not_in_export",
                                     f"Foto {name} tidak ada di berkas; unggah zip ODK Central dengan lampiran",
                                     f"Photo {name} is not in the file; upload ODK Central's zip with attachments"))


def _keys_in(campaign) -> set[str]:
    """The submission keys this campaign already holds (one query for the whole file)."""
    from tepat.verivali.models import Visit

    return set(Visit.objects.filter(campaign=campaign).values_list("submission_key", flat=True))


def _check_columns(export: Export) -> None:
    keys = export.main.keys()
    missing = [" / ".join(options) for options in REQUIRED if not any(o in keys for o in options)]
    if missing:
        listed = ", ".join(missing)
        raise ExportUnreadable("columns_missing", f"Kolom wajib tidak ada: {listed} (ekspor dengan nama kolom XML, bukan label)",
                               f"Required columns missing: {listed} (export with XML names, not labels)")


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
    return {"file": export.file_name, "source": export.source, "row": cells.row.number, "cells": cells.row.cells,
            "members": [{"sheet": m.sheet, "row": m.row.number, "cells": m.row.cells} for m in member_rows]}


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
        index = int(name[7:name.index("]")])
        kind = data["photos"][index]["kind"] if index < len(data["photos"]) else ""
        return cells.sheet, cells.row.number, cells.column(form.PHOTO_FIELDS.get(kind, "foto"))
    base = name.split(".", 1)[0]
    return cells.sheet, cells.row.number, cells.column(PAYLOAD_TO_FORM.get(base, base))
