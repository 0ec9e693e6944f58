from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tepat.programs.actions import do_targets_from_plan
from tepat.programs.allocation import plans
from tepat.programs.models import Program
from tepat.web.decorators import rule_editor


def budget_form(data=None) -> forms.Form:
    fields = {p.code: forms.IntegerField(label=p.name, min_value=0, required=False) for p in Program.objects.filter(is_active=True).order_by("strategy", "code")}
    fields["objective"] = forms.ChoiceField(choices=[("complete", _("keluarga yang semua deprivasinya tertangani")), ("weighted", _("jumlah deprivasi yang tertangani"))])
    return type("BudgetForm", (forms.Form,), fields)(data)


def _rows(exact, baseline) -> list[tuple]:
    rows = [(_("Keluarga miskin ekstrem"), exact.whatif.families, baseline.whatif.families),
            (_("Semua deprivasi tertangani"), exact.whatif.complete, baseline.whatif.complete),
            (_("Masih ada deprivasi"), exact.whatif.unmet, baseline.whatif.unmet),
            (_("Biaya (Rp)"), int(exact.whatif.total_cost), int(baseline.whatif.total_cost))]
    for kecamatan in sorted(exact.whatif.unmet_by_kecamatan):
        rows.append((_("Masih ada deprivasi — %(k)s") % {"k": kecamatan}, exact.whatif.unmet_by_kecamatan[kecamatan], baseline.whatif.unmet_by_kecamatan.get(kecamatan, 0)))
    return rows


@rule_editor
def allocation(request):
    """Budgets per program -> the exact plan beside the greedy one; the plan can become target lists."""
    form = budget_form(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        budgets = {k: v for k, v in form.cleaned_data.items() if k != "objective" and v}
        exact, baseline = plans(budgets, form.cleaned_data["objective"])
        if request.POST.get("freeze"):
            created = do_targets_from_plan(exact, acting_user=request.user, budgets=budgets)
            messages.success(request, _("%(n)s daftar sasaran dibuat dari rencana alokasi.") % {"n": len(created)})
            return redirect("target_list")
        spend = [(code, len(use.families), int(use.spend), len(baseline.programs[code].families)) for code, use in exact.programs.items() if use.families or baseline.programs[code].families]
        context.update({"exact": exact, "baseline": baseline, "rows": _rows(exact, baseline), "spend": spend})
    return render(request, "web/allocation.html", context)
