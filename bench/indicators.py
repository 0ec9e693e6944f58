"""Registry indicators benchmark: desil and deprivation tables by city, kecamatan and kelurahan, and
Alkire-Foster with its regional decomposition, over a city-sized registry.

    .venv/bin/python bench/indicators.py [--families 1000000] [--repeat 3]

Data: the engine frames of bench/targeting.py (a synthetic P3KE export of `tepat.demo.generate`, read
with the importer's pure functions, cached as parquet in $TEPAT_BENCH_CACHE, default /tmp/tepat-bench;
built in a child process when absent). P3KE files carry no `partisipasi_sekolah`, `status_bekerja` or
`penerima_pbi`; the benchmark fills them with fixed pseudo-random values (hash of the ids) so that the
education, work and health-insurance dimensions are computed rather than all unknown.

What is timed (time.perf_counter, best of --repeat after one warm-up; no Django, no database):
- `family_table`: the one rule evaluation of every deprivation (member group-by included) and the
  per-family people count — what the web caches per registry state;
- `tables`: desil_table and deprivation_table at the three levels;
- `af`: Alkire-Foster with the default parameters (data/registry.json) by kelurahan, and af_frame;
- `suppressed`: the viewer's suppressed desil, deprivation and AF tables by kelurahan;
- total against the target (<= 5 s), and peak memory (ru_maxrss of this process, frames included).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tepat.indicators import registry  # noqa: E402

TODAY = date(2025, 6, 30)
TARGET_SECONDS = 5.0


def load_frames(count: int) -> tuple[pl.DataFrame, pl.DataFrame, float]:
    """The cached parquet frames of bench/targeting.py, built there (child process) when absent."""
    import bench.targeting as targeting  # a namespace package: ROOT is on sys.path (also in its spawned child)

    paths = [targeting.CACHE / f"frames-{count}-{kind}.parquet" for kind in ("families", "members")]
    if all(path.exists() for path in paths):
        start = time.perf_counter()
        return pl.read_parquet(paths[0]), pl.read_parquet(paths[1]), time.perf_counter() - start
    return targeting.load_frames(count)


def with_filled_fields(families: pl.DataFrame, members: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fixed pseudo-random values for the fields P3KE lacks (same values every run)."""
    fam_hash = pl.col("family_id").hash(seed=1) % 100
    families = families.with_columns(pl.when(fam_hash < 35).then(pl.lit("Tidak")).otherwise(pl.lit("Ya")).alias("penerima_pbi"))
    row = pl.int_range(pl.len()).hash(seed=2) % 100
    members = members.with_columns(
        pl.when(row < 8).then(pl.lit("Tidak bersekolah lagi")).otherwise(pl.lit("Masih sekolah")).alias("partisipasi_sekolah"),
        pl.when(row < 45).then(pl.lit("Tidak")).otherwise(pl.lit("Ya")).alias("status_bekerja"),
    )
    return families, members


def best(function, repeat: int):
    function()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    families, members, build_seconds = load_frames(args.families)
    families, members = with_filled_fields(families, members)
    print(f"frames: {families.height:,} families, {members.height:,} members (built/loaded in {build_seconds:.1f} s)")

    seconds_table, table = best(lambda: registry.family_table(families, members, TODAY), args.repeat)
    seconds_tables, _ = best(lambda: [(registry.desil_table(table, level), registry.deprivation_table(table, level)) for level in registry.LEVELS], args.repeat)
    defaults = registry.af_defaults()

    def af():
        result = registry.af(table, defaults["indicators"], defaults["weights"], defaults["k"], "kelurahan")
        return result, registry.af_frame(result)

    seconds_af, (result, _) = best(af, args.repeat)

    def suppressed():
        return (registry.suppress_desil(registry.desil_table(table, "kelurahan")),
                registry.suppress_deprivation(registry.deprivation_table(table, "kelurahan"), list(registry.dimensions())),
                registry.suppress_af(registry.af_frame(result)))

    seconds_suppressed, _ = best(suppressed, args.repeat)
    total = seconds_table + seconds_tables + seconds_af + seconds_suppressed
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
    rates = registry.deprivation_table(table, "kota").row(0, named=True)
    print(f"family_table (every deprivation, one evaluation): {seconds_table:.2f} s")
    print(f"desil + deprivation tables, 3 levels:             {seconds_tables:.2f} s")
    print(f"Alkire-Foster by kelurahan (k={defaults['k']}):          {seconds_af:.2f} s   H={result.overall.h:.4f} A={result.overall.a:.4f} M0={result.overall.m0:.4f}")
    print(f"viewer tables with suppression (kelurahan):       {seconds_suppressed:.2f} s")
    print(f"total: {total:.2f} s (target <= {TARGET_SECONDS:.0f} s: {'met' if total <= TARGET_SECONDS else 'NOT met'}); peak memory {peak:.2f} GB")
    print("city deprivation rates (%): " + ", ".join(f"{k} {rates[f'{k}_persen']}" for k in registry.dimensions()))


if __name__ == "__main__":
    main()
