from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tepat.programs.actions import RuleRejected, do_save_rule, do_update_program
from tepat.programs.models import Program
from tepat.programs.preview import preview
from tepat.regions.models import Region
from tepat.web.decorators import rule_editor


class ProgramForm(forms.ModelForm):
    reason = forms.CharField(label=_lazy("Alasan perubahan"), max_length=255)

    class Meta:
        model = Program
        fields = ["name", "strategy", "opd", "funding", "unit", "unit_cost", "year", "max_desil", "description", "is_active"]


class RuleForm(forms.Form):
    text = forms.CharField(label=_lazy("Aturan kelayakan"), widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}))
    reason = forms.CharField(label=_lazy("Alasan perubahan"), max_length=255)


@rule_editor
def program_list(request):
    programs = Program.objects.select_related("opd").prefetch_related("rules").order_by("strategy", "code")
    return render(request, "web/program_list.html", {"programs": programs})


def _named(groups: list[dict], key: str) -> list[dict]:
    names = dict(Region.objects.filter(code__in=[g[key] for g in groups]).values_list("code", "name"))
    return [{**g, "name": names.get(g[key], g[key])} for g in groups]


def _preview_context(request, text: str) -> dict:
    shown = preview(request.user, text)
    shown.by_kecamatan = _named(shown.by_kecamatan, "kecamatan")
    shown.by_kelurahan = _named(shown.by_kelurahan, "kelurahan")
    return {"preview": shown}


@rule_editor
def program_detail(request, code: str):
    program = get_object_or_404(Program, code=code)
    current = program.current_rule()
    form = RuleForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            version = do_save_rule(program, form.cleaned_data["text"], acting_user=request.user, reason=form.cleaned_data["reason"])
        except RuleRejected as problem:
            form.add_error("text", str(problem))
        else:
            messages.success(request, _("Aturan versi %(v)s disimpan.") % {"v": version.version})
            return redirect("program_detail", code=program.code)
    text = form.data.get("text") if form.is_bound else (current.text if current else "")
    context = {"program": program, "form": form, "versions": program.rules.select_related("author"), **_preview_context(request, text or "")}
    return render(request, "web/program_detail.html", context)


@rule_editor
def program_edit(request, code: str):
    """Edit the catalogue entry (strategy, OPD, funding, unit cost, year, desil range)."""
    program = get_object_or_404(Program, code=code)
    form = ProgramForm(request.POST or None, instance=Program.objects.get(pk=program.pk))
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        do_update_program(program, values, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Program disimpan."))
        return redirect("program_detail", code=program.code)
    return render(request, "web/program_edit.html", {"program": program, "form": form})


@rule_editor
def rule_preview(request, code: str):
    """The htmx fragment re-rendered as the analyst types (counts in the analyst's scope)."""
    get_object_or_404(Program, code=code)
    return render(request, "web/_rule_preview.html", _preview_context(request, request.GET.get("text", "")))
