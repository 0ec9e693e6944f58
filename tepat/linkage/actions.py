"""Every change to pairs and identities goes through these functions: transactional, with history.

- `do_run_linkage`: train a model on the registry, store it (versioned) and fill the queue: exact-NIK
  pairs at or above the upper threshold are linked automatically (recorded, reversible), the rest at
  or above the lower threshold wait for review.
- `do_decide_pair`: same / different / not sure, with a reason. A confirmed duplicate within a source
  deactivates one member through the registry's writer; a cross-source link changes no source record.
- `do_undo_pair`: back to pending; a deactivated duplicate is reactivated (history kept).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from datetime import UTC

import polars as pl
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from tepat.accounts.actor import actor_user
from tepat.engine.linkage import family_pairs, link_persons, model_spec
from tepat.engine.linkage.recipients import link_recipients
from tepat.linkage.frames import person_frame, recipient_frame
from tepat.linkage.identities import refresh_identities, refresh_identities_of
from tepat.linkage.models import DECISION_STATUS, Decision, LinkageModel, Pair, PairDecision, PairKind, PairStatus
from tepat.programs.models import HeldRecipient
from tepat.programs.realisasi import resolve_held, unwrite_held, write_held
from tepat.registry.actions import do_deactivate_member, do_reactivate_member
from tepat.registry.bulk import insert_frame, update_rows
from tepat.registry.models import Member, VersionPart
from tepat.registry.version import bump


@dataclass
class RunReport:
    model_version: int
    persons: int
    pairs: dict = field(default_factory=dict)  # kind -> pairs stored (new or updated)
    auto_linked: int = 0
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)
    realisasi_resolved: int = 0  # held realisasi rows written as interventions by this run

    def as_dict(self) -> dict:
        return {
            "model_version": self.model_version,
            "persons": self.persons,
            "pairs": self.pairs,
            "auto_linked": self.auto_linked,
            "realisasi_resolved": self.realisasi_resolved,
            "seconds": round(self.seconds, 2),
            "stats": self.stats,
        }


def _person_rows(pairs: pl.DataFrame, persons: pl.DataFrame, lower: float, upper: float) -> pl.DataFrame:
    fam = persons.select("record_id", "family_id")
    kept = pairs.filter(pl.col("probability") >= lower)
    kept = kept.join(fam.rename({"record_id": "left_id", "family_id": "left_family"}), on="left_id").join(
        fam.rename({"record_id": "right_id", "family_id": "right_family"}), on="right_id"
    )
    auto = (pl.col("method") == "nik") & (pl.col("probability") >= upper)
    return kept.with_columns(
        auto.alias("auto"),
        pl.concat_str(pl.col("kind"), pl.col("left_id"), pl.col("right_id"), separator=":").alias("key"),
    )


def _family_rows(pairs: pl.DataFrame, persons: pl.DataFrame, lower: float, upper: float) -> pl.DataFrame:
    families = family_pairs(pairs, persons, lower)
    return families.with_columns(
        pl.lit(PairKind.FAMILY).alias("kind"),
        pl.when(pl.col("all_by_nik")).then(pl.lit("nik")).otherwise(pl.lit("probabilistic")).alias("method"),
        pl.lit(None, pl.Int64).alias("left_id"),
        pl.lit(None, pl.Int64).alias("right_id"),
        pl.lit(0.0).alias("match_weight"),
        pl.concat_str(pl.lit('{"linked_members":'), pl.col("linked_members").cast(pl.String), pl.lit("}")).alias(
            "weights"
        ),
        (pl.col("all_by_nik") & (pl.col("probability") >= upper)).alias("auto"),
        pl.concat_str(pl.lit(PairKind.FAMILY), pl.col("left_family"), pl.col("right_family"), separator=":").alias(
            "key"
        ),
    )


def _realisasi_rows(model: dict, persons: pl.DataFrame, lower: float, threads: int) -> pl.DataFrame:
    """Candidates (registry persons) for the held realisasi rows: left is the row, right the person."""
    pairs = link_recipients(recipient_frame(), persons, model=model, threads=threads, keep=lower)
    fam = persons.select(pl.col("record_id").alias("right_id"), pl.col("family_id").alias("right_family"))
    return (
        pairs.filter(pl.col("probability") >= lower)
        .join(fam, on="right_id")
        .with_columns(
            (-pl.col("left_id")).alias("recipient"),
            pl.lit(None, pl.Int64).alias("left_id"),
            pl.lit(None, pl.Int64).alias("left_family"),
            pl.lit(False).alias("auto"),
            pl.concat_str(pl.col("kind"), -pl.col("left_id"), pl.col("right_id"), separator=":").alias("key"),
        )
    )


COLUMNS = [
    "key",
    "kind",
    "method",
    "probability",
    "match_weight",
    "weights",
    "auto",
    "left_id",
    "right_id",
    "left_family",
    "right_family",
    "recipient",
]


AUTO_REASON = "NIK sama, peluang di atas ambang atas / same NIK above the upper threshold"


def _now_column() -> datetime:
    """`timezone.now()` as the bulk writer stores it: naive UTC (SQLite text, PostgreSQL in UTC)."""
    return timezone.now().astimezone(UTC).replace(tzinfo=None)


def _store(rows: pl.DataFrame, model: LinkageModel, acting_user) -> tuple[dict, int]:
    """New pairs inserted (auto-linked ones with their AUTO decision); known pairs keep their status
    and get the new scores. Cost: one read of every stored key (no IN list: a city has ~1M pairs),
    COPY (PostgreSQL) / executemany (SQLite) of the new pairs through tepat.registry.bulk, one
    UPDATE per known pair, one INSERT ... SELECT of the auto decisions."""
    known = pl.DataFrame(
        list(Pair.objects.values_list("key", "id")), schema={"key": pl.String, "id": pl.Int64}, orient="row"
    )
    counts = dict(rows.group_by("kind").len().iter_rows())
    rows = rows.join(known, on="key", how="left")
    changed = rows.filter(pl.col("id").is_not_null())
    update_rows(
        Pair._meta.db_table,
        ["method", "probability", "match_weight", "weights", "model_id"],
        changed.select("method", "probability", "match_weight", "weights", pl.lit(model.pk), "id").iter_rows(),
    )
    fresh = rows.filter(pl.col("id").is_null())
    stamp = _now_column()
    insert_frame(Pair._meta.db_table, _pair_table(fresh, model, stamp))
    return counts, _auto_decisions(model, stamp, acting_user)


def _pair_table(fresh: pl.DataFrame, model: LinkageModel, stamp: datetime) -> pl.DataFrame:
    """New pairs as rows of the Pair table (its column names)."""
    status = pl.when(pl.col("auto")).then(pl.lit(PairStatus.LINKED)).otherwise(pl.lit(PairStatus.PENDING))
    return fresh.select(
        "key",
        "kind",
        "method",
        "probability",
        "match_weight",
        "weights",
        status.alias("status"),
        "auto",
        pl.col("left_id").alias("left_member_id"),
        pl.col("right_id").alias("right_member_id"),
        pl.col("left_family").alias("left_family_id"),
        pl.col("right_family").alias("right_family_id"),
        pl.col("recipient").alias("recipient_id"),
        pl.lit(model.pk).alias("model_id"),
        pl.lit(stamp).alias("created_at"),
        pl.lit("").alias("reason"),
    )


def _auto_decisions(model: LinkageModel, stamp: datetime, acting_user) -> int:
    """An AUTO history row for every auto-linked pair this run inserted (created at `stamp`). One scan
    (no anti-join: right after a COPY the planner's statistics are empty and a join would crawl)."""
    quote = connection.ops.quote_name
    decisions, pairs = quote(PairDecision._meta.db_table), quote(Pair._meta.db_table)
    columns = ", ".join(quote(c) for c in ("pair_id", "decision", "before", "after", "reason", "user_id", "at"))
    sql = (
        f"INSERT INTO {decisions} ({columns}) SELECT p.id, %s, %s, %s, %s, %s, %s FROM {pairs} p "
        "WHERE p.model_id = %s AND p.created_at = %s AND p.auto"
    )
    user = actor_user(acting_user)
    values = [Decision.AUTO, PairStatus.PENDING, PairStatus.LINKED, AUTO_REASON, user.pk if user else None]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, stamp, model.pk, stamp])
        return cursor.rowcount


def do_run_linkage(*, acting_user, threads: int = 2, model: dict | None = None) -> RunReport:
    """Score the registry and fill the queue. Cost: the engine's (near-linear), then bulk writes.
    model: a trained model to reuse (e.g. `LinkageModel.settings` of an earlier run): no EM training."""
    started = time.perf_counter()
    persons = person_frame()
    spec = model_spec()
    lower, upper = spec["thresholds"]["lower"], spec["thresholds"]["upper"]
    result = link_persons(persons, threads=threads, model=model) if persons.height > 1 else None
    with transaction.atomic():
        version = (LinkageModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        model = LinkageModel.objects.create(
            version=version,
            settings=result.model if result else {},
            stats=result.stats if result else {},
            created_by=actor_user(acting_user),
        )
        counts, auto = {}, 0
        if result is not None and result.pairs.height:
            rows = pl.concat(
                [
                    _person_rows(result.pairs, persons, lower, upper)
                    .with_columns(recipient=pl.lit(None, pl.Int64))
                    .select(COLUMNS),
                    _family_rows(result.pairs, persons, lower, upper)
                    .with_columns(recipient=pl.lit(None, pl.Int64))
                    .select(COLUMNS),
                ],
                how="vertical_relaxed",
            )
            counts, auto = _store(rows, model, acting_user)
        refresh_identities()
        bump(VersionPart.INTERVENTIONS)  # linked identities are counted once by the convergence measures
        resolved = resolve_held(acting_user=acting_user)  # ambiguous rows that auto-links made one identity
        if result is not None:
            rows = _realisasi_rows(result.model, persons, lower, threads)
            if rows.height:
                counts[PairKind.REALISASI] = _store(rows.select(COLUMNS), model, acting_user)[0].get("realisasi", 0)
    return RunReport(
        model_version=version,
        persons=persons.height,
        pairs=counts,
        auto_linked=auto,
        seconds=time.perf_counter() - started,
        stats=result.stats if result else {},
        realisasi_resolved=resolved,
    )


def _duplicate_to_deactivate(pair: Pair, keep: int | None) -> Member:
    """The member a confirmed duplicate deactivates: the one not kept (default: the right, newer id)."""
    if keep not in (None, pair.left_member_id, pair.right_member_id):
        raise ValueError("keep must be one of the pair's two members")
    return pair.left_member if keep == pair.right_member_id else pair.right_member


@transaction.atomic
def do_decide_pair(pair: Pair, decision: str, *, acting_user, reason: str, keep: int | None = None) -> PairDecision:
    """Record a reviewer's decision (same / different / unsure) with its reason; history row returned.

    Guarantee: a confirmed duplicate within a source deactivates exactly one of its two members
    through tepat.registry.actions (reversible with do_undo_pair); nothing else in the registry changes.
    """
    if decision not in (Decision.SAME, Decision.DIFFERENT, Decision.UNSURE):
        raise ValueError(f"unknown decision {decision!r}")
    if not reason.strip():
        raise ValueError("a reason is required")
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    change = None
    if decision == Decision.SAME and pair.kind == PairKind.DUPLICATE and pair.deactivated_id is None:
        member = _duplicate_to_deactivate(pair, keep)
        other = pair.left_member_id if member.pk == pair.right_member_id else pair.right_member_id
        change = do_deactivate_member(
            member,
            acting_user=acting_user,
            reason=f"Ganda dengan anggota #{other} (pasangan #{pair.pk}): {reason}"[:255],
        )
        pair.deactivated = member
    return _record(pair, decision, acting_user, reason, change)


@transaction.atomic
def do_undo_pair(pair: Pair, *, acting_user, reason: str) -> PairDecision:
    """Reverse a decision or an automatic link: back to pending; a deactivated duplicate is active again."""
    if not reason.strip():
        raise ValueError("a reason is required")
    pair = Pair.objects.select_for_update().get(pk=pair.pk)
    change = None
    if pair.deactivated_id:
        change = do_reactivate_member(
            pair.deactivated,
            acting_user=acting_user,
            reason=f"Keputusan ganda dibatalkan (pasangan #{pair.pk}): {reason}"[:255],
        )
        pair.deactivated = None
    pair.auto = False
    return _record(pair, Decision.UNDO, acting_user, reason, change)


def _record(pair: Pair, decision: str, acting_user, reason: str, change) -> PairDecision:
    before, after = pair.status, DECISION_STATUS[decision]
    pair.status, pair.reason = after, reason[:255]
    pair.decided_at, pair.decided_by = timezone.now(), actor_user(acting_user)
    pair.save()
    history = PairDecision.objects.create(
        pair=pair,
        decision=decision,
        before=before,
        after=after,
        reason=reason[:255],
        user=actor_user(acting_user),
        change=change,
    )
    if PairStatus.LINKED in (before, after):
        bump(VersionPart.INTERVENTIONS)  # the counts of served families change: caches keyed on it refresh
        if pair.left_member_id and pair.right_member_id:
            refresh_identities_of([pair.left_member_id, pair.right_member_id])
    _downstream(pair, before, after, acting_user)
    return history


def _downstream(pair: Pair, before: str, after: str, acting_user) -> None:
    """A confirmed realisasi pair writes its held row as an Intervention for the person's family (undo
    cancels it); any other confirmed link resolves the held rows it made unambiguous."""
    if pair.kind == PairKind.REALISASI and pair.recipient_id:
        held = HeldRecipient.objects.select_for_update().get(pk=pair.recipient_id)
        if after == PairStatus.LINKED:
            if held.intervention_id:
                raise ValueError("this realisasi row is already resolved by another pair")
            write_held(held, family_id=pair.right_family_id, member_id=pair.right_member_id, acting_user=acting_user)
        elif before == PairStatus.LINKED and held.intervention_id:
            unwrite_held(held)
    elif after == PairStatus.LINKED:
        resolve_held(acting_user=acting_user)


GANDA_KINDS = (PairKind.DUPLICATE, PairKind.CROSS_SOURCE, PairKind.FAMILY)


def ganda_families(pairs):
    """The registry families of these pairs' both records (realisasi pairs have one: their right)."""
    from tepat.registry.models import Family

    ids = {i for pair in pairs.values_list("left_family_id", "right_family_id") for i in pair if i}
    return Family.objects.filter(pk__in=ids, is_active=True)


def do_create_ganda_campaign(pairs, *, acting_user, period_start, period_end, name: str = ""):
    """A verivali campaign whose families are the families of these (pending) pairs: "ganda" candidates
    for enumerators to visit. pairs: a Pair queryset, already in the user's scope. Goes through
    tepat.verivali.actions.do_create_campaign (transaction, audit). Raises ValueError when no family."""
    from tepat.verivali.actions import do_create_campaign

    pairs = pairs.filter(kind__in=GANDA_KINDS)
    families = ganda_families(pairs)
    kelurahan = sorted(set(families.values_list("kelurahan_id", flat=True)))
    if not kelurahan:
        raise ValueError("no pending pair has a family to visit")
    values = {
        "name": name or f"Verivali ganda {period_start:%d-%m-%Y}",
        "period_start": period_start,
        "period_end": period_end,
        "selection": f"ganda: {pairs.count()} pasangan menunggu tinjauan / pending duplicate pairs",
    }
    return do_create_campaign(values, kelurahan=kelurahan, acting_user=acting_user, families=families)


__all__ = ["RunReport", "do_create_ganda_campaign", "do_decide_pair", "do_run_linkage", "do_undo_pair"]
