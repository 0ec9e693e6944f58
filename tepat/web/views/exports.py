"""A download made by the worker (tepat.jobs.exports): its page with a progress bar, and the file itself.
Only the user who asked sees either (404 for anyone else)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tepat.jobs import exports


def _context(request, pk: int) -> dict:
    job = exports.own_job(request.user, pk)
    return {"job": job, "percent": exports.percent(job), "ready": exports.file_of(job) is not None}


@login_required
def export_status(request, pk: int):
    return render(request, "web/export_status.html", _context(request, pk))


@login_required
def export_progress(request, pk: int):
    """The htmx fragment polled every second while the job runs; it stops polling once the job has finished."""
    return render(request, "web/_export_progress.html", _context(request, pk))


@login_required
def export_file(request, pk: int):
    return exports.download(request.user, pk)
