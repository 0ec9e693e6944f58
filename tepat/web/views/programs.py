from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from datetime import date

from tepat.formatting import one_language
from tepat.lru import LRU
from tepat.engine.rules import check
from tepat.engine.rules.examples import EXAMPLES
from tepat.programs.actions import RuleRejected, do_save_rule, do_update_program
from tepat.programs.frames import data_as_of, follows_versions, registry_frames, registry_state
from tepat.programs.models import Program
from tepat.programs.preview import preview, scope_key
from tepat.programs.rule_help import conditions, picker
from tepat.regions.models import Region
from tepat.web.decorators import rule_editor

# A rule saved anyway although it selects nobody or everybody in the editor's scope needs this box ticked.
SELECTS_ALL_OR_NONE = ("always_false", "always_true")
GENERIC_EXAMPLE = 'desil <= 2 dan ada_anggota(usia_sekolah dan pendidikan in ["Tidak Sekolah", "Tidak Tamat SD"])'


class ProgramForm(forms.ModelForm):
    reason = forms.CharField(label=_lazy("Alasan perubahan"), max_length=255)

    class Meta:
        model = Program
        fields = [
            "name",
            "strategy",
            "opd",
            "funding",
            "unit",
            "unit_cost",
            "year",
            "max_desil",
            "description",
            "is_active",
        ]
        labels = {"is_active": _lazy("Aktif")}  # the model field has no words (a migration the programs app owns)


class RuleForm(forms.Form):
    text = forms.CharField(
        label=_lazy("Aturan kelayakan"), widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})
    )
    reason = forms.CharField(label=_lazy("Alasan perubahan"), max_length=255)
    confirm = forms.BooleanField(required=False, label=_lazy("Saya mengerti; simpan tetap"))


@rule_editor
def program_list(request):
    programs = Program.objects.select_related("opd").prefetch_related("rules").order_by("strategy", "code")
    return render(request, "web/program_list.html", {"programs": programs})


def _named(groups: list[dict], key: str) -> list[dict]:
    names = dict(Region.objects.filter(code__in=[g[key] for g in groups]).values_list("code", "name"))
    return [{**g, "name": names.get(g[key], g[key])} for g in groups]


def _frames(request):
    """The user's registry frames: the snapshot filtered to their scope (tepat.programs.frames)."""
    return registry_frames(scope_key(request.user))


_PREVIEWS: LRU[dict] = LRU(64)


def _preview_context(request, text: str) -> dict:
    """`_preview`, once per (scope, registry snapshot, rule text, day) in this process: the program page
    shows its current rule to every visitor, and a rule reads only the registry frames (0.1-0.5 s at
    100k families). Enumerators' scopes (assignments change without a version) are not cached."""
    scope = scope_key(request.user)
    if not follows_versions(scope):
        return _preview(request, text)
    key = (scope, registry_state(), text, date.today(), get_language())
    return _PREVIEWS.get(key, lambda: _preview(request, text))


def _preview(request, text: str) -> dict:
    """Counts in the user's scope, each top-level condition with its own count (and why it selects
    nobody), and the all-or-none warning when there is one."""
    shown = preview(request.user, text)
    shown.by_kecamatan = _named(shown.by_kecamatan, "kecamatan")
    shown.by_kelurahan = _named(shown.by_kelurahan, "kelurahan")
    rule = None if shown.errors else check(text).rule
    parts = conditions(rule, *_frames(request), date.today()) if rule is not None else []
    extreme = next((w for w in shown.warnings if w.code in SELECTS_ALL_OR_NONE), None)
    together = bool(parts) and shown.families == 0 and all(p.families for p in parts)
    return {"preview": shown, "conditions": parts, "all_or_none": extreme, "only_together": together}


def _save_rule(request, program: Program, form: RuleForm, context: dict) -> object | None:
    """The new version, or None with the form's errors set (a rejected rule, or one that selects
    nobody or everybody saved without ticking `confirm`)."""
    if context["all_or_none"] is not None and not form.cleaned_data["confirm"]:
        form.add_error("confirm", one_language(context["all_or_none"]))
        return None
    try:
        return do_save_rule(
            program, form.cleaned_data["text"], acting_user=request.user, reason=form.cleaned_data["reason"]
        )
    except RuleRejected as problem:
        form.add_error("text", str(problem))
        return None


@rule_editor
def program_detail(request, code: str):
    program = get_object_or_404(Program, code=code)
    current = program.current_rule()
    form = RuleForm(request.POST or None, initial={"text": current.text if current else ""})
    text = form.data.get("text") if form.is_bound else (current.text if current else "")
    shown = _preview_context(request, text or "")
    if request.method == "POST" and form.is_valid():
        version = _save_rule(request, program, form, shown)
        if version is not None:
            messages.success(request, _("Aturan versi %(v)s disimpan.") % {"v": version.version})
            return redirect("program_detail", code=program.code)
    context = {
        "program": program,
        "form": form,
        "versions": program.rules.select_related("author"),
        **shown,
        "fields": picker(*_frames(request)),
        "example": EXAMPLES.get(program.code, GENERIC_EXAMPLE),
        "data_as_of": data_as_of(registry_state()),
    }
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
