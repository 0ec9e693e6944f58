"""Compare incoming records with what the registry holds, vectorised. No database access here."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from collections.abc import Iterable, Sequence

import polars as pl

# inactive_reason of a record whose creating import was reverted: the next import that has it again
# brings it back (an ordinary deactivation, with a person's reason, is never undone by an import).
REVERTED_REASON = "impor pembuatnya dibatalkan / its import was reverted"


@dataclass
class Diff:
    new: pl.DataFrame  # incoming rows with no record yet
    changed: pl.DataFrame  # incoming rows + `id` + `_changes` (JSON {field: [before, after]})
    unchanged: int
    revived_ids: list[int] = field(default_factory=list)  # records of a reverted import that this export has again


@dataclass(frozen=True)
class MissingGuard:
    """How many of the registry's active families inside the file's coverage this import would flag missing."""

    families_in_file: int
    kelurahan: int
    registry_active: int  # active, not yet missing, families of the source in the coverage
    missing: int
    threshold: float

    def share(self) -> float:
        return self.missing / self.registry_active if self.registry_active else 0.0

    def trips(self) -> bool:
        """More than the threshold share would be flagged: keep nothing unless confirmed."""
        return self.share() > self.threshold

    def as_dict(self) -> dict:
        return {
            "families_in_file": self.families_in_file,
            "kelurahan": self.kelurahan,
            "registry_active": self.registry_active,
            "missing": self.missing,
            "share": round(self.share(), 4),
            "threshold": self.threshold,
        }


def missing_guard(
    existing: pl.DataFrame, coverage: frozenset[int], missing: int, families_in_file: int, threshold: float
) -> MissingGuard:
    """existing: the source's families (id, kelurahan_id, is_active, missing_since_id). Cost: one filter."""
    inside = existing.filter(
        pl.col("is_active") & pl.col("missing_since_id").is_null() & pl.col("kelurahan_id").is_in(list(coverage))
    )
    return MissingGuard(families_in_file, len(coverage), inside.height, missing, threshold)


def as_text(frame: pl.DataFrame, fields: Sequence[str]) -> list[pl.Expr]:
    return [pl.col(f).cast(pl.String).fill_null("").alias(f) for f in fields]


def compare(incoming: pl.DataFrame, existing: pl.DataFrame, fields: Sequence[str]) -> Diff:
    """incoming: source_key + fields; existing: id, source_key, fields, is_active, inactive_reason, missing_since_id.

    `existing` may hold only the records whose keys are incoming (a chunk's): the records an export lacks are
    found by `absent`, over the whole file. Cost: a few joins and one pass per field.
    """
    left = incoming.with_columns(as_text(incoming, fields))
    right = existing.with_columns(as_text(existing, fields))
    joined = left.join(right, on="source_key", how="inner", suffix="__old")
    differs = [pl.col(f) != pl.col(f"{f}__old") for f in fields]
    reappeared = pl.col("missing_since_id").is_not_null() | _revived()
    changed = joined.filter(pl.any_horizontal(differs) | reappeared if differs else reappeared)
    new = incoming.join(existing.select("source_key"), on="source_key", how="anti")
    changed_incoming = incoming.join(changed.select("source_key", "id"), on="source_key", how="inner")
    return Diff(
        new=new,
        changed=changed_incoming.join(_change_json(changed, fields), on="id", how="left"),
        unchanged=joined.height - changed.height,
        revived_ids=changed.filter(_revived())["id"].to_list(),
    )


def _revived() -> pl.Expr:
    return ~pl.col("is_active") & (pl.col("inactive_reason") == REVERTED_REASON)


def absent(incoming: pl.DataFrame, existing: pl.DataFrame, covered: Sequence[str], held: Iterable[str]) -> list[int]:
    """Ids of the active records the export lacks, among those it speaks for.

    incoming: every source_key of the file and the `covered` fields, whose value combinations in this export
    select the records it speaks for (e.g. kelurahan and desil: P3KE comes one file per desil); existing: the
    source's records (id, source_key, covered, is_active, missing_since_id). Keys in `held` (rows rejected by the
    checks) are never called missing. Cost: two joins.
    """
    if not covered:
        return []
    keys = incoming.select("source_key")
    present = pl.concat([keys, pl.DataFrame({"source_key": list(held)}, schema={"source_key": pl.String})])
    missing = existing.filter(pl.col("is_active") & pl.col("missing_since_id").is_null()).join(
        present, on="source_key", how="anti"
    )
    combos = incoming.select(as_text(incoming, covered)).unique()
    return missing.with_columns(as_text(missing, covered)).join(combos, on=list(covered), how="semi")["id"].to_list()


def _change_json(changed: pl.DataFrame, fields: Sequence[str]) -> pl.DataFrame:
    """{field: [before, after]} for the fields that differ, per changed record (few rows: a loop is fine)."""
    rows = changed.select(
        ["id", "missing_since_id", "is_active", "inactive_reason", *fields, *[f"{f}__old" for f in fields]]
    ).iter_rows(named=True)
    out = []
    for row in rows:
        delta = {f: [row[f"{f}__old"], row[f]] for f in fields if row[f] != row[f"{f}__old"]}
        if row["missing_since_id"] is not None:
            delta["ada_di_ekspor"] = [False, True]
        if not row["is_active"] and row["inactive_reason"] == REVERTED_REASON:
            delta.update(is_active=[False, True], inactive_reason=[REVERTED_REASON, ""])
        out.append((row["id"], json.dumps(delta, ensure_ascii=False)))
    return pl.DataFrame(out, schema={"id": pl.Int64, "_changes": pl.String}, orient="row")
