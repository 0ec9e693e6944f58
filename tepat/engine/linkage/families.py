"""Families across sources, by their members: two families are one when enough of their members are
linked (cross-source person pairs at or above a threshold). No Django."""

from __future__ import annotations

import polars as pl

FAMILY_SCHEMA = {
    "left_family": pl.Int64,
    "right_family": pl.Int64,
    "linked_members": pl.UInt32,
    "share": pl.Float64,
    "probability": pl.Float64,
    "all_by_nik": pl.Boolean,
}


def family_pairs(pairs: pl.DataFrame, persons: pl.DataFrame, threshold: float, min_share: float = 0.5) -> pl.DataFrame:
    """(left_family, right_family) with the number of linked members, their share of the smaller
    family, the mean member probability, and whether every member link is an exact-NIK one.
    Guarantee: only pairs with share >= min_share. Cost: two joins and a group-by over the pairs."""
    fam = persons.select("record_id", "family_id")
    sizes = persons.group_by("family_id").len("size")
    linked = (
        pairs.filter((pl.col("kind") == "cross_source") & (pl.col("probability") >= threshold))
        .join(fam.rename({"record_id": "left_id", "family_id": "left_family"}), on="left_id")
        .join(fam.rename({"record_id": "right_id", "family_id": "right_family"}), on="right_id")
    )
    grouped = linked.group_by("left_family", "right_family").agg(
        pl.len().alias("linked_members"),
        pl.col("probability").mean().alias("probability"),
        (pl.col("method") == "nik").all().alias("all_by_nik"),
    )
    grouped = grouped.join(sizes.rename({"family_id": "left_family", "size": "left_size"}), on="left_family").join(
        sizes.rename({"family_id": "right_family", "size": "right_size"}), on="right_family"
    )
    share = pl.col("linked_members") / pl.min_horizontal("left_size", "right_size")
    return (
        grouped.with_columns(share.alias("share"))
        .filter(pl.col("share") >= min_share)
        .select(list(FAMILY_SCHEMA))
        .cast(FAMILY_SCHEMA)
    )
