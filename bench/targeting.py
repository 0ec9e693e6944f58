"""Targeting benchmark: the seeded program rules over a city-sized registry, engine vs hand-written polars.

    .venv/bin/python bench/targeting.py [--families N] [--preview-families N] [--preview-rule CODE]

Defaults: 1,000,000 families (about 4M members) and a preview at 50,000 families with rule `pkh`.

What is measured (reference date 2025-06-30, time.perf_counter, one warm-up then the best of 3):
- for each rule of `tepat.engine.rules.EXAMPLES`: the engine's time to the eligible families
  (`evaluate(rule, families, members, date)` on eager polars, with its reason columns, then the
  `eligible` rows' ids), the number of eligible families, the time of the polars query an expert
  would write by hand for the same rule (one lazy query: filters on families, a semi-join on the
  unique ids of active members meeting the condition, birth-date cut-offs for ages), and the ratio
  engine / hand-written. The two eligible sets must be
  equal: any difference is printed with examples and the script exits with status 1;
- the totals over all rules, against the targets (<= 10 s for all rules; ratio <= 1.5);
- a rule preview at city scale: `count(rule, families, members, date, by=...)` for `kecamatan` and
  `kelurahan` on the first --preview-families families, median of 5 runs after a warm-up (target
  <= 200 ms), checked against the hand-written eligible set;
- peak memory: ru_maxrss of this process (frames held plus every evaluation) and of the child
  process that built the frames.

Data: a synthetic P3KE individual-level csv (`tepat.demo.generate`, seed 7 as bench/import.py),
cached in $TEPAT_BENCH_CACHE (default /tmp/tepat-bench) and reused when present. A child process
turns it into the engine's frames with the importer's pure functions, without Django, the same
columns and types as tepat/programs/frames.py reads from the database, and hands them over as
parquet files; so the csv parse does not count in this process's peak memory. Every
INACTIVE_EVERY-th member is marked inactive so that "only active members count" is exercised.

Free text (text fields without a value list: `disabilitas`, `partisipasi_sekolah`, `status_bekerja`,
`pekerjaan`) is folded by the rule language (docs/rules.md "Free text"); the hand-written queries
fold it the same way (`folded`), so both sides do the same work.

The P3KE individual-level format has no `penerima_pbi`, `partisipasi_sekolah`, `status_bekerja`
or `disabilitas` column (DTSEN files do): the importer stores them empty (missing), so `pip`,
`padat_karya` and `pelatihan_vokasi` select no family and `pbi_jk` selects every family of desil
1-4, on this data.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl

from tepat.demo.generate import generate
from tepat.engine.rules import EXAMPLES, count, evaluate, parse
from tepat.engine.rules.compiler import make_plan
from tepat.engine.rules.schema import BEFORE_LOWER, SPACES, default_schema
from tepat.regions.codes import dotted
from tepat.registry.fields import FAMILY_FLOATS, FAMILY_NUMBERS, FAMILY_TEXT, MEMBER_TEXT
from tepat.registry.importer import shape
from tepat.registry.importer.canonical import canonical_frame, detect_format, normalize_categories
from tepat.registry.importer.checks import region_digits
from tepat.registry.importer.profiles import Profile, load_profiles
from tepat.registry.importer.read import read_table

CACHE = Path(os.environ.get("TEPAT_BENCH_CACHE", "/tmp/tepat-bench"))
FORMAT = "p3ke-individu"
SEED = 7  # as bench/import.py, so both benchmarks share the cached csv
REFERENCE_DATE = date(2025, 6, 30)
INACTIVE_EVERY = 40  # one member in 40 is inactive (left the family, died): aggregates must skip them
REPEAT, PREVIEW_RUNS = 3, 5
TARGET_TOTAL_S, TARGET_RATIO, TARGET_PREVIEW_MS = 10.0, 1.5, 200.0


# ---------------------------------------------------------------------------------------- data
def data_file(families: int) -> Path:
    """The cached generated csv; generated first (a few minutes for 1M families) when missing."""
    path = CACHE / f"p3ke-individu-{families}.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.partial.csv")
        print(f"generating {path} ...", flush=True)
        generate(families, FORMAT, partial, seed=SEED)
        partial.rename(path)
    return path


def canonical_rows(path: Path) -> tuple[pl.DataFrame, Profile]:
    """The importer's read, format detection, canonical columns and category spelling."""
    profiles = load_profiles()
    table = read_table(path, list(profiles.values()))
    profile = detect_format(table.headers, profiles, FORMAT)
    return normalize_categories(canonical_frame(table, profile)), profile


def with_region_ids(rows: pl.DataFrame, profile: Profile) -> tuple[pl.DataFrame, dict[int, str]]:
    """Adds `_region_id` and returns region id -> Kemendagri code ("12.74.05.1010").

    `_region_id` stands in for the database id of the kelurahan (regions_region.id) that the
    importer looks up in the region master (checks.with_region): a dense rank of the code's digits.
    """
    digits = region_digits(profile.region_column)
    rows = rows.with_columns(digits.rank("dense").cast(pl.Int64).alias("_region_id"))
    pairs = rows.select("_region_id", digits.alias("digits")).unique().drop_nulls()
    return rows, {region_id: dotted(code) for region_id, code in pairs.iter_rows()}


def family_frame(rows: pl.DataFrame, profile: Profile, codes: dict[int, str]) -> pl.DataFrame:
    """As frames._families: family_id, kelurahan, kecamatan and the registry's family fields.
    `family_id` stands in for registry_family.id (insert order); `source_key` links the members."""
    shaped = shape.families(rows, profile)
    kelurahan = pl.col("kelurahan_id").replace_strict(codes, default=None, return_dtype=pl.String)
    return shaped.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("family_id"),
        kelurahan.alias("kelurahan"),
        kelurahan.str.slice(0, 8).alias("kecamatan"),
        *FAMILY_TEXT,
        *[pl.col(name).cast(pl.Int64) for name in FAMILY_NUMBERS],
        *[pl.col(name).cast(pl.Float64) for name in FAMILY_FLOATS],
        "source_key",
    )


def member_frame(rows: pl.DataFrame, profile: Profile, families: pl.DataFrame) -> pl.DataFrame:
    """As frames._members: family_id, the member fields, tanggal_lahir (Date) and is_active."""
    ids = families.select(pl.col("source_key").alias("family_key"), "family_id")
    shaped = shape.members(rows, profile).join(ids, on="family_key", how="inner", maintain_order="left")
    return shaped.select(
        "family_id",
        *MEMBER_TEXT,
        pl.col("tanggal_lahir").str.to_date(strict=False),
        (pl.int_range(pl.len()) % INACTIVE_EVERY != INACTIVE_EVERY - 1).alias("is_active"),
    )


def build_frames(families: int) -> tuple[str, str, float]:
    """Child process: csv -> parquet files of the engine's frames. Returns their paths and seconds."""
    path = data_file(families)
    start = time.perf_counter()
    rows, profile = canonical_rows(path)
    rows, codes = with_region_ids(rows, profile)
    family = family_frame(rows, profile, codes)
    member = member_frame(rows, profile, family)
    del rows
    family_path, member_path = (
        CACHE / f"frames-{families}-families.parquet",
        CACHE / f"frames-{families}-members.parquet",
    )
    family.drop("source_key").write_parquet(family_path)
    member.write_parquet(member_path)
    return str(family_path), str(member_path), time.perf_counter() - start


def load_frames(families: int) -> tuple[pl.DataFrame, pl.DataFrame, float]:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        family_path, member_path, seconds = pool.submit(build_frames, families).result()
    return pl.read_parquet(family_path), pl.read_parquet(member_path), seconds


# --------------------------------------------------------------------------- hand-written polars
def born_by(years: int) -> date:
    """Latest birth date of someone at least `years` old on REFERENCE_DATE (30 June: no 29 Feb)."""
    return REFERENCE_DATE.replace(year=REFERENCE_DATE.year - years)


def aged(low: int, high: int) -> pl.Expr:
    """low <= age <= high, as birth-date cut-offs."""
    return (pl.col("tanggal_lahir") <= born_by(low)) & (pl.col("tanggal_lahir") > born_by(high + 1))


def folded(name: str) -> pl.Expr:
    """Free text as the rule language compares it (docs/rules.md "Free text"): the same steps, in polars."""
    column = pl.col(name)
    for letter, lower in BEFORE_LOWER.items():
        column = column.str.replace(letter, lower, literal=True, n=-1)
    return column.str.replace_all(SPACES, " ").str.strip_chars(" ").str.to_lowercase()


def with_member(families: pl.LazyFrame, members: pl.LazyFrame, condition: pl.Expr) -> pl.LazyFrame:
    """Families with at least one active member meeting `condition` (a semi-join)."""
    ids = members.filter(pl.col("is_active") & condition).select("family_id").unique()
    return families.join(ids, on="family_id", how="semi")


def pkh(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    born = pl.col("tanggal_lahir")
    component = (born > born_by(5)) | aged(7, 18) | (born <= born_by(60)) | (folded("disabilitas") == "ya")
    return with_member(f.filter(pl.col("desil") <= 2), m, component)


def bpnt_sembako(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    return with_member(f.filter(pl.col("desil") <= 3), m, pl.lit(True))


def pbi_jk(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    return f.filter((pl.col("desil") <= 4) & pl.col("penerima_pbi").ne_missing("Ya"))


def pip(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    pupil = aged(6, 21) & (folded("partisipasi_sekolah") == "masih sekolah")
    return with_member(f.filter(pl.col("desil") <= 3), m, pupil)


def rtlh_bsps(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    poor_house = (
        (pl.col("jenis_lantai") == "Tanah")
        | pl.col("jenis_dinding").is_in(["Bambu", "Plesteran anyaman bambu/kawat"])
        | pl.col("jenis_atap").is_in(["Jerami/Ijuk/Rumbia/Daun-daunan", "Bambu"])
    )
    return f.filter((pl.col("desil") <= 3) & (pl.col("kepemilikan_rumah") == "Milik Sendiri") & poor_house)


def air_bersih(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    unsafe = ["Sumur Tidak Terlindung", "Air Permukaan (Sungai, Danau, dll)", "Air Hujan"]
    return f.filter((pl.col("desil") <= 3) & pl.col("sumber_air_minum").is_in(unsafe))


def jamban(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    shared = ["Umum/Bersama", "Lainnya", "Tidak, Jamban Umum/Bersama"]
    return f.filter((pl.col("desil") <= 3) & pl.col("fasilitas_bab").is_in(shared))


def listrik(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    no_own_pln = ["Listrik non-PLN", "Bukan listrik", "Listrik PLN non meteran"]
    return f.filter((pl.col("desil") <= 3) & pl.col("sumber_penerangan").is_in(no_own_pln))


def padat_karya(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    jobless = aged(18, 59) & (folded("status_bekerja") == "tidak")
    return with_member(f.filter(pl.col("desil") <= 2), m, jobless)


def pelatihan_vokasi(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    trainee = (
        aged(18, 45)
        & (folded("status_bekerja") == "tidak")
        & pl.col("pendidikan").is_in(["Tamat SLTP", "Masih SLTA", "Tamat SLTA"])
    )
    return with_member(f.filter(pl.col("desil") <= 3), m, trainee)


def kur_modal_usaha(f: pl.LazyFrame, m: pl.LazyFrame) -> pl.LazyFrame:
    business = aged(18, 59) & folded("pekerjaan").is_in(["pedagang", "wiraswasta", "nelayan/perikanan"])
    return with_member(f.filter(pl.col("desil").is_between(2, 4)), m, business)


HAND_WRITTEN: dict[str, Callable[[pl.LazyFrame, pl.LazyFrame], pl.LazyFrame]] = {
    "pkh": pkh,
    "bpnt_sembako": bpnt_sembako,
    "pbi_jk": pbi_jk,
    "pip": pip,
    "rtlh_bsps": rtlh_bsps,
    "air_bersih": air_bersih,
    "jamban": jamban,
    "listrik": listrik,
    "padat_karya": padat_karya,
    "pelatihan_vokasi": pelatihan_vokasi,
    "kur_modal_usaha": kur_modal_usaha,
}


def hand_eligible(code: str, families: pl.DataFrame, members: pl.DataFrame) -> pl.Series:
    """Lazy, as an expert would write it: eagerly, `members.filter(...)` would first copy every
    column of the matching rows (10x slower at 1M families); lazily only the columns read are touched."""
    query = HAND_WRITTEN[code](families.lazy(), members.lazy())
    return query.select("family_id").collect()["family_id"]


def engine_eligible(rule: str, families: pl.DataFrame, members: pl.DataFrame) -> pl.Series:
    result = evaluate(rule, families, members, REFERENCE_DATE)
    return result.filter(pl.col("eligible"))["family_id"]


# ------------------------------------------------------------------------------------- timing
def best_of(run: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    """(best seconds, result) over `repeat` runs after one warm-up."""
    result = run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def median_of(run: Callable[[], Any], runs: int = PREVIEW_RUNS) -> tuple[float, Any]:
    """(median seconds, result) over `runs` runs after one warm-up."""
    result = run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# ---------------------------------------------------------------------------------- correctness
def differences(engine: pl.Series, hand: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(ids only the engine found, ids only the hand-written query found), each sorted."""
    left, right = engine.to_frame("family_id"), hand.to_frame("family_id")
    only_engine = left.join(right, on="family_id", how="anti")["family_id"].sort()
    only_hand = right.join(left, on="family_id", how="anti")["family_id"].sort()
    return only_engine, only_hand


def describe_mismatch(
    code: str,
    rule: str,
    only_engine: pl.Series,
    only_hand: pl.Series,
    families: pl.DataFrame,
    members: pl.DataFrame,
    examples: int = 2,
) -> str:
    """A report naming the rule, the counts and a few families with the columns the rule reads."""
    plan = make_plan(parse(rule), default_schema())
    family_columns = ["family_id", *sorted(plan.family_fields & set(families.columns))]
    member_columns = ["family_id", "is_active", "tanggal_lahir", *sorted(plan.member_fields & set(members.columns))]
    lines = [
        f"MISMATCH {code}: {rule}",
        f"  eligible only for the engine: {only_engine.len()}, only for the hand-written query: {only_hand.len()}",
    ]
    for label, ids in (("engine only", only_engine), ("hand-written only", only_hand)):
        for family_id in ids.head(examples).to_list():
            lines.append(f"  {label}, family {family_id}:")
            lines.append(str(families.filter(pl.col("family_id") == family_id).select(family_columns)))
            lines.append(str(members.filter(pl.col("family_id") == family_id).select(member_columns)))
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- runs
def run_rules(families: pl.DataFrame, members: pl.DataFrame) -> tuple[list[tuple[str, float, int, float]], list[str]]:
    """Per rule: (code, engine s, eligible, hand-written s); and the mismatch reports."""
    results, mismatches = [], []
    for code, rule in EXAMPLES.items():
        engine_s, engine = best_of(lambda: engine_eligible(rule, families, members))
        hand_s, hand = best_of(lambda: hand_eligible(code, families, members))
        only_engine, only_hand = differences(engine, hand)
        if only_engine.len() or only_hand.len() or engine.len() != engine.n_unique():
            mismatches.append(describe_mismatch(code, rule, only_engine, only_hand, families, members))
        results.append((code, engine_s, engine.len(), hand_s))
    return results, mismatches


def print_rules(results: list[tuple[str, float, int, float]]) -> None:
    print(f"{'rule':<18} {'engine ms':>10} {'eligible':>10} {'hand ms':>9} {'ratio':>6}")
    for code, engine_s, eligible, hand_s in results:
        print(f"{code:<18} {engine_s * 1e3:>10.1f} {eligible:>10,} {hand_s * 1e3:>9.1f} {engine_s / hand_s:>6.2f}")
    engine_total, hand_total = sum(r[1] for r in results), sum(r[3] for r in results)
    eligible_total = sum(r[2] for r in results)
    print(
        f"{'total':<18} {engine_total * 1e3:>10.1f} {eligible_total:>10,} {hand_total * 1e3:>9.1f} {engine_total / hand_total:>6.2f}"
    )
    ratio, (worst_code, worst_engine_s, _, worst_hand_s) = (
        engine_total / hand_total,
        max(results, key=lambda r: r[1] / r[3]),
    )
    worst = worst_engine_s / worst_hand_s
    print(
        f"targets: all rules {engine_total:.2f} s (<= {TARGET_TOTAL_S:.0f} s: {verdict(engine_total <= TARGET_TOTAL_S)}); "
        f"ratio in total {ratio:.3f} (<= {TARGET_RATIO}: {verdict(ratio <= TARGET_RATIO)}), "
        f"worst rule {worst:.3f} ({worst_code}: {verdict(worst <= TARGET_RATIO)})"
    )


def run_preview(families: pl.DataFrame, members: pl.DataFrame, code: str, size: int) -> list[str]:
    """Times count(..., by=kecamatan / kelurahan) on the first `size` families; returns mismatches."""
    rule = EXAMPLES[code]
    city = families.head(size)
    city_members = members.join(city.select("family_id"), on="family_id", how="semi")
    expected = hand_eligible(code, city, city_members)
    expected_members = city_members.filter(pl.col("is_active") & pl.col("family_id").is_in(expected.implode())).height
    print(f"\npreview `{code}` at city scale: {city.height:,} families, {city_members.height:,} members")
    problems = []
    for by in ("kecamatan", "kelurahan"):
        seconds, counts = median_of(lambda: count(rule, city, city_members, REFERENCE_DATE, by=by))
        ok = seconds * 1e3 <= TARGET_PREVIEW_MS
        print(
            f"  count(by={by!r}): median {seconds * 1e3:.1f} ms over {PREVIEW_RUNS} runs, {len(counts.groups)} groups, "
            f"{counts.families:,} families / {counts.members:,} members eligible "
            f"(<= {TARGET_PREVIEW_MS:.0f} ms: {verdict(ok)})"
        )
        if (counts.families, counts.members, counts.total_families) != (expected.len(), expected_members, city.height):
            problems.append(
                f"MISMATCH preview {code} by {by}: engine {counts.families} families / {counts.members} members "
                f"of {counts.total_families}; hand-written {expected.len()} / {expected_members} of {city.height}"
            )
    return problems


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--preview-families", type=int, default=50_000)
    parser.add_argument("--preview-rule", choices=sorted(EXAMPLES), default="pkh")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    families, members, build_s = load_frames(args.families)
    active = members["is_active"].sum()
    print(
        f"{families.height:,} families, {members.height:,} members ({active:,} active); frames built in {build_s:.1f} s"
    )
    print(
        f"reference date {REFERENCE_DATE}; polars {pl.__version__}, {pl.thread_pool_size()} threads; "
        f"load average {load:.1f} at start (other processes make the times noisy)\n"
    )
    results, mismatches = run_rules(families, members)
    print_rules(results)
    mismatches += run_preview(families, members, args.preview_rule, args.preview_families)
    print(
        f"\npeak memory (ru_maxrss): this process {peak_mb(resource.RUSAGE_SELF):,.0f} MB "
        f"(frames + evaluations); frame build (child) {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB"
    )
    if mismatches:
        print("\n" + "\n\n".join(mismatches), file=sys.stderr)
        sys.exit(1)
    print("engine and hand-written eligible sets are equal for every rule")


if __name__ == "__main__":
    main()
