from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tepat.programs.actions import do_targets_from_plan
from tepat.programs.allocation import plans
from tepat.programs.models import Program
from tepat.regions.models import Region
from tepat.web.decorators import allocator

# solver status (tepat.engine.allocation) -> what the page says
STATUS = {
    "optimal": _lazy("optimal (terbukti terbaik)"),
    "time_limit": _lazy("batas waktu tercapai: rencana terbaik yang ditemukan"),
    "infeasible": _lazy("tidak ada rencana yang memenuhi anggaran"),
    "heuristic": _lazy("berurutan prioritas"),
}


def budget_form(data=None) -> forms.Form:
    fields = {
        p.code: forms.IntegerField(label=_("%(p)s (anggaran, Rp)") % {"p": p.name}, min_value=0, required=False)
        for p in Program.objects.filter(is_active=True).order_by("strategy", "code")
    }
    fields["objective"] = forms.ChoiceField(
        label=_("Tujuan"),
        choices=[
            ("complete", _("keluarga yang semua deprivasinya tertangani")),
            ("weighted", _("jumlah deprivasi yang tertangani")),
        ],
    )
    return type("BudgetForm", (forms.Form,), fields)(data)


def _rows(exact, baseline) -> list[tuple]:
    rows = [
        (_("Keluarga miskin ekstrem"), exact.whatif.families, baseline.whatif.families),
        (_("Semua deprivasi tertangani"), exact.whatif.complete, baseline.whatif.complete),
        (_("Masih ada deprivasi"), exact.whatif.unmet, baseline.whatif.unmet),
        (_("Biaya (Rp)"), int(exact.whatif.total_cost), int(baseline.whatif.total_cost)),
    ]
    names = dict(Region.objects.filter(code__in=list(exact.whatif.unmet_by_kecamatan)).values_list("code", "name"))
    for kecamatan in sorted(exact.whatif.unmet_by_kecamatan):
        rows.append(
            (
                _("Masih ada deprivasi — %(k)s") % {"k": names.get(kecamatan, kecamatan)},
                exact.whatif.unmet_by_kecamatan[kecamatan],
                baseline.whatif.unmet_by_kecamatan.get(kecamatan, 0),
            )
        )
    return rows


@allocator
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
        program_names = dict(Program.objects.values_list("code", "name"))
        spend = [
            (program_names.get(code, code), len(use.families), int(use.spend), len(baseline.programs[code].families))
            for code, use in exact.programs.items()
            if use.families or baseline.programs[code].families
        ]
        context.update(
            {
                "status": STATUS.get(exact.status, exact.status),
                "exact": exact,
                "baseline": baseline,
                "rows": _rows(exact, baseline),
                "spend": spend,
            }
        )
    return render(request, "web/allocation.html", context)
