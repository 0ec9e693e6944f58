"""What confirmed links change downstream, for other apps to call (small, read-only helpers).

- `resolve_linked`: realisasi lookups where a NIK (or No KK) is in several families that are one
  linked identity resolve to one family (the DTSEN one, the newer register) instead of `*_ambiguous`.
- `once_per_identity`: a target list counts a family present in both P3KE and DTSEN (a linked family
  pair) once, keeping the first in priority order.
- `one_family_per_identity`: the convergence measures' inputs with each linked family counted once
  (its records' eligibility and interventions on one family row).
"""

from __future__ import annotations

import polars as pl

from tepat.linkage.identities import components
from tepat.linkage.models import IdentityMember, Pair, PairKind, PairStatus
from tepat.registry.models import Family

SOURCE_PREFERENCE = {"dtsen": 0, "p3ke": 1}  # the newer register first


def family_identities() -> dict[int, int]:
    """family -> smallest family id of its group of linked family pairs (only families in a link).
    One query without an IN list (a target list can hold a whole city's families)."""
    pairs = Pair.objects.filter(kind=PairKind.FAMILY, status=PairStatus.LINKED)
    return components(list(pairs.values_list("left_family_id", "right_family_id")))


def _in_chunks(queryset, field: str, ids: list[int], *values: str) -> list[tuple]:
    """values_list over `field__in=ids` in chunks (SQLite's variable limit)."""
    rows: list[tuple] = []
    for start in range(0, len(ids), 5000):
        rows += queryset.filter(**{f"{field}__in": ids[start : start + 5000]}).values_list(*values)
    return rows


def resolve_linked(found: pl.DataFrame) -> pl.DataFrame:
    """found: key, family_id, member_id (one row per matching record). For each key matching several
    families that are all one identity (their members linked, or the families linked), keep only the
    preferred family's row. Other keys are unchanged. Cost: two small queries on the ambiguous keys."""
    many = found.group_by("key").agg(pl.col("family_id").n_unique().alias("_n")).filter(pl.col("_n") > 1)
    if many.is_empty():
        return found
    rows = found.join(many.select("key"), on="key")
    person = dict(
        _in_chunks(
            IdentityMember.objects,
            "member_id",
            rows["member_id"].drop_nulls().unique().to_list(),
            "member_id",
            "identity",
        )
    )
    family = family_identities()
    sources = dict(_in_chunks(Family.objects, "pk", rows["family_id"].unique().to_list(), "pk", "source"))
    person_id = pl.col("member_id").replace_strict(person, default=None, return_dtype=pl.Int64)
    family_id = pl.col("family_id").replace_strict(family, default=None, return_dtype=pl.Int64)
    identity = (
        pl.when(person_id.is_not_null())
        .then(pl.concat_str(pl.lit("m"), person_id.cast(pl.String)))
        .when(family_id.is_not_null())
        .then(pl.concat_str(pl.lit("f"), family_id.cast(pl.String)))
        .otherwise(pl.concat_str(pl.lit("x"), pl.col("family_id").cast(pl.String)))
    )
    rank = pl.col("family_id").replace_strict(
        {k: SOURCE_PREFERENCE.get(v, 9) for k, v in sources.items()}, default=9, return_dtype=pl.Int64
    )
    rows = rows.with_columns(identity.alias("_identity"), rank.alias("_rank"))
    one = (
        rows.group_by("key").agg(pl.col("_identity").n_unique().alias("_ids")).filter(pl.col("_ids") == 1).select("key")
    )
    chosen = (
        rows.join(one, on="key")
        .sort("_rank", "family_id", descending=[False, True])
        .unique("key", keep="first", maintain_order=True)
    )
    return pl.concat([found.join(one, on="key", how="anti"), chosen.select(found.columns)])


def once_per_identity(ordered: pl.DataFrame) -> pl.DataFrame:
    """Families in priority order, each linked identity kept once (its first). Unlinked families stay."""
    family = family_identities() if ordered.height else {}
    if not family:
        return ordered
    identity = pl.col("family_id").replace_strict(family, default=pl.col("family_id"))
    return (
        ordered.with_columns(identity.alias("_identity"))
        .unique("_identity", keep="first", maintain_order=True)
        .drop("_identity")
    )


def one_family_per_identity(
    registry: pl.DataFrame, eligibility: pl.DataFrame, interventions: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The convergence inputs (tepat.programs.gaps) with the families of one confirmed identity as one
    family: the smallest family id of the group present in `registry` keeps the row; the others' rows
    go, their eligibility (any record eligible / prioritised) and interventions move to it, so a
    person served under both records is served once. Cost: one query, a few joins; unchanged when
    nothing is linked. Guarantee: unlinked families are untouched."""
    family = family_identities() if registry.height else {}
    if not family:
        return registry, eligibility, interventions
    identity = pl.col("family_id").replace_strict(family, default=pl.col("family_id"))
    present = registry.select("family_id").with_columns(identity.alias("_identity"))
    present = present.with_columns(pl.col("family_id").min().over("_identity").alias("_keep"))
    moved = present.filter(pl.col("family_id") != pl.col("_keep"))
    if moved.is_empty():
        return registry, eligibility, interventions
    onto = pl.col("family_id").replace(dict(zip(moved["family_id"], moved["_keep"])))
    registry = registry.filter(~pl.col("family_id").is_in(moved["family_id"].implode()))
    eligibility = (
        eligibility.with_columns(onto)
        .group_by("family_id", "program", maintain_order=True)
        .agg(pl.col(c).any() for c in eligibility.columns if c not in ("family_id", "program"))
        .select(eligibility.columns)
    )
    return registry, eligibility, interventions.with_columns(onto)
