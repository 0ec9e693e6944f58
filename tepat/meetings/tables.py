"""Every meeting table as a polars frame with Indonesian headers: the same frame feeds the page's xlsx
download (through tepat.registry.spreadsheet.xlsx_bytes, which neutralises formulas) and the reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl
from django.db.models import QuerySet

from tepat.meetings.compliance import Compliance
from tepat.meetings.models import ActionItem, Meeting
from tepat.meetings.queries import MeetingFollowUp, OpdFollowUp, decision_state


def d(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _frame(rows: list[tuple], schema: dict[str, type]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def meetings_frame(meetings: Iterable[Meeting]) -> pl.DataFrame:
    """Meetings from `queries.meetings_in_year`, whose `invited` and `present` counts are annotated (no query per row)."""
    rows = [
        (
            m.get_type_display(),
            m.title,
            d(m.date),
            m.start_time.strftime("%H.%M"),
            m.place,
            m.chair,
            m.get_status_display(),
            m.invited,
            m.present,
        )
        for m in meetings
    ]
    return _frame(
        [(i, *r) for i, r in enumerate(rows, 1)],
        {
            "No": pl.Int64,
            "Jenis": pl.String,
            "Judul": pl.String,
            "Tanggal": pl.String,
            "Jam": pl.String,
            "Tempat": pl.String,
            "Pimpinan": pl.String,
            "Status": pl.String,
            "Diundang": pl.Int64,
            "Hadir": pl.Int64,
        },
    )


def compliance_frame(c: Compliance) -> pl.DataFrame:
    rows = [
        (
            f"Caturwulan {t.number}",
            f"{d(t.start)} s.d. {d(t.end)}",
            t.held,
            t.required_by_end,
            t.held_by_end,
            "Ya" if t.ok() else ("Belum" if t.end >= c.today else "Tidak"),
        )
        for t in c.terms
    ]
    return _frame(
        rows,
        {
            "Periode": pl.String,
            "Tanggal": pl.String,
            "Rakor terlaksana": pl.Int64,
            "Wajib s.d. akhir periode": pl.Int64,
            "Terlaksana s.d. akhir periode": pl.Int64,
            "Memenuhi": pl.String,
        },
    )


def participants_frame(meeting: Meeting) -> pl.DataFrame:
    rows = [
        (
            i,
            p.label(),
            p.name,
            p.position,
            p.get_kind_display(),
            "Ya" if p.is_speaker else "",
            str(p.attendance_label()),
        )
        for i, p in enumerate(meeting.participants.select_related("opd", "region"), 1)
    ]
    return _frame(
        rows,
        {
            "No": pl.Int64,
            "Undangan": pl.String,
            "Nama": pl.String,
            "Jabatan": pl.String,
            "Jenis": pl.String,
            "Narasumber": pl.String,
            "Kehadiran": pl.String,
        },
    )


def decisions_frame(meeting: Meeting) -> pl.DataFrame:
    rows = [
        (x.number, x.text, x.action_items.count(), decision_state(x).label)
        for x in meeting.decisions.prefetch_related("action_items")
    ]
    return _frame(rows, {"No": pl.Int64, "Keputusan": pl.String, "Tindak lanjut": pl.Int64, "Status": pl.String})


def action_items_frame(items: QuerySet[ActionItem], today: date) -> pl.DataFrame:
    """Joins what it prints (owner, meeting, decision) and fetches the later meetings of all items in one query."""
    items = items.select_related("owner", "meeting", "decision").prefetch_related("carried_to")
    rows = [
        (
            i.pk,
            i.what,
            i.owner.name,
            i.meeting.title,
            d(i.meeting.date),
            i.decision.number if i.decision else None,
            d(i.due),
            i.get_status_display(),
            "Ya" if i.is_overdue(today) else "",
            i.days_overdue(today),
            ", ".join(m.title for m in i.carried_to.all()),
        )
        for i in items
    ]
    return _frame(
        rows,
        {
            "ID": pl.Int64,
            "Tindak lanjut": pl.String,
            "OPD": pl.String,
            "Rapat asal": pl.String,
            "Tanggal rapat": pl.String,
            "Keputusan no.": pl.Int64,
            "Batas waktu": pl.String,
            "Status": pl.String,
            "Terlambat": pl.String,
            "Hari terlambat": pl.Int64,
            "Dibawa ke rapat": pl.String,
        },
    )


def open_by_opd_frame(groups: Iterable[OpdFollowUp]) -> pl.DataFrame:
    rows = [(g.opd.name, g.total, g.open, g.in_progress, g.overdue) for g in groups]
    return _frame(
        rows,
        {
            "OPD": pl.String,
            "Terbuka": pl.Int64,
            "Belum dimulai": pl.Int64,
            "Sedang berjalan": pl.Int64,
            "Terlambat": pl.Int64,
        },
    )


def follow_up_frame(rows: Iterable[MeetingFollowUp]) -> pl.DataFrame:
    data = [
        (
            r.meeting.title,
            d(r.meeting.date),
            r.decisions,
            r.decisions_followed_up,
            r.decisions_in_process,
            r.items,
            r.done,
            r.in_progress,
            r.open,
            r.overdue,
            r.dropped,
        )
        for r in rows
    ]
    return _frame(
        data,
        {
            "Rapat": pl.String,
            "Tanggal": pl.String,
            "Keputusan": pl.Int64,
            "Keputusan tuntas": pl.Int64,
            "Keputusan dalam proses": pl.Int64,
            "Tindak lanjut": pl.Int64,
            "Selesai": pl.Int64,
            "Sedang berjalan": pl.Int64,
            "Belum dimulai": pl.Int64,
            "Terlambat": pl.Int64,
            "Dibatalkan": pl.Int64,
        },
    )
