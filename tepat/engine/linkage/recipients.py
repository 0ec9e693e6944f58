"""Candidates for realisasi rows that matched no single registry family: each row (name, birth date,
kelurahan) scored against the registry's persons with a trained model. No Django.

The row's NIK is not compared (it already failed the exact lookup: unknown or in several families);
the reviewer sees it side by side. Cost: blocking on birth date within a kelurahan, on name and birth
date, and on name within a kelurahan and birth year (data/model.json `realisasi_blocking`): a few
candidates per row; registering the registry's persons in DuckDB is linear.
"""

from __future__ import annotations

import polars as pl

from tepat.engine.linkage.model import PAIR_SCHEMA, _connection, _linker, _pairs
from tepat.engine.linkage.prepare import model_spec, prepare


def link_recipients(
    recipients: pl.DataFrame, persons: pl.DataFrame, *, model: dict, threads: int = 2, keep: float | None = None
) -> pl.DataFrame:
    """Pairs (PAIR_SCHEMA, kind "realisasi") of a recipient row (left, `left_id` = its record_id)
    and a registry person (right). recipients: PERSON_SCHEMA rows; their record_ids must not collide
    with the persons' (the caller negates them). model: trained splink settings (no training here)."""
    if recipients.is_empty() or persons.is_empty() or not model:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    from splink import DuckDBAPI

    spec = model_spec()
    rows = prepare(recipients.with_columns(pl.lit(None, pl.String).alias("nik"), pl.lit("realisasi").alias("source")))
    registry = prepare(persons)
    settings = {
        **model,
        "link_type": "link_only",
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in spec["realisasi_blocking"]],
    }
    con = _connection(threads, None)
    db = DuckDBAPI(con)
    tables = [
        db.register(rows.drop("source_dataset").to_arrow(), dataset_display_name="realisasi"),
        db.register(registry.drop("source_dataset").to_arrow(), dataset_display_name="registry"),
    ]
    linker = _linker(tables, settings)
    threshold = spec["thresholds"]["keep"] if keep is None else keep
    scored = linker.inference.predict(threshold_match_probability=threshold)
    names = [c["output_column_name"] for c in spec["comparisons"]]
    pairs = _pairs(pl.from_arrow(scored.as_pyarrow_table()), pl.concat([rows, registry]), names)
    con.close()
    flipped = pairs.filter(pl.col("left_source") != "realisasi")  # keep the recipient on the left
    if flipped.height:
        swap = {
            "left_id": "right_id",
            "right_id": "left_id",
            "left_source": "right_source",
            "right_source": "left_source",
        }
        pairs = pl.concat(
            [pairs.filter(pl.col("left_source") == "realisasi"), flipped.rename(swap).select(pairs.columns)]
        )
    return pairs.with_columns(pl.lit("realisasi").alias("kind"), pl.lit("probabilistic").alias("method"))
