from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tepat.accounts.masking import log_access
from tepat.accounts.models import AccessKind
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.jobs import exports as export_jobs
from tepat.programs.actions import do_freeze_target_list
from tepat.programs.models import Program, TargetList
from tepat.web.linking import linkable_families
from tepat.web.decorators import freezer


class FreezeForm(forms.Form):
    quota = forms.IntegerField(label=_("Kuota keluarga"), min_value=1, required=False)
    budget = forms.DecimalField(label=_("atau anggaran (Rp)"), min_value=0, decimal_places=0, required=False)
    per_kecamatan = forms.BooleanField(label=_("Kuota berlaku per kecamatan"), required=False)
    priority = forms.CharField(label=_("Dahulukan keluarga yang (aturan, opsional)"), required=False)


@require_POST
@freezer
def freeze(request, code: str):
    program = get_object_or_404(Program, code=code)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("program_detail", code=program.code)
    data = form.cleaned_data
    try:
        target = do_freeze_target_list(
            program,
            acting_user=request.user,
            quota=data["quota"],
            budget=data["budget"],
            per_kecamatan=data["per_kecamatan"],
            priority=data["priority"],
        )
    except ValueError as problem:
        messages.error(request, str(problem))
        return redirect("program_detail", code=program.code)
    return redirect("target_detail", pk=target.pk)


@login_required
def target_list(request):
    targets = scoped(request.user, TargetList.objects.select_related("program", "rule", "created_by"))
    return render(request, "web/target_list.html", {"targets": targets})


@login_required
def target_detail(request, pk: int):
    target = get_in_scope_or_404(
        request.user, TargetList.objects.select_related("program__opd", "rule", "created_by"), pk=pk
    )
    entries = target.entries.select_related("family__kelurahan").order_by("rank")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    log_access(request.user, AccessKind.VIEW, f"daftar sasaran {target.pk}", records=len(page.object_list))
    linked = linkable_families(request.user, [e.family_id for e in page.object_list])
    return render(request, "web/target_detail.html", {"target": target, "page": page, "linked": linked})


@login_required
def target_export(request, pk: int, kind: str):
    target = get_in_scope_or_404(request.user, TargetList.objects.select_related("program"), pk=pk)
    if kind not in ("csv", "xlsx"):
        raise Http404
    params = {
        "target": target.pk,
        "file_name": f"sasaran-{target.program.code}-{target.pk}.{kind}",
        "what": f"daftar sasaran {target.pk} ({kind})",
    }
    return export_jobs.respond(request, "targets", kind, params, rows=target.entries.count())
