"""Import benchmark: generated P3KE individual-level exports, imported with `tepat import`.

Prints wall time, rows/s, peak memory and the ratio to the time the fastest reader needs to only
read the same file (calamine via fastexcel for xlsx, polars for csv); then the time of re-importing
the unchanged file as a ratio to hashing it (sha256), the floor of recognising it (target <= 3).

With --web, each file is also uploaded on the import page of a real `tepat serve` and the memory of
the web server (gunicorn's master and its request-serving processes, summed) is sampled every 50 ms while
the worker imports it: it must stay flat, since the job's memory is the worker's (printed beside it).

    .venv/bin/python bench/import.py --families 100000 --kinds xlsx,csv
    .venv/bin/python bench/import.py --families 100000 --kinds xlsx --web
    TEPAT_DATABASE_URL=postgresql://... .venv/bin/python bench/import.py --families 1000000 --kinds csv

On PostgreSQL the database named in the URL is dropped and created again for each run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fastexcel
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("TEPAT_BENCH_CACHE", "/tmp/tepat-bench"))
HEADER_ROW = 12  # generated P3KE files carry an 11-row title block


def data_file(families: int, kind: str) -> Path:
    path = CACHE / f"p3ke-individu-{families}.{kind}"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tepat",
                "generate",
                "--families",
                str(families),
                "--format",
                "p3ke-individu",
                "--out",
                str(path),
                "--seed",
                "7",
            ],
            check=True,
            cwd=ROOT,
        )
    return path


def raw_read_seconds(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    if path.suffix == ".xlsx":
        frame = fastexcel.read_excel(str(path)).load_sheet(0, header_row=HEADER_ROW - 1, dtypes="string").to_polars()
    else:
        frame = pl.read_csv(path, skip_rows=HEADER_ROW - 1, infer_schema=False)
    return time.perf_counter() - start, frame.height


def fresh_database(env: dict[str, str]) -> None:
    url = env.get("TEPAT_DATABASE_URL")
    if not url:
        return
    code = (
        f"import psycopg; from tepat.env import database_from_url as d; c = d({url!r}); "
        "conn = psycopg.connect(dbname='postgres', user=c['USER'], host=c['HOST'], port=c['PORT'] or None, autocommit=True); "
        "conn.execute('DROP DATABASE IF EXISTS ' + c['NAME']); conn.execute('CREATE DATABASE ' + c['NAME'])"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)


# Runs `tepat import FILE` and reports its own peak memory, so the figure is the importer's alone. VmHWM, not
# ru_maxrss: Linux carries ru_maxrss over fork and exec, so the child reported this script's own peak (the raw
# read of the whole file: ~950 MB at 200k families) whenever that was higher than the import's.
MEASURED = """
import re, runpy, sys
sys.argv = ["tepat", "import", sys.argv[1]]
try:
    runpy.run_module("tepat", run_name="__main__")
except SystemExit as stop:
    code = stop.code
status = open("/proc/self/status").read()
print("MAXRSS_KB", re.search(r"^VmHWM:\\s+(\\d+) kB", status, re.M).group(1), file=sys.stderr)
sys.exit(code)
"""


def run_import(path: Path) -> tuple[float, float, str]:
    """Wall seconds (including start-up) and peak RSS (MB) of `tepat import` on a fresh database."""
    with tempfile.TemporaryDirectory(prefix="tepat-bench-") as home:
        env = {**os.environ, "TEPAT_HOME": home}
        fresh_database(env)
        subprocess.run([sys.executable, "-m", "tepat", "migrate"], check=True, cwd=ROOT, env=env, capture_output=True)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, str(path)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        peak_kb = int(done.stderr.rsplit("MAXRSS_KB", 1)[1].split()[0])
        return seconds, peak_kb / 1024, done.stdout.splitlines()[0]


# Imports FILE, then times sha256 of it and the unchanged re-import (do_import) in the same process,
# best of three each: the re-import is answered from the stored batch (issue 10, item 5).
REIMPORT = """
import sys, time
from pathlib import Path
from tepat.bootstrap import ensure_database, setup
setup(); ensure_database()
from tepat.registry.actions import create_batch, do_import
from tepat.registry.importer.pipeline import sha256_of
path = Path(sys.argv[1])
start = time.perf_counter(); do_import(create_batch(path, acting_user=None), acting_user=None); first = time.perf_counter() - start
def best(work):
    times = []
    for _ in range(3):
        start = time.perf_counter(); result = work(); times.append(time.perf_counter() - start)
    return min(times), result
hashed, _ = best(lambda: sha256_of(path))
again, batch = best(lambda: do_import(create_batch(path, acting_user=None), acting_user=None))
assert "same_as" in batch.report, "the re-import was computed in full"
changed = path.with_name("changed-" + path.name)  # one more byte: another sha256, so the full comparison runs
changed.write_bytes(path.read_bytes() + b"\\n")
start = time.perf_counter(); do_import(create_batch(changed, acting_user=None), acting_user=None); full = time.perf_counter() - start
changed.unlink()
print("REIMPORT", first, hashed, again, full)
"""


def reimport_ratio(path: Path) -> tuple[float, float, float, float]:
    """(first import s, sha256 s, unchanged re-import s, changed-file re-import s), in one process on a fresh database."""
    with tempfile.TemporaryDirectory(prefix="tepat-bench-") as home:
        env = {**os.environ, "TEPAT_HOME": home}
        fresh_database(env)
        done = subprocess.run(
            [sys.executable, "-c", REIMPORT, str(path)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(done.stdout + done.stderr)
        first, hashed, again, full = (float(x) for x in done.stdout.rsplit("REIMPORT", 1)[1].split())
        return first, hashed, again, full


def web_upload(path: Path) -> tuple[float, float, float, float, str]:
    """Seconds of upload + import through the page, and the web server's RSS before, its peak during (the sum over
    gunicorn's master and its request-serving processes), and the worker's peak (MB)."""
    sys.path.insert(0, str(ROOT))
    from tests.served import Served, fresh_env, rss_mb

    with tempfile.TemporaryDirectory(prefix="tepat-bench-web-") as home:
        env = fresh_env(Path(home))
        fresh_database(env)
        with Served(env) as site:
            worker = site.worker_pids[0]
            web = lambda: sum(rss_mb(pid) for pid in site.web_pids)  # noqa: E731
            site.report(site.upload(data_file(50, "csv")))  # warm up both processes (imports, first queries)
            before = web()
            peak = [before]
            start = time.perf_counter()
            report = site.report(site.upload(path), sample=lambda: peak.append(web()))
            seconds = time.perf_counter() - start
            peak.append(web())
            return seconds, before, max(peak), rss_mb(worker, "VmHWM"), f"{report['families']['new']} families new"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--kinds", default="xlsx,csv")
    parser.add_argument(
        "--no-reimport", dest="reimport", action="store_false", help="Skip the unchanged re-import vs sha256 ratio."
    )
    parser.add_argument(
        "--web",
        action="store_true",
        help="Also upload through a real `tepat serve` and sample the web server's memory.",
    )
    args = parser.parse_args()
    database = "PostgreSQL" if os.environ.get("TEPAT_DATABASE_URL") else "SQLite"
    print(
        f"{'file':<34} {'db':<10} {'rows':>9} {'read s':>7} {'import s':>9} {'rows/s':>9} {'ratio':>6} {'peak MB':>8}"
    )
    for kind in args.kinds.split(","):
        path = data_file(args.families, kind)
        read_s, rows = raw_read_seconds(path)
        import_s, peak_mb, summary = run_import(path)
        print(
            f"{path.name:<34} {database:<10} {rows:>9} {read_s:>7.1f} {import_s:>9.1f} {rows / import_s:>9.0f} {import_s / read_s:>6.1f} {peak_mb:>8.0f}"
        )
        print(f"  {summary}")
        if args.reimport:
            first, hashed, again, full = reimport_ratio(path)
            print(
                f"  unchanged re-import {again:.3f} s, sha256 {hashed:.3f} s: ratio {again / hashed:.2f}; "
                f"changed file (full comparison) {full:.1f} s vs first import {first:.1f} s (in-process)"
            )
        if args.web:
            seconds, before, peak, worker, said = web_upload(path)
            print(
                f"  web upload: {seconds:.1f} s; web server RSS {before:.0f} MB before, {peak:.0f} MB peak (+{peak - before:.0f} MB); "
                f"worker peak {worker:.0f} MB; {said}"
            )


if __name__ == "__main__":
    main()
