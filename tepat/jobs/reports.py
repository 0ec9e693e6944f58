"""An upload's report (a realisasi or ODK job's result) as one table of issues, for the history downloads.

Both pages keep their report in `Job.result`: realisasi as {"report": {"rejected": [...]}} (or {"fatal": text}),
ODK as the IngestReport dict with "rejected", "skipped", "warnings" and "fatal". Every issue becomes one
row with its row number, sheet, column, value, code and the message in Indonesian and English.
Cost: one pass over the issues in the stored report (no query).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
from django.db.models import QuerySet
from django.http import Http404, HttpResponse

from tepat.accounts.masking import log_access, mask_numbers
from tepat.accounts.models import AccessKind
from tepat.accounts.roles import policy_for
from tepat.accounts.scope import scoped
from tepat.jobs.models import Job
from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes

COLUMNS = {
    "jenis / kind": pl.String,
    "baris / row": pl.Int64,
    "lembar / sheet": pl.String,
    "kolom / column": pl.String,
    "nilai / value": pl.String,
    "kode / code": pl.String,
    "pesan": pl.String,
    "message": pl.String,
}
KINDS = {"rejected": "ditolak / rejected", "skipped": "dilewati / skipped", "warnings": "peringatan / warning"}


def report_of(job: Job) -> dict:
    """The report dict of a realisasi or ODK job (empty when the job has not finished)."""
    result = job.result or {}
    return result.get("report", result) if isinstance(result, dict) else {}


def _messages(issue: dict) -> tuple[str, str]:
    """(Indonesian, English): ODK issues carry both; importer messages are '<id> / <en>' (Message.text)."""
    if "message_id" in issue:
        return issue["message_id"], issue.get("message_en", "")
    text = issue.get("message") or ""
    indonesian, _, english = text.partition(" / ")
    return indonesian, english


def _fatal(job: Job, report: dict) -> dict | None:
    fatal = report.get("fatal") or (job.result or {}).get("fatal") or job.error
    if not fatal:
        return None
    return fatal if isinstance(fatal, dict) else {"code": "fatal", "message": str(fatal)}


def _keep(text: str | None) -> str | None:
    return text


def issues_frame(job: Job, report: dict, hide: Callable[[str | None], str | None] = _keep) -> pl.DataFrame:
    """Guarantee: one row per issue (fatal first, then rejected, skipped, warnings), in the COLUMNS schema;
    `hide` is applied to every value and message (mask_numbers for a masking role)."""
    rows = []
    fatal = _fatal(job, report)
    if fatal:
        rows.append(("gagal / failed", None, "", "", "", fatal.get("code", ""), *map(hide, _messages(fatal))))
    for key, kind in KINDS.items():
        for issue in report.get(key, []):
            rows.append(
                (
                    kind,
                    issue.get("row"),
                    issue.get("sheet", ""),
                    issue.get("column", ""),
                    hide(issue.get("value")),
                    issue.get("code", ""),
                    *map(hide, _messages(issue)),
                )
            )
    return pl.DataFrame(rows, schema=COLUMNS, orient="row")


def counts(job: Job) -> dict:
    """Accepted and rejected counts of one upload, for the history list."""
    report = report_of(job)
    accepted = report.get("inserted", report.get("accepted"))
    return {"accepted": accepted, "rejected": len(report.get("rejected", [])), "fatal": _fatal(job, report)}


def jobs_in_scope(user, kind: str, **params) -> QuerySet:
    """The uploads of a kind the user may see, through the scope helper (tepat.accounts.scope). ODK: the
    uploads of the campaign given in params (the page already checked the campaign is in scope)."""
    return scoped(user, Job.objects.filter(kind=kind, **{f"params__{k}": v for k, v in params.items()}))


def history(user, kind: str, **params) -> list[Job]:
    """The latest 20 uploads of a kind the user may see, each with its `counts`."""
    found = list(jobs_in_scope(user, kind, **params).select_related("user").order_by("-created_at", "-pk")[:20])
    for job in found:
        job.counts = counts(job)
    return found


SHEETS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


def report_download(user, job_pk: int, kind: str, fmt: str, **params) -> HttpResponse:
    """One upload's issues as xlsx or csv, masked for a masking role and logged as an export.
    Guarantee: a job outside `history`'s scope (or of another kind / campaign) answers 404."""
    if fmt not in SHEETS:
        raise Http404
    job = jobs_in_scope(user, kind, **params).filter(pk=job_pk).first()
    if job is None:
        raise Http404
    hide = _keep if policy_for(user).sees_identity_numbers else mask_numbers
    frame = issues_frame(job, report_of(job), hide)
    name = (job.params or {}).get("file_name") or f"{kind}-{job.pk}"
    log_access(user, AccessKind.EXPORT, f"laporan unggahan {kind} #{job.pk} {name}", records=frame.height)
    content = xlsx_bytes({"laporan": frame}) if fmt == "xlsx" else csv_bytes(frame)
    response = HttpResponse(content, content_type=SHEETS[fmt])
    response["Content-Disposition"] = f'attachment; filename="laporan-{kind}-{job.pk}.{fmt}"'
    return response
