"""Linkage benchmark: P3KE and a noisy DTSEN of the same synthetic city, splink vs exact NIK.

    .venv/bin/python bench/linkage.py [--persons 250000 1000000] [--noise 0.1] [--threads 2]

For each size (persons per source, rounded to whole families): the two person frames come from
`tepat.demo.generate.linkage_frames` (identity noise: NIK typos and transpositions, missing NIK,
name variants, day/month swaps, year +-1, families with a new No KK), then in this process:
- the floor: exact-NIK matching (one polars hash join), its time and its precision/recall;
- `tepat.engine.linkage.link_persons`: EM training on the data itself, then scoring; time per
  stage, blocked candidate pairs (sum over rules) and pairs scored per second;
- precision and recall of the cross-source links at the review threshold (lower) and the auto-link
  threshold (upper), and the recall on the true pairs whose NIK differs;
- peak memory: ru_maxrss of the process (Python + DuckDB).
Targets: <= 5 minutes and <= 8 GB at 1M persons per source; precision >= 0.98, recall >= 0.95.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from tepat.demo.generate import linkage_frames
from tepat.engine.linkage.evaluate import cross_source_accuracy, exact_nik_pairs
from tepat.engine.linkage.model import link_persons
from tepat.engine.linkage.prepare import model_spec

PERSONS_PER_FAMILY = 3.93  # the generator's mean family size


def run(persons: int, noise: float, threads: int) -> dict:
    started = time.perf_counter()
    p3ke, dtsen = linkage_frames(max(1, round(persons / PERSONS_PER_FAMILY)), seed=11, identity_noise=noise)
    both = pl.concat([p3ke, dtsen])
    generated = time.perf_counter() - started
    t0 = time.perf_counter()
    floor = exact_nik_pairs(both)
    floor_seconds = time.perf_counter() - t0
    floor_pairs = floor.with_columns(pl.lit("cross_source").alias("kind"), pl.lit(1.0).alias("probability"))
    result = link_persons(both, threads=threads)
    thresholds = model_spec()["thresholds"]
    out = {
        "persons_per_source": p3ke.height,
        "generate_seconds": round(generated, 1),
        "exact_nik": {"seconds": round(floor_seconds, 2), **cross_source_accuracy(floor_pairs, both)},
        "splink": result.stats,
        "accuracy_lower": {
            "threshold": thresholds["lower"],
            **cross_source_accuracy(result.pairs, both, thresholds["lower"]),
        },
        "accuracy_upper": {
            "threshold": thresholds["upper"],
            **cross_source_accuracy(result.pairs, both, thresholds["upper"]),
        },
        "ratio_to_floor": round(result.stats["seconds"]["total"] / max(floor_seconds, 1e-9)),
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    for persons in args.persons:
        print(json.dumps(run(persons, args.noise, args.threads), indent=1), flush=True)


if __name__ == "__main__":
    main()
