"""Fellegi-Sunter linkage of person records with splink on DuckDB: train by EM on the city's own
data, score the blocked pairs, keep each pair's probability and per-comparison weights. No Django.

Cost: near-linear in persons (blocking rules of data/model.json: exact NIK; birth date within a
kelurahan; normalised name within a kelurahan and sex); memory: DuckDB, bounded by `memory_limit`.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, field

import duckdb
import polars as pl

from tepat.engine.linkage.prepare import model_spec, prepare

PAIR_SCHEMA = {
    "left_id": pl.Int64,
    "right_id": pl.Int64,
    "left_source": pl.String,
    "right_source": pl.String,
    "kind": pl.String,
    "method": pl.String,
    "probability": pl.Float64,
    "match_weight": pl.Float64,
    "weights": pl.String,
}


@dataclass
class LinkResult:
    pairs: pl.DataFrame  # PAIR_SCHEMA, probability >= thresholds["keep"]
    model: dict  # the trained splink settings (JSON-able), stored versioned by the caller
    stats: dict = field(default_factory=dict)  # seconds per stage, candidate pairs, pairs per second


def settings_dict(link_type: str, spec: dict | None = None) -> dict:
    """The splink settings of data/model.json (comparisons and blocking rules as data)."""
    spec = spec or model_spec()
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "comparisons": spec["comparisons"],
        "blocking_rules_to_generate_predictions": [{"blocking_rule": rule} for rule in spec["blocking"]],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
    }


def _connection(threads: int, memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    return con


def _register(prepared: pl.DataFrame, con: duckdb.DuckDBPyConnection) -> list:
    """One registered table per source (splink names the datasets after them)."""
    from splink import DuckDBAPI

    db = DuckDBAPI(con)
    return [
        db.register(part.drop("source_dataset").to_arrow(), dataset_display_name=source)
        for (source,), part in prepared.sort("source_dataset").group_by("source_dataset", maintain_order=True)
    ]


def _linker(tables: list, settings: dict):
    from splink import Linker

    return Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)


def _train(linker, spec: dict) -> None:
    """Prior from deterministic rules, u by random sampling, m by EM on two blockings (each leaves
    the other's comparisons free to be estimated)."""
    training = linker.training
    training.estimate_probability_two_random_records_match(spec["deterministic"], recall=spec["deterministic_recall"])
    training.estimate_u_using_random_sampling(max_pairs=spec["u_max_pairs"], seed=1)
    for rule in spec["training"]:
        training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=spec["em_max_pairs"])


def with_floors(trained: dict, floor: float = 1e-4) -> dict:
    """Levels EM never saw among matches: an ELSE level gets m = `floor` (a disagreement EM never
    saw in a true pair is strong evidence against), an intermediate level m = u (neutral)."""
    trained = json.loads(json.dumps(trained, default=str))
    for comparison in trained["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        for position, level in enumerate(levels):
            if level.get("m_probability") is None:
                last = position == len(levels) - 1
                level["m_probability"] = floor if last else level.get("u_probability") or floor
    return trained


def _weights_json(names: list[str]) -> pl.Expr:
    """{comparison: match weight} per pair as JSON text (splink's mw_ columns, log2 Bayes factors)."""
    parts = [pl.concat_str(pl.lit(f'"{name}":'), pl.col(f"mw_{name}").round(3).cast(pl.String)) for name in names]
    return pl.concat_str(pl.lit("{"), pl.concat_str(parts, separator=","), pl.lit("}"))


def _pairs(predictions: pl.DataFrame, prepared: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    if predictions.height == 0:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    records = prepared.select("unique_id", "nik", "source_dataset")  # dedupe_only output has no source column
    predictions = predictions.drop("source_dataset_l", "source_dataset_r", strict=False)
    predictions = predictions.join(records.rename(lambda c: f"{c}_l"), on="unique_id_l", how="left").join(
        records.rename(lambda c: f"{c}_r"), on="unique_id_r", how="left"
    )
    same = pl.col("source_dataset_l") == pl.col("source_dataset_r")
    return predictions.select(
        pl.col("unique_id_l").alias("left_id"),
        pl.col("unique_id_r").alias("right_id"),
        pl.col("source_dataset_l").alias("left_source"),
        pl.col("source_dataset_r").alias("right_source"),
        pl.when(same).then(pl.lit("duplicate")).otherwise(pl.lit("cross_source")).alias("kind"),
        pl.when(pl.col("nik_l") == pl.col("nik_r"))
        .then(pl.lit("nik"))
        .otherwise(pl.lit("probabilistic"))
        .alias("method"),
        pl.col("match_probability").alias("probability"),
        pl.col("match_weight"),
        _weights_json(names).alias("weights"),
    ).cast(PAIR_SCHEMA)


def link_persons(
    persons: pl.DataFrame,
    *,
    model: dict | None = None,
    threads: int = 2,
    memory_limit: str | None = None,
    keep: float | None = None,
) -> LinkResult:
    """Score every blocked pair of person records (within and across sources).

    persons: PERSON_SCHEMA rows (prepare.py). model: a trained settings dict to reuse (no training);
    None trains a new model on these persons. keep: drop pairs below this probability.
    Guarantee: left_id < right_id within a source; across sources left is the alphabetically first source.
    """
    spec, timings = model_spec(), {}
    started = time.perf_counter()
    prepared = prepare(persons)
    sources = prepared["source_dataset"].n_unique()
    link_type = "link_and_dedupe" if sources > 1 else "dedupe_only"
    settings = {**model, "link_type": link_type} if model else settings_dict(link_type, spec)
    con = _connection(threads, memory_limit)
    tables = _register(prepared, con)
    linker = _linker(tables, settings)
    timings["prepare"] = time.perf_counter() - started
    if model is None:
        _train(linker, spec)
        linker = _linker(tables, with_floors(linker.misc.save_model_to_json()))
    timings["train"] = time.perf_counter() - started - timings["prepare"]
    threshold = spec["thresholds"]["keep"] if keep is None else keep
    scored = linker.inference.predict(threshold_match_probability=threshold)
    names = [c["output_column_name"] for c in spec["comparisons"]]
    pairs = _pairs(pl.from_arrow(scored.as_pyarrow_table()), prepared, names)
    scored.drop_table_from_database_and_remove_from_cache()
    timings["predict"] = time.perf_counter() - started - timings["prepare"] - timings["train"]
    trained = linker.misc.save_model_to_json()
    candidates = candidate_pairs(prepared, spec["blocking"])
    con.close()
    timings["total"] = time.perf_counter() - started
    stats = {
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        "persons": persons.height,
        "candidate_pairs": candidates,
        "pairs_kept": pairs.height,
        "pairs_per_second": round(candidates / max(timings["predict"], 1e-9)),
    }
    return LinkResult(pairs=pairs, model=json.loads(json.dumps(trained, default=str)), stats=stats)


def candidate_pairs(prepared: pl.DataFrame, rules: list[str]) -> int:
    """How many pairs the blocking rules generate (sum over rules, an upper bound of what is scored:
    splink drops a pair already generated by an earlier rule). Cost: one group-by per rule."""
    total = 0
    for rule in rules:
        keys = [part.split("=")[0].strip().removeprefix("l.") for part in rule.split(" AND ")]
        sizes = prepared.drop_nulls(keys).group_by(keys).len()["len"]
        total += int((sizes * (sizes - 1) // 2).sum())
    return total


def prior_weight(model: dict) -> float:
    """log2 of the prior odds that two random records match: the waterfall's first bar."""
    p = model.get("probability_two_random_records_match") or 1e-6
    return math.log2(p / (1 - p))


logging.getLogger("splink").setLevel(logging.ERROR)
