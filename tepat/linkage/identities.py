"""Identities: the connected groups of confirmed person links (cross-source and duplicates).

Each member of a group points at the group's smallest member id; members in no link have no row
(their identity is themselves). Recomputed from the linked pairs after every change that links or
unlinks; a cross-source link changes no source record.
"""
from __future__ import annotations

from django.db import transaction

from tepat.linkage.models import IdentityMember, Pair, PairKind, PairStatus

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
    edges = list(Pair.objects.filter(status=PairStatus.LINKED, kind__in=PERSON_KINDS, left_member__isnull=False,
                                     right_member__isnull=False).values_list("left_member_id", "right_member_id"))
    groups = components(edges)
    IdentityMember.objects.all().delete()
    IdentityMember.objects.bulk_create([IdentityMember(member_id=m, identity=i) for m, i in groups.items()], batch_size=5000)
    return len(groups)


def identity_of(member_ids: list[int]) -> dict[int, int]:
    """member -> identity for the given members (a member in no link is its own identity)."""
    found = dict(IdentityMember.objects.filter(member_id__in=member_ids).values_list("member_id", "identity"))
    return {m: found.get(m, m) for m in member_ids}
