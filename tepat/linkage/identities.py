"""Identities: the connected groups of confirmed person links (cross-source and duplicates).

Each member of a group points at the group's smallest member id; members in no link have no row
(their identity is themselves). Recomputed from the linked pairs after every change that links or
unlinks; a cross-source link changes no source record.
"""

from __future__ import annotations

import polars as pl
from django.db import transaction

from tepat.linkage.models import IdentityMember, Pair, PairKind, PairStatus
from tepat.registry.bulk import insert_frame

PERSON_KINDS = (PairKind.CROSS_SOURCE, PairKind.DUPLICATE, PairKind.REALISASI)


def components(edges: list[tuple[int, int]]) -> dict[int, int]:
    """member -> smallest member of its connected group (union-find). Cost: ~O(edges)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}


@transaction.atomic
def refresh_identities() -> int:
    """Rewrite the identity table from the linked person pairs; returns how many members are grouped."""
    edges = list(
        Pair.objects.filter(
            status=PairStatus.LINKED, kind__in=PERSON_KINDS, left_member__isnull=False, right_member__isnull=False
        ).values_list("left_member_id", "right_member_id")
    )
    groups = components(edges)
    IdentityMember.objects.all().delete()
    frame = pl.DataFrame(
        {"member_id": list(groups), "identity": list(groups.values())},
        schema={"member_id": pl.Int64, "identity": pl.Int64},
    )
    insert_frame(IdentityMember._meta.db_table, frame)  # COPY on PostgreSQL (a city: ~1M rows)
    return len(groups)


def _linked_edges(members: set[int]) -> list[tuple[int, int]]:
    pairs = Pair.objects.filter(
        status=PairStatus.LINKED, kind__in=PERSON_KINDS, left_member__isnull=False, right_member__isnull=False
    )
    touching = pairs.filter(left_member__in=members) | pairs.filter(right_member__in=members)
    return list(touching.values_list("left_member_id", "right_member_id"))


@transaction.atomic
def refresh_identities_of(members: list[int]) -> int:
    """Recompute only the identities around these members (a decision on one pair): their old groups
    and the linked pairs reachable from them. Cost: a few small queries per hop; groups are small."""
    old = IdentityMember.objects.filter(member_id__in=members).values("identity")
    seeds = set(members) | set(IdentityMember.objects.filter(identity__in=old).values_list("member_id", flat=True))
    edges: set[tuple[int, int]] = set()
    frontier = set(seeds)
    while frontier:
        found = set(_linked_edges(frontier)) - edges
        edges |= found
        frontier = {m for edge in found for m in edge} - seeds
        seeds |= frontier
    groups = components(sorted(edges))
    IdentityMember.objects.filter(member_id__in=seeds).delete()
    IdentityMember.objects.bulk_create([IdentityMember(member_id=m, identity=i) for m, i in groups.items()])
    return len(groups)


def identity_of(member_ids: list[int]) -> dict[int, int]:
    """member -> identity for the given members (a member in no link is its own identity)."""
    found = {}
    for start in range(0, len(member_ids), 5000):
        found.update(
            IdentityMember.objects.filter(member_id__in=member_ids[start : start + 5000]).values_list(
                "member_id", "identity"
            )
        )
    return {m: found.get(m, m) for m in member_ids}
