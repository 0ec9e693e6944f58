"""The access-log texts of verivali pages that name one family, for the person search (tepat.accounts.accesslog).

Registered by tepat.verivali.apps; keep in step with the views that write them (tepat/web/views/verivali/).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

ASSIGNED_LIST = "verivali: keluarga yang ditugaskan"


def visits(ids: list[int]) -> list[str]:
    from tepat.verivali.models import Visit

    return [f"verivali: kunjungan {v}" for v in Visit.objects.filter(family_id__in=ids).values_list("pk", flat=True)]


def photos(ids: list[int]) -> list[str]:
    from tepat.verivali.models import VisitPhoto

    rows = VisitPhoto.objects.filter(visit__family_id__in=ids).values_list("pk", "visit_id")
    return [f"verivali: foto {p} kunjungan {v}" for p, v in rows]


def requests(ids: list[int]) -> list[str]:
    from tepat.verivali.models import ChangeRequest

    rows = ChangeRequest.objects.filter(Q(family_id__in=ids) | Q(created_family_id__in=ids)).values_list(
        "pk", flat=True
    )
    return [f"verivali: usulan {r}" for r in rows]


def assigned_enumerators(ids: list[int]) -> QuerySet:
    from tepat.verivali.models import CampaignAssignment

    return CampaignAssignment.objects.filter(campaign_family__family_id__in=ids).values("enumerator_id")


def register() -> None:
    from tepat.accounts.accesslog import register_assigned_list, register_named

    register_named("visit form", lambda ids: [f"verivali: formulir kunjungan keluarga {i}" for i in ids])
    register_named("visit", visits)
    register_named("photo", photos)
    register_named("change request", requests)
    register_assigned_list(ASSIGNED_LIST, assigned_enumerators)
