"""Report downloads (briefing pack, LP2KD, periodic report) and their written sections."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tepat.jobs import exports as export_jobs
from tepat.reports.actions import do_write_section
from tepat.reports.documents import DOCUMENTS, written_texts
from tepat.reports.models import WrittenSection
from tepat.reports.periods import PeriodError, parse_period
from tepat.web.decorators import reporter


def _period_code(request) -> str:
    return request.GET.get("periode") or request.POST.get("periode") or str(date.today().year)


@reporter
def report_page(request):
    """The three documents, each with its period and formats, and the written sections of the chosen period."""
    code = _period_code(request)
    context = {"documents": DOCUMENTS, "period_code": code, "forms": _written_forms(code)}
    try:
        context["period"] = parse_period(code)
    except PeriodError as problem:
        context["problem"] = str(problem)
    return render(request, "web/reports.html", context)


def _written_forms(code: str) -> list[dict]:
    forms = []
    for kind, document in DOCUMENTS.items():
        if document.text_kind:
            texts = written_texts(document.text_kind, code)
            forms.append(
                {
                    "kind": kind,
                    "title": document.title,
                    "fields": [(key, label, texts[key]) for key, label in WrittenSection.choices],
                }
            )
    return forms


@reporter
def report_download(request, kind: str, fmt: str):
    document = DOCUMENTS.get(kind)
    if document is None or fmt not in document.formats:
        raise Http404
    code = _period_code(request)
    try:
        parse_period(code)
    except PeriodError as problem:
        messages.error(request, str(problem))
        return redirect("reports")
    # Made by the worker (tepat.jobs.exports), generated and audited as the user (do_generate_report).
    return export_jobs.respond(request, "report", fmt, {"kind": kind, "period": code})


@reporter
@require_POST
def report_write(request, kind: str):
    document = DOCUMENTS.get(kind)
    if document is None or document.text_kind is None:
        raise Http404
    code = _period_code(request)
    try:
        parse_period(code)
    except PeriodError as problem:
        messages.error(request, str(problem))
        return redirect("reports")
    saved = written_texts(document.text_kind, code)
    for section in WrittenSection.values:
        text = request.POST.get(section)
        if text is not None and text.strip() != saved[section]:
            do_write_section(document.text_kind, code, section, text, acting_user=request.user)
    messages.success(request, _("Bagian naratif disimpan."))
    return redirect(f"{reverse('reports')}?periode={code}")
