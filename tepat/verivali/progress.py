"""Verivali progress: one function for the campaign page, its xlsx/csv, the dashboard and the briefing pack.

`campaign_progress(campaign=None, by="kelurahan", user=None)` returns one dict per group with counts:
families in the campaign, assigned, visited, the requests by status, and the outcomes found. Cost: three
grouped queries, whatever the number of families.
"""

from __future__ import annotations

from collections import defaultdict

import polars as pl
from django.db.models import Count, Q

from tepat.verivali.models import (
    CampaignFamily,
    ChangeRequest,
    Keberadaan,
    RequestStatus,
    Visit,
)

# by -> (CampaignFamily path, Visit/ChangeRequest path) for (key, label).
GROUPS: dict[str, tuple[dict[str, str], dict[str, str], dict[str, str]]] = {
    "campaign": ({}, {}, {}),
    "kecamatan": (
        {"key": "family__kelurahan__parent__code", "label": "family__kelurahan__parent__name"},
        {"key": "kelurahan__parent__code", "label": "kelurahan__parent__name"},
        {"key": "kelurahan__parent__code", "label": "kelurahan__parent__name"},
    ),
    "kelurahan": (
        {"key": "family__kelurahan__code", "label": "family__kelurahan__name"},
        {"key": "kelurahan__code", "label": "kelurahan__name"},
        {"key": "kelurahan__code", "label": "kelurahan__name"},
    ),
    "enumerator": (
        {"key": "enumerator__username", "label": "enumerator__username"},
        {"key": "enumerator__username", "label": "enumerator__username"},
        {"key": "visit__enumerator__username", "label": "visit__enumerator__username"},
    ),
}
OUTCOMES = (
    Keberadaan.TIDAK_DITEMUKAN,
    Keberadaan.PINDAH,
    Keberadaan.MENINGGAL,
    Keberadaan.SUDAH_MAMPU,
    Keberadaan.GANDA,
)
COUNTS = (
    "families",
    "assigned",
    "visited",
    "pending",
    "conflict",
    "approved",
    "rejected",
    *OUTCOMES,
    "tidak_memenuhi",
    "usulan_baru",
)
LABELS = {
    "campaign": "kampanye",
    "key": "kode",
    "label": "wilayah / pendata",
    "families": "keluarga",
    "assigned": "ditugaskan",
    "visited": "dikunjungi",
    "pending": "menunggu",
    "conflict": "bertentangan",
    "approved": "disetujui",
    "rejected": "ditolak",
    "tidak_ditemukan": "tidak ditemukan",
    "pindah": "pindah",
    "meninggal": "meninggal",
    "sudah_mampu": "sudah mampu",
    "ganda": "ganda",
    "tidak_memenuhi": "tidak memenuhi kriteria",
    "usulan_baru": "usulan baru",
}


def _scoped(user, queryset):
    if user is None:
        return queryset
    from tepat.accounts.scope import scoped

    return scoped(user, queryset)


def _grouped(queryset, paths: dict[str, str], **counts):
    values = {"campaign_id": "campaign_id", "campaign_name": "campaign__name", **paths}
    return queryset.values(*values.values()).annotate(**counts).order_by(), values


def campaign_progress(campaign=None, by: str = "kelurahan", user=None) -> list[dict]:
    """Rows sorted by campaign and group key; `by` is campaign, kecamatan, kelurahan or enumerator.

    With `user`, only what that user may see is counted (tepat.accounts.scope).
    """
    if by not in GROUPS:
        raise ValueError(f"by must be one of {', '.join(GROUPS)}")
    family_paths, visit_paths, request_paths = GROUPS[by]
    families, visits, requests = CampaignFamily.objects.all(), Visit.objects.all(), ChangeRequest.objects.all()
    if campaign is not None:
        families, visits, requests = (
            families.filter(campaign=campaign),
            visits.filter(campaign=campaign),
            requests.filter(campaign=campaign),
        )
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    _merge(
        rows,
        *_grouped(
            _scoped(user, families),
            family_paths,
            families=Count("id"),
            assigned=Count("id", filter=Q(enumerator__isnull=False)),
        ),
    )
    _merge(
        rows,
        *_grouped(
            _scoped(user, visits),
            visit_paths,
            visited=Count("family", distinct=True),
            usulan_baru=Count("id", filter=Q(family__isnull=True)),
            tidak_memenuhi=Count("family", distinct=True, filter=Q(memenuhi_kriteria=False, family__isnull=False)),
            **{k.value: Count("family", distinct=True, filter=Q(keberadaan=k)) for k in OUTCOMES},
        ),
    )
    _merge(
        rows,
        *_grouped(
            _scoped(user, requests), request_paths, **{s.value: Count("id", filter=Q(status=s)) for s in RequestStatus}
        ),
    )
    return [rows[key] for key in sorted(rows, key=lambda k: tuple("" if v is None else str(v) for v in k))]


def _merge(rows: dict, queryset, values: dict[str, str]) -> None:
    for found in queryset:
        named = {name: found[path] for name, path in values.items()}
        key = (named["campaign_id"], named.get("key"))
        row = rows[key]
        row.update(
            {
                "campaign_id": named["campaign_id"],
                "campaign": named["campaign_name"],
                "key": named.get("key") or "",
                "label": named.get("label") or "",
            }
        )
        for name in COUNTS:
            if name in found:
                row[name] += found[name]


def totals(rows: list[dict]) -> dict:
    return {name: sum(row[name] for row in rows) for name in COUNTS}


def progress_frame(rows: list[dict]) -> pl.DataFrame:
    """The rows as a frame with Indonesian column names, for xlsx/csv downloads."""
    columns = ["campaign", "key", "label", *COUNTS]
    frame = pl.DataFrame(
        [{c: row.get(c) for c in columns} for row in rows],
        schema={c: (pl.String if c in ("campaign", "key", "label") else pl.Int64) for c in columns},
    )
    return frame.rename(LABELS)


__all__ = ["campaign_progress", "progress_frame", "totals", "COUNTS", "OUTCOMES"]
