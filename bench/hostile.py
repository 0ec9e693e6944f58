"""Hostile files of issue 10 at their real size: each must be refused (or read) in under 10 s and 500 MB.

Builds them under a temporary folder (cached in $TEPAT_BENCH_CACHE/hostile, default /tmp/tepat-bench),
then runs `tepat import` on each in a fresh TEPAT_HOME (the ODK zip: the ODK export reader, which is
where an ingest opens it) and prints wall time, the process's peak RSS (Python and Django start-up
included: about 170 MB of it, see the `baseline` line) and the outcome.

    .venv/bin/python bench/hostile.py
    .venv/bin/python bench/hostile.py --only bomb,rows2m
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.files import family_rows, write_csv  # noqa: E402
from tests.hostile_files import (  # noqa: E402
    csv_with_columns,
    csv_with_cr_in_quotes,
    csv_with_long_field,
    odk_zip_with_attachment,
    xlsx_with_rows,
)

CACHE = Path(os.environ.get("TEPAT_BENCH_CACHE", "/tmp/tepat-bench")) / "hostile"
GIB = 1 << 30

# name -> (file name, builder); sizes as in the issue: 486 KB x 1,000 columns, 892 KB x 2,000, 4 MB x 10,000,
# an xlsx of 2 million rows (also without its <dimension>), 1 GiB of whitespace in a ~1 MB xlsx, a ~1 MB ODK zip with a 1 GiB photo.
FILES = {
    "baseline": ("baseline.csv", lambda p: write_csv(p, family_rows())),
    "cols1000": ("cols1000.csv", lambda p: csv_with_columns(p, 1_000, rows=240)),
    "cols2000": ("cols2000.csv", lambda p: csv_with_columns(p, 2_000, rows=220)),
    "cols10000": ("cols10000.csv", lambda p: csv_with_columns(p, 10_000, rows=200)),
    "rows2m": ("rows2m.xlsx", lambda p: xlsx_with_rows(p, 2_000_000, cells=4, level=9)),
    "rows2m-nodim": ("rows2m-nodim.xlsx", lambda p: xlsx_with_rows(p, 2_000_000, cells=4, level=9, dimension=False)),
    "bomb": ("bomb.xlsx", lambda p: xlsx_with_rows(p, 3, padding=GIB, level=9)),
    "cr": ("cr.csv", lambda p: csv_with_cr_in_quotes(p)),
    "field128k": ("field.csv", lambda p: csv_with_long_field(p, 129)),
    "odk1g": ("odk.zip", lambda p: odk_zip_with_attachment(p, GIB)),
}

MEASURED = """
import json, resource, runpy, sys, time
start = time.perf_counter()
kind, path, report_path = sys.argv[1:4]
if kind == "odk":
    from tepat.bootstrap import setup; setup()
    from tepat.verivali.odk.tables import ExportUnreadable, read_export
    try:
        read_export(__import__("pathlib").Path(path)); outcome = "read"
    except ExportUnreadable as refused:
        outcome = refused.code
else:
    sys.argv = ["tepat", "import", path, "--report", report_path]
    try:
        runpy.run_module("tepat", run_name="__main__")
    except SystemExit as stop:
        pass
    report = json.load(open(report_path))
    outcome = report["fatal"]["code"] if "fatal" in report else f"read: {report['members']['new']} new, {len(report['rejected'])} rejected"
print("RESULT", json.dumps({"seconds": time.perf_counter() - start, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                            "outcome": outcome}), file=sys.stderr)
"""


def built(name: str) -> Path:
    file_name, build = FILES[name]
    path = CACHE / file_name
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        build(path)
        print(
            f"  built {path} ({path.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - start:.0f} s",
            file=sys.stderr,
        )
    return path


def measure(name: str, path: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="tepat-hostile-") as home:
        env = {**os.environ, "TEPAT_HOME": home}
        subprocess.run([sys.executable, "-m", "tepat", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
        kind = "odk" if name.startswith("odk") else "import"
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, kind, str(path), str(Path(home) / "r.json")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if "RESULT" not in done.stderr:
            return {
                "seconds": float("nan"),
                "peak_mb": float("nan"),
                "outcome": "CRASH " + done.stderr.strip().splitlines()[-1][:80],
            }
        return json.loads(done.stderr.rsplit("RESULT", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="Comma-separated names: " + ", ".join(FILES))
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(FILES)
    print(f"{'file':<11} {'size MB':>9} {'seconds':>8} {'peak MB':>8}  ok  outcome")
    for name in names:
        path = built(name)
        result = measure(name, path)
        ok = result["seconds"] <= 10 and result["peak_mb"] <= 500
        print(
            f"{name:<11} {path.stat().st_size / 2**20:>9.2f} {result['seconds']:>8.2f} {result['peak_mb']:>8.0f}  {'yes' if ok else 'NO '} {result['outcome']}"
        )


if __name__ == "__main__":
    main()
