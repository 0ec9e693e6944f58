"""Accuracy of cross-source person links against a known truth, and the exact-NIK floor. No Django."""

from __future__ import annotations

import polars as pl


def exact_nik_pairs(persons: pl.DataFrame) -> pl.DataFrame:
    """The floor: cross-source pairs with the same well-formed NIK (one hash join)."""
    nik = persons.filter(pl.col("nik").str.contains(r"^\d{16}$")).select("record_id", "source", "nik")
    joined = nik.join(nik, on="nik", suffix="_r").filter(pl.col("source") < pl.col("source_r"))
    return joined.select(pl.col("record_id").alias("left_id"), pl.col("record_id_r").alias("right_id"))


def cross_source_accuracy(pairs: pl.DataFrame, persons: pl.DataFrame, threshold: float | None = None) -> dict:
    """Precision and recall of cross-source pairs (probability >= threshold) against `persons.truth`
    (the same value = the same human). Also the recall on true pairs whose NIKs differ or are missing.
    Guarantee: every true cross-source pair counts once in the recall's denominator."""
    truth = persons.select("record_id", "source", "truth", "nik")
    if threshold is not None:
        pairs = pairs.filter((pl.col("kind") == "cross_source") & (pl.col("probability") >= threshold))
    found = (
        pairs.select("left_id", "right_id")
        .join(truth.rename(lambda c: c + "_l"), left_on="left_id", right_on="record_id_l")
        .join(truth.rename(lambda c: c + "_r"), left_on="right_id", right_on="record_id_r")
    )
    correct = found.filter(pl.col("truth_l") == pl.col("truth_r"))
    left, right = (truth.filter(pl.col("source") == s) for s in sorted(truth["source"].unique().to_list())[:2])
    true_pairs = left.join(right, on="truth", suffix="_r")
    nik_differs = true_pairs.filter(
        pl.col("nik").is_null() | pl.col("nik_r").is_null() | (pl.col("nik") != pl.col("nik_r"))
    )
    correct_differs = correct.filter(
        pl.col("nik_l").is_null() | pl.col("nik_r").is_null() | (pl.col("nik_l") != pl.col("nik_r"))
    )
    return {
        "predicted": found.height,
        "correct": correct.height,
        "true": true_pairs.height,
        "precision": correct.height / found.height if found.height else 1.0,
        "recall": correct.height / true_pairs.height if true_pairs.height else 1.0,
        "true_nik_differs": nik_differs.height,
        "recall_nik_differs": correct_differs.height / nik_differs.height if nik_differs.height else 1.0,
    }


def duplicate_accuracy(pairs: pl.DataFrame, persons: pl.DataFrame, threshold: float) -> dict:
    """Precision and recall of within-source duplicate pairs (kind "duplicate", probability >=
    threshold) against `persons.truth`: two records of one source with the same truth are one human
    registered twice. Guarantee: each true pair counts once (left record id < right)."""
    truth = persons.select("record_id", "source", "truth")
    found = (
        pairs.filter((pl.col("kind") == "duplicate") & (pl.col("probability") >= threshold))
        .select("left_id", "right_id")
        .join(truth.rename(lambda c: c + "_l"), left_on="left_id", right_on="record_id_l")
        .join(truth.rename(lambda c: c + "_r"), left_on="right_id", right_on="record_id_r")
    )
    correct = found.filter(pl.col("truth_l") == pl.col("truth_r")).height
    true_pairs = (
        truth.join(truth, on=["source", "truth"], suffix="_r")
        .filter(pl.col("record_id") < pl.col("record_id_r"))
        .height
    )
    return {
        "predicted": found.height,
        "correct": correct,
        "true": true_pairs,
        "precision": correct / found.height if found.height else 1.0,
        "recall": correct / true_pairs if true_pairs else 1.0,
    }


def recipient_accuracy(pairs: pl.DataFrame, recipients: pl.DataFrame, persons: pl.DataFrame, threshold: float) -> dict:
    """Realisasi candidates (tepat.engine.linkage.recipients) against truth: precision of the pairs at
    or above `threshold`, and recall = share of recipients with their true person among them."""
    found = (
        pairs.filter(pl.col("probability") >= threshold)
        .select("left_id", "right_id")
        .join(recipients.select(pl.col("record_id").alias("left_id"), pl.col("truth").alias("t_l")), on="left_id")
        .join(persons.select(pl.col("record_id").alias("right_id"), pl.col("truth").alias("t_r")), on="right_id")
    )
    correct = found.filter(pl.col("t_l") == pl.col("t_r"))
    return {
        "recipients": recipients.height,
        "predicted": found.height,
        "correct": correct.height,
        "precision": correct.height / found.height if found.height else 1.0,
        "recall": correct["left_id"].n_unique() / recipients.height if recipients.height else 1.0,
    }
