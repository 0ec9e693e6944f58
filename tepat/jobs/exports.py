"""Downloads made by the worker: big tables (more than TEPAT_EXPORT_JOB_ROWS rows) and the documents.

One mechanism for every download view: the view names what to make (`TABLES` / `DOCUMENTS`) and its
parameters, and `respond` either writes it at once (a small table) or queues an "export" job and sends
the user to its progress page. The same maker runs in both cases, as the asking user: the scope and the
masking of the direct export apply, and the access log gets the same line, written when the file is
downloaded. Files live in $TEPAT_HOME/exports/<job id>/ and are removed TEPAT_EXPORT_KEEP_HOURS after
they were made. Only the user who asked can download one (anyone else gets 404).
"""

from __future__ import annotations

import io
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect

from tepat.accounts.actor import actor_id
from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.jobs.models import Job, JobKind, JobStatus
from tepat.registry.spreadsheet import write_csv_batches, write_xlsx_batches

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
Progress = Callable[[int, int], None]


@dataclass
class Table:
    """A download of rows: its sheet name, its file name, the access-log line (empty: not personal data),
    the number of rows expected (for the progress bar) and the rows, batch by batch."""

    sheet: str
    file_name: str
    what: str
    total: int
    batches: Iterable[pl.DataFrame]


def family_table(user, params: dict) -> Table:
    """The family list in the user's scope: filtered by the list page's query, or the families `ids`
    (a gap drill-down), in batches (tepat.registry.exports.family_batches)."""
    from tepat.registry.exports import family_batches
    from tepat.registry.filters import FamilyFilter
    from tepat.registry.models import Family

    families = scoped(user, Family.objects.all())
    ids = params.get("ids")
    if ids is None:
        families = FamilyFilter.from_query(QueryDict(params.get("query", ""))).apply(families)
    total = len(ids) if ids is not None else families.count()
    return Table(params["sheet"], params["file_name"], params["what"], total, family_batches(user, families, ids))


def target_table(user, params: dict) -> Table:
    """A frozen target list in the user's scope (tepat.registry.exports.target_frame)."""
    from tepat.programs.models import TargetList
    from tepat.registry.exports import target_frame

    target = get_in_scope_or_404(user, TargetList.objects.select_related("program"), pk=params["target"])
    frame = target_frame(user, target)
    return Table("Sasaran", params["file_name"], params["what"], frame.height, [frame])


def access_log_table(user, params: dict) -> Table:
    """The personal-data access log filtered by the log page's query (tepat.accounts.accesslog)."""
    from tepat.accounts.accesslog import LogQuery, find_person, log_frame

    spec = LogQuery.from_query(QueryDict(params.get("query", "")))
    frame = log_frame(user, spec.entries(find_person(spec.nik) if spec.nik else None))
    return Table("Log akses", params["file_name"], params["what"], frame.height, [frame])


def report_document(user, params: dict, fmt: str) -> tuple[bytes, str]:
    """A report (briefing pack, LP2KD, periodic report) for a period, generated and audited as the user."""
    from tepat.reports.actions import do_generate_report
    from tepat.reports.periods import parse_period

    code = params["period"]
    content = do_generate_report(params["kind"], fmt, parse_period(code), code, acting_user=user)
    return content, f"{params['kind']}-{code}.{fmt}"


TABLES: dict[str, Callable[[object, dict], Table]] = {
    "families": family_table,
    "targets": target_table,
    "access_log": access_log_table,
}
DOCUMENTS: dict[str, Callable[[object, dict, str], tuple[bytes, str]]] = {"report": report_document}


def make(user, export: str, fmt: str, params: dict, handle: BinaryIO, progress: Progress | None = None) -> dict:
    """Write one download into `handle`; returns what the download needs: name, content type, log line, rows.
    Cost: one batch of rows in memory at a time (tables)."""
    if export in DOCUMENTS:
        content, name = DOCUMENTS[export](user, params, fmt)
        handle.write(content)
        return {"name": name, "content_type": CONTENT_TYPES[fmt], "what": "", "records": 0}
    table = TABLES[export](user, params)
    batches = _reporting(table.batches, table.total, progress) if progress else table.batches
    rows = write_csv_batches(handle, batches) if fmt == "csv" else write_xlsx_batches(handle, {table.sheet: batches})
    return {"name": table.file_name, "content_type": CONTENT_TYPES[fmt], "what": table.what, "records": rows}


def _reporting(batches: Iterable[pl.DataFrame], total: int, progress: Progress):
    done = 0
    for frame in batches:
        yield frame
        done += frame.height
        progress(done, total)


def job_rows() -> int:
    return settings.TEPAT_EXPORT_JOB_ROWS


def folder(job: Job) -> Path:
    return Path(settings.TEPAT_HOME) / "exports" / str(job.pk)


def respond(request, export: str, fmt: str, params: dict, rows: int | None = None) -> HttpResponse:
    """The download: written now when it is a table of at most TEPAT_EXPORT_JOB_ROWS rows, otherwise (or
    for a document, `rows` None) made by the worker; the user goes to the job's page (or gets the file when
    the job has already finished, e.g. with the "sync" runner)."""
    from tepat.jobs.run import enqueue

    if fmt not in CONTENT_TYPES:
        raise Http404
    if rows is not None and rows <= job_rows():
        buffer = io.BytesIO()
        made = make(request.user, export, fmt, params, buffer)
        return _answer(request.user, made, buffer.getvalue())
    job = enqueue("export", acting_user=request.user, export=export, fmt=fmt, params=params)
    if job.status == JobStatus.DONE and file_of(job):  # already made (the "sync" runner): the file itself
        return _answer(request.user, job.result, file_of(job).read_bytes())
    return redirect("export_status", pk=job.pk)


def _answer(user, made: dict, content: bytes | BinaryIO) -> HttpResponse:
    """The file as an attachment; the access-log line of the export written as the direct export writes it."""
    if made["what"]:
        log_access(user, AccessKind.EXPORT, made["what"], records=made["records"])
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=made["content_type"])
        response["Content-Disposition"] = f'attachment; filename="{made["name"]}"'
        return response
    return FileResponse(content, as_attachment=True, filename=made["name"], content_type=made["content_type"])


def own_job(user, pk: int) -> Job:
    """An export job of this user (404 for anyone else's, whatever their role)."""
    job = Job.objects.filter(pk=pk, kind=JobKind.EXPORT, user_id=actor_id(user)).first()
    if job is None:
        raise Http404
    return job


def file_of(job: Job) -> Path | None:
    path = folder(job) / "file"
    return path if job.status == JobStatus.DONE and path.exists() else None


def download(user, pk: int) -> HttpResponse:
    """The finished file of the user's own export job (logged); 404 when not finished or already removed."""
    job = own_job(user, pk)
    path = file_of(job)
    if path is None:
        raise Http404
    return _answer(user, job.result, path.open("rb"))


def run_export(job: Job) -> dict:
    """The worker's half: make the file as the asking user into the job's folder (renamed when complete),
    the progress in `job.result` as {"done", "total"} rows. Old files are swept first."""
    sweep()
    if job.user is None:
        raise RuntimeError("the user who asked no longer exists")
    target = folder(job)
    target.mkdir(parents=True, exist_ok=True)
    params = job.params

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(result={"done": done, "total": total})

    with (target / "file.part").open("wb") as handle:
        made = make(job.user, params["export"], params["fmt"], params["params"], handle, progress)
    (target / "file.part").rename(target / "file")
    return made


def sweep(now: float | None = None) -> int:
    """Remove the export folders made more than TEPAT_EXPORT_KEEP_HOURS ago; returns how many."""
    root = Path(settings.TEPAT_HOME) / "exports"
    limit = (now or time.time()) - settings.TEPAT_EXPORT_KEEP_HOURS * 3600
    removed = 0
    for path in root.glob("*") if root.exists() else ():
        if path.is_dir() and path.stat().st_mtime < limit:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def percent(job: Job) -> int | None:
    """How far a running job is (0-100), or None when it cannot tell (documents)."""
    if job.status == JobStatus.DONE:
        return 100
    result = job.result or {}
    if not result.get("total"):
        return None if job.params.get("export") in DOCUMENTS else 0
    return min(99, int(100 * result["done"] / result["total"]))
