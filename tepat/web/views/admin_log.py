"""The personal-data access log for the admin (and the data protection officer working as admin):
filter by person (NIK / No KK), user, date range and kind; paginated; downloadable (the download logged)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tepat.accounts.accesslog import LogQuery, Person, find_person, person_rows, shown_what
from tepat.accounts.masking import log_access, mask_numbers
from tepat.accounts.models import AccessKind, User
from tepat.jobs import exports as export_jobs
from tepat.web.decorators import user_manager

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _read(request, kind: AccessKind) -> tuple[LogQuery, Person | None]:
    """The filters and the person they name; a person search is logged once per family it found."""
    spec = LogQuery.from_query(request.GET)
    person = find_person(spec.nik) if spec.nik else None
    for pk in person.family_ids if person else []:
        log_access(request.user, kind, f"log akses: keluarga {pk}")
    return spec, person


@user_manager
@never_cache
def access_log(request):
    spec, person = _read(request, AccessKind.VIEW)
    page = Paginator(spec.entries(person), settings.TEPAT_PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.shown = shown_what(request.user, entry.what)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "spec": spec,
        "page": page,
        "query": query.urlencode(),
        "kinds": AccessKind.choices,
        "usernames": User.objects.order_by("username").values_list("username", flat=True),
        "person": person,
        "person_rows": person_rows(request.user, person) if person else [],
    }
    return render(request, "web/admin/access_log.html", context)


@user_manager
@never_cache
def access_log_export(request, kind: str):
    if kind not in CONTENT_TYPES:
        raise Http404
    spec, person = _read(request, AccessKind.EXPORT)
    query = request.GET.urlencode()
    params = {
        "query": query,
        "file_name": f"log-akses-{timezone.localtime():%Y%m%d-%H%M}.{kind}",
        "what": mask_numbers(f"log akses ({kind}) {query}"),
    }
    return export_jobs.respond(request, "access_log", kind, params, rows=spec.entries(person).count())
