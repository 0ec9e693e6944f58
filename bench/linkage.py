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
- precision and recall of within-source duplicates (persons the noisy DTSEN holds twice under two NIKs);
- realisasi candidates: 1 % of DTSEN persons as rows with only name, birth date and kelurahan.
Targets: <= 5 minutes and <= 8 GB at 1M persons per source; precision >= 0.98, recall >= 0.95.

Through Django (`--django 50000`): P3KE and noisy DTSEN exports of ~50,000 persons each are generated
and imported with `tepat import` into a fresh TEPAT_HOME (and, with TEPAT_DATABASE_URL, that
PostgreSQL database dropped and created again), then two child processes on the imported registry:
`do_run_linkage` (read the registry, train, score, store the pairs and decisions, identities) and the
engine alone on the same persons (read + `link_persons`); time and peak memory of each and the ratio.

    .venv/bin/python bench/linkage.py --django 50000
    TEPAT_DATABASE_URL='postgresql://postgres@/tepat_linkage?host=/tmp/tepat-pg&port=54329' \
        .venv/bin/python bench/linkage.py --django 50000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from tepat.demo.generate import linkage_frames
from tepat.engine.linkage.evaluate import (
    cross_source_accuracy,
    duplicate_accuracy,
    exact_nik_pairs,
    recipient_accuracy,
)
from tepat.engine.linkage.recipients import link_recipients
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
        "duplicates_lower": duplicate_accuracy(result.pairs, both, thresholds["lower"]),
        "duplicates_upper": duplicate_accuracy(result.pairs, both, thresholds["upper"]),
        "realisasi_candidates": realisasi_candidates(dtsen, p3ke, result.model, threads, thresholds["lower"]),
        "ratio_to_floor": round(result.stats["seconds"]["total"] / max(floor_seconds, 1e-9)),
        "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
    }
    return out


ROOT = Path(__file__).resolve().parents[1]
# In a child process on the imported registry: the Django action, or the engine alone on the same persons.
STAGE = """
import json, resource, sys, time
from tepat.bootstrap import setup
setup()
stage, threads = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
if stage == "action":
    from tepat.linkage.actions import do_run_linkage
    report = do_run_linkage(acting_user=None, threads=threads).as_dict()
    out = {"pairs": report["pairs"], "auto_linked": report["auto_linked"], "engine": report["stats"]["seconds"]}
else:
    from tepat.engine.linkage import link_persons
    from tepat.linkage.frames import person_frame
    persons = person_frame()
    result = link_persons(persons, threads=threads)
    out = {"persons": persons.height, "pairs_scored": result.pairs.height, "engine": result.stats["seconds"]}
out["seconds"] = round(time.perf_counter() - start, 2)
out["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)
print(json.dumps(out))
"""


def _tepat(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "tepat", *args], check=True, cwd=ROOT, env=env, capture_output=True)


def _fresh_database(env: dict) -> None:
    """bench/import.py's: the PostgreSQL database of TEPAT_DATABASE_URL dropped and created again."""
    spec = importlib.util.spec_from_file_location("bench_import", ROOT / "bench" / "import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.fresh_database(env)


def imported_registry(persons: int, noise: float, home: Path) -> dict:
    """A fresh TEPAT_HOME (and database) holding P3KE and noisy DTSEN exports of one city, imported."""
    env = {**os.environ, "TEPAT_HOME": str(home)}
    _fresh_database(env)
    _tepat(env, "migrate")
    families = str(max(1, round(persons / PERSONS_PER_FAMILY)))
    for fmt in ("p3ke-individu", "dtsen-keluarga", "dtsen-anggota"):
        path = home / f"{fmt}.csv"
        noisy = ["--identity-noise", str(noise)] if fmt.startswith("dtsen") else []
        _tepat(env, "generate", "--families", families, "--format", fmt, "--out", str(path), "--seed", "11", *noisy)
        _tepat(env, "import", str(path))
    return env


def through_django(persons: int, noise: float, threads: int, home: Path) -> dict:
    """`do_run_linkage` on an imported registry vs the engine alone on the same persons."""
    started = time.perf_counter()
    env = imported_registry(persons, noise, home)
    prepared = time.perf_counter() - started
    stages = {}
    for stage in ("engine", "action"):
        done = subprocess.run(
            [sys.executable, "-c", STAGE, stage, str(threads)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(done.stdout + done.stderr)
        stages[stage] = json.loads(done.stdout.strip().splitlines()[-1])
    engine, action = stages["engine"], stages["action"]
    return {
        "database": "PostgreSQL" if env.get("TEPAT_DATABASE_URL") else "SQLite",
        "setup_seconds": round(prepared, 1),
        "engine_alone": engine,
        "do_run_linkage": action,
        "time_ratio": round(action["seconds"] / engine["seconds"], 2),
        "memory_ratio": round(action["peak_rss_gb"] / engine["peak_rss_gb"], 2),
    }


def realisasi_candidates(dtsen: pl.DataFrame, p3ke: pl.DataFrame, model: dict, threads: int, lower: float) -> dict:
    """1 % of DTSEN persons (at most 5,000) as realisasi rows without NIK (name, birth date, kelurahan
    only), matched against the P3KE persons with the trained model: precision and recall at `lower`."""
    rows = dtsen.sample(min(5000, max(1, dtsen.height // 100)), seed=3)
    recipients = rows.select("record_id", "nama", "tanggal_lahir", "kelurahan", "truth").with_columns(
        -pl.col("record_id")
    )
    started = time.perf_counter()
    pairs = link_recipients(recipients, p3ke, model=model, threads=threads, keep=lower)
    seconds = round(time.perf_counter() - started, 2)
    return {"seconds": seconds, **recipient_accuracy(pairs, recipients, p3ke, lower)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--django", type=int, metavar="PERSONS", help="benchmark do_run_linkage on an imported registry"
    )
    parser.add_argument("--home", type=Path, help="with --django: the TEPAT_HOME to fill (default: a temporary one)")
    args = parser.parse_args()
    if args.django:
        if args.home:
            args.home.mkdir(parents=True, exist_ok=True)
            print(json.dumps(through_django(args.django, args.noise, args.threads, args.home), indent=1))
            return
        with tempfile.TemporaryDirectory(prefix="tepat-bench-linkage-") as home:
            print(json.dumps(through_django(args.django, args.noise, args.threads, Path(home)), indent=1))
        return
    for persons in args.persons:
        print(json.dumps(run(persons, args.noise, args.threads), indent=1), flush=True)


if __name__ == "__main__":
    main()
