from __future__ import annotations

from array import array

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from tepat.accounts.masking import identity_for, log_access, masked_changes
from tepat.accounts.models import AccessKind
from tepat.accounts.permissions import Action, can
from tepat.accounts.scope import get_in_scope_or_404, scoped
from tepat.jobs import exports as export_jobs
from tepat.lru import LRU
from tepat.programs.frames import follows_versions
from tepat.programs.preview import scope_key
from tepat.regions.models import Level, Region
from tepat.registry import version
from tepat.registry.filters import DEPRIVATIONS, RECEIPT_FLAGS, FamilyFilter
from tepat.registry.models import Family, VersionPart
from tepat.web.decorators import exporter, personal_data
from tepat.web.views.realisasi import InterventionForm

LIST_FIELDS = (
    "id",
    "source_key",
    "kepala_keluarga",
    "kelurahan__name",
    "kelurahan__parent__name",
    "alamat",
    "rt",
    "rw",
    "desil",
    "desil_skala",
    "is_active",
    "missing_since_id",
)


def _filtered(request) -> tuple[FamilyFilter, object]:
    spec = FamilyFilter.from_query(request.GET)
    return spec, spec.apply(scoped(request.user, Family.objects.all()))


_CHOICES: LRU[tuple[list, list]] = LRU(32)


def _region_choices(request):
    """The filter's kecamatan and kelurahan: those holding families in the user's scope, read once per
    (registry version, scope) in this process (a scan of the families, ~0.1 s at 100k)."""
    scope = scope_key(request.user)
    if not follows_versions(scope):
        return _regions_with_families(request)
    key = (version.key(VersionPart.REGISTRY), scope)
    return _CHOICES.get(key, lambda: tuple(list(regions) for regions in _regions_with_families(request)))


def _regions_with_families(request):
    kelurahan = Region.objects.filter(
        level=Level.KELURAHAN, pk__in=scoped(request.user, Family.objects.all()).values("kelurahan_id")
    )
    kecamatan = Region.objects.filter(level=Level.KECAMATAN, children__in=kelurahan).distinct()
    return kecamatan, kelurahan


_IDS: LRU[array] = LRU(32)


def _ordered_ids(request, families) -> array:
    """The ids a filter selects, in list order, read once per (registry version, scope, filter) in this process.

    The list's cost at 100k families was its COUNT(*) and its ORDER BY over every match (a kecamatan's 17k rows
    sorted for each page: 25-150 ms on SQLite); with the ids at hand a page is 50 rows read by primary key.
    The filters read families and members only (the receipt flags are registry columns), so a recorded
    intervention or a rule save keeps the list. Enumerators' scopes (assignments change without a data version)
    are read every time. Cost: 8 bytes a matching family (0.8 MB for 100k), at most 32 filters per process."""
    read = lambda: array("q", families.order_by("id").values_list("id", flat=True).iterator(chunk_size=10_000))  # noqa: E731
    scope = scope_key(request.user)
    if not follows_versions(scope):
        return read()
    query = request.GET.copy()
    query.pop("page", None)
    return _IDS.get((version.key(VersionPart.REGISTRY), scope, query.urlencode()), read)


def _page(request, families):
    """One page of the list: the page of ids, then those families' columns (scope and filter already applied)."""
    page = Paginator(_ordered_ids(request, families), settings.TEPAT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = (
        scoped(request.user, Family.objects.filter(pk__in=list(page.object_list))).order_by("id").values(*LIST_FIELDS)
    )
    page.object_list = list(rows)
    return page


@personal_data
def family_list(request):
    spec, families = _filtered(request)
    page = _page(request, families)
    log_access(
        request.user, AccessKind.VIEW, f"daftar keluarga {request.GET.urlencode()}", records=len(page.object_list)
    )
    kecamatan, kelurahan = _region_choices(request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter": spec,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "query": query.urlencode(),
        "deprivations": [(k, v[0]) for k, v in DEPRIVATIONS.items()],
        "receipts": RECEIPT_FLAGS.items(),
        "desils": range(1, 11),
    }
    return render(request, "web/family_list.html", context)


@personal_data
def family_detail(request, pk: int):
    family = get_in_scope_or_404(
        request.user, Family.objects.select_related("kelurahan__parent", "batch", "first_batch__user"), pk=pk
    )
    members = family.members.order_by("-is_active", "id")
    for member in members:
        member.nik_shown = identity_for(request.user, member.nik)
    log_access(request.user, AccessKind.VIEW, f"keluarga {family.pk}", records=1 + len(members))
    changes = list(family.changes.select_related("user", "member", "batch")[:100])
    for change in changes:
        change.shown_fields = masked_changes(request.user, change.fields)
    context = {
        "family": family,
        "members": members,
        "no_kk": identity_for(request.user, family.no_kk),
        "changes": changes,
        "interventions": family.interventions.select_related("program").order_by("-date")[:50],
        "intervention_form": InterventionForm(user=request.user)
        if can(request.user, Action.INTERVENTIONS_RECORD)
        else None,
        "source_key": identity_for(request.user, family.source_key)
        if family.source_key == family.no_kk
        else family.source_key,
    }
    return render(request, "web/family_detail.html", context)


@exporter
def family_export(request, kind: str):
    """The filtered list as csv/xlsx: written now up to TEPAT_EXPORT_JOB_ROWS families, else by the worker."""
    if kind not in ("csv", "xlsx"):
        raise Http404
    _, families = _filtered(request)
    query = request.GET.urlencode()
    params = {
        "query": query,
        "sheet": "Keluarga",
        "file_name": f"keluarga-{timezone.localtime():%Y%m%d-%H%M}.{kind}",
        "what": f"daftar keluarga ({kind}) {query}",
    }
    return export_jobs.respond(request, "families", kind, params, rows=families.count())
