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
- `suppressed`: the public release (tepat.indicators.release): desil, people, deprivation and AF at the
  three levels as one set of linked tables, protected and audited (the LP audit runs twice: inside
  the protection loop and again on the final pattern, as every release does), then the viewer's
  kelurahan frames read from it; and separately an exact audit (min and max of every hidden cell);
- total against the target (<= 5 s), and peak memory (ru_maxrss of this process, frames included).

Second target (issue 12): protecting + auditing the kelurahan release at 1M families <= 10 s. With
31 kelurahan of ~32,000 families no count is small, so `--small-families N` (default 2,000) repeats
the release on a small registry where hundreds of cells are primary, and `--stress-kelurahan N`
(default 300) on a synthetic city of N kelurahan where a third of the counts are 1-4 (the worst
case: thousands of primary cells, every kelurahan small). Floor: building the tables the
release protects (desil, deprivation, AF at three levels); the ratio is release / tables.
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

from tepat.engine.disclosure import audit  # noqa: E402
from tepat.indicators import registry, release  # noqa: E402

TODAY = date(2025, 6, 30)
TARGET_SECONDS = 5.0
RELEASE_TARGET_SECONDS = 10.0


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
    families = families.with_columns(
        pl.when(fam_hash < 35).then(pl.lit("Tidak")).otherwise(pl.lit("Ya")).alias("penerima_pbi")
    )
    row = pl.int_range(pl.len()).hash(seed=2) % 100
    members = members.with_columns(
        pl.when(row < 8)
        .then(pl.lit("Tidak bersekolah lagi"))
        .otherwise(pl.lit("Masih sekolah"))
        .alias("partisipasi_sekolah"),
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


def synthetic_table(kelurahan: int, seed: int = 3) -> pl.DataFrame:
    """A family table (registry.family_table's columns) of `kelurahan` kelurahan in 30-kelurahan kecamatan,
    0-30 families per (kelurahan, desil 1-4 or none), a third of all counts 1-4; fixed pseudo-random flags."""
    import random

    rng, rows = random.Random(seed), []
    for j in range(kelurahan):
        kecamatan = f"12.74.{j // 30:02d}"
        for desil in (1, 2, 3, 4, None):
            for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30])):
                rows.append(
                    {
                        "family_id": len(rows) + 1,
                        "kecamatan": kecamatan,
                        "kelurahan": f"{kecamatan}.{1000 + j % 30}",
                        "desil": desil,
                        "people": rng.randint(1, 6),
                        **{k: (None if rng.random() < 0.1 else rng.random() < 0.3) for k in registry.dimensions()},
                    }
                )
    schema = {
        "family_id": pl.Int64,
        "kecamatan": pl.String,
        "kelurahan": pl.String,
        "desil": pl.Int64,
        "people": pl.Int64,
        **dict.fromkeys(registry.dimensions(), pl.Boolean),
    }
    return pl.DataFrame(rows, schema=schema)


def release_of(table: pl.DataFrame) -> release.Release:
    """The public release: tables at three levels, linked, protected, audited."""
    return release.build(release.frames(table, registry.af_at, registry.dimensions()))


def viewer_tables(table: pl.DataFrame):
    published = release_of(table)
    return (
        published,
        published.desil("kelurahan"),
        published.deprivation("kelurahan"),
        published.af("kelurahan", registry.af_frame(published.frames.af["kelurahan"])),
    )


def report_release(label: str, published: release.Release, seconds: float, floor: float) -> None:
    tables, protected = published.tables, published.protected
    start = time.perf_counter()
    exact = audit(tables, set(protected.hidden), published.small, exact=True)
    seconds_exact = time.perf_counter() - start
    verdict = "met" if seconds <= RELEASE_TARGET_SECONDS else "NOT met"
    print(
        f"public release, {label}: {len(tables.values):,} cells, {len(tables.equations):,} equations, {len(protected.primary)} primary, "
        f"{len(protected.hidden)} hidden, {protected.rounds} round(s)"
    )
    print(
        f"  tables + protect + audit: {seconds:.2f} s (target <= {RELEASE_TARGET_SECONDS:.0f} s: {verdict}); of which protect + audit "
        f"{max(seconds - floor, 0):.2f} s; floor (building the tables alone) {floor:.2f} s, ratio {seconds / floor:.2f}"
    )
    print(f"  exact audit (both LPs for every hidden cell, no shortcut): {seconds_exact:.2f} s, passed {exact.passed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--small-families", type=int, default=2000, help="also time the release on this many families (0: skip)"
    )
    parser.add_argument(
        "--stress-kelurahan",
        type=int,
        default=300,
        help="also time a synthetic city of this many kelurahan full of small cells (0: skip)",
    )
    args = parser.parse_args()
    families, members, build_seconds = load_frames(args.families)
    families, members = with_filled_fields(families, members)
    print(f"frames: {families.height:,} families, {members.height:,} members (built/loaded in {build_seconds:.1f} s)")

    seconds_table, table = best(lambda: registry.family_table(families, members, TODAY), args.repeat)
    seconds_tables, _ = best(
        lambda: [
            (registry.desil_table(table, level), registry.deprivation_table(table, level)) for level in registry.LEVELS
        ],
        args.repeat,
    )
    defaults = registry.af_defaults()

    def af():
        result = registry.af(table, defaults["indicators"], defaults["weights"], defaults["k"], "kelurahan")
        return result, registry.af_frame(result)

    seconds_af, (result, _) = best(af, args.repeat)

    seconds_suppressed, _ = best(lambda: viewer_tables(table), args.repeat)
    seconds_release, published = best(lambda: release_of(table), args.repeat)
    seconds_floor, _ = best(lambda: release.frames(table, registry.af_at, registry.dimensions()), args.repeat)
    total = seconds_table + seconds_tables + seconds_af + seconds_suppressed
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    rates = registry.deprivation_table(table, "kota").row(0, named=True)
    print(f"family_table (every deprivation, one evaluation): {seconds_table:.2f} s")
    print(f"desil + deprivation tables, 3 levels:             {seconds_tables:.2f} s")
    print(
        f"Alkire-Foster by kelurahan (k={defaults['k']}):          {seconds_af:.2f} s   H={result.overall.h:.4f} A={result.overall.a:.4f} M0={result.overall.m0:.4f}"
    )
    print(f"viewer tables from the public release (kelurahan): {seconds_suppressed:.2f} s")
    print(
        f"total: {total:.2f} s (target <= {TARGET_SECONDS:.0f} s: {'met' if total <= TARGET_SECONDS else 'NOT met'}); peak memory {peak:.2f} GB"
    )
    report_release(f"{families.height:,} families", published, seconds_release, seconds_floor)
    if args.small_families:
        small_families, small_members, _ = load_frames(args.small_families)
        small_table = registry.family_table(*with_filled_fields(small_families, small_members), TODAY)
        seconds, small_release = best(lambda: release_of(small_table), args.repeat)
        floor, _ = best(lambda: release.frames(small_table, registry.af_at, registry.dimensions()), args.repeat)
        report_release(f"{small_table.height:,} families", small_release, seconds, floor)
    if args.stress_kelurahan:
        stress = synthetic_table(args.stress_kelurahan)
        seconds, stress_release = best(lambda: release_of(stress), args.repeat)
        floor, _ = best(lambda: release.frames(stress, registry.af_at, registry.dimensions()), args.repeat)
        report_release(
            f"synthetic, {args.stress_kelurahan} kelurahan, {stress.height:,} families", stress_release, seconds, floor
        )
    print("city deprivation rates (%): " + ", ".join(f"{k} {rates[f'{k}_persen']}" for k in registry.dimensions()))


if __name__ == "__main__":
    main()
