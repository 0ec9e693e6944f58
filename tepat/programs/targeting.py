"""Target lists: evaluate a program's current rule on the registry, order by priority, cut by quota or budget.

Priority: families meeting an optional custom rule first, then lower desil, then more deprivations,
then the family id (a stable tie-break). The
deprivation count is the number of deprivation snippets (tepat.engine.rules.SNIPPETS) that hold.
Cost: two vectorised rule evaluations over the registry frames and one bulk insert.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from tepat.engine.rules import evaluate
from tepat.linkage.downstream import once_per_identity
from tepat.programs.frames import WHOLE_REGISTRY, registry_frames, registry_state

DEPRIVATIONS = (
    "lantai_tanah",
    "dinding_tidak_layak",
    "atap_tidak_layak",
    "air_tidak_layak",
    "tanpa_jamban_sendiri",
    "tanpa_listrik_pln",
    "bahan_bakar_kayu",
    "berisiko_stunting",
)


def ranked(rule_text: str, today: date, first: str | None = None) -> tuple[pl.DataFrame, int]:
    """Eligible families in priority order with their reasons and deprivation count; and how many.

    `first`: an optional rule (e.g. `ada_anggota(lansia)`); families meeting it come before the others.
    """
    families, members = registry_frames(WHOLE_REGISTRY)
    result = evaluate(rule_text, families, members, today)
    reasons = [c for c in result.columns if c not in ("family_id", "eligible")]
    eligible = (
        result.filter(pl.col("eligible"))
        .with_columns(
            pl.concat_list([pl.when(pl.col(c)).then(pl.lit(c)).otherwise(None) for c in reasons])
            .list.drop_nulls()
            .alias("reasons")
            if reasons
            else pl.lit([], pl.List(pl.String)).alias("reasons")
        )
        .select("family_id", "reasons")
    )
    depriv = evaluate(" or ".join(DEPRIVATIONS), families, members, today)
    depriv = depriv.select(
        "family_id", pl.sum_horizontal([pl.col(c).cast(pl.Int32) for c in DEPRIVATIONS]).alias("deprivations")
    )
    preferred = (
        evaluate(first, families, members, today).select("family_id", pl.col("eligible").alias("_first"))
        if first
        else families.select("family_id", pl.lit(False).alias("_first"))
    )
    ordered = (
        eligible.join(depriv, on="family_id")
        .join(preferred, on="family_id")
        .join(families.select("family_id", "desil", "kecamatan"), on="family_id")
        .sort(["_first", "desil", "deprivations", "family_id"], descending=[True, False, True, False], nulls_last=True)
        .drop("_first")
    )
    ordered = once_per_identity(ordered)  # a family linked across P3KE and DTSEN counts once (tepat.linkage)
    return ordered, ordered.height


def cut(ordered: pl.DataFrame, quota: int | None, per_kecamatan: bool) -> pl.DataFrame:
    """The first `quota` families, city-wide or within each kecamatan; all of them without a quota."""
    ordered = ordered.with_columns(pl.int_range(1, ordered.height + 1).alias("rank"))
    if quota is None:
        return ordered
    if per_kecamatan:
        return ordered.filter(pl.col("rank").rank("ordinal").over("kecamatan") <= quota)
    return ordered.head(quota)


def snapshot() -> dict:
    """What a frozen list records of the registry it was drawn from: the snapshot its frames come from (version,
    when it was written, its active families and members). Cost: the version query and the snapshot's manifest."""
    state = registry_state()
    return {
        "families": state.families,
        "members": state.members,
        "version": state.name,
        "written_at": state.built_at.isoformat(),
    }
