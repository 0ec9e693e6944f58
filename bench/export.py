"""Family-list downloads of a big registry: time and peak memory, whole-frame writers vs the batch writers.

    .venv/bin/python bench/export.py --home /tmp/tepat-export-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into the home's database once (SQLite unless TEPAT_DATABASE_URL is set), then makes the
whole family list of an analyst four ways, each in its own process so that its peak RSS is its own:
  csv  whole   family_frame + csv_bytes (the direct export before; the floor)
  xlsx whole   family_frame + xlsx_bytes (xlsxwriter, the direct export before)
  csv  batches tepat.jobs.exports.make (family_batches + write_csv_batches: what the job runs)
  xlsx batches tepat.jobs.exports.make (family_batches + write_xlsx_batches)
Prints seconds, peak MB (minus the process's start-up RSS) and the ratio to the csv floor.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
import resource, sys, time
from tepat.bootstrap import setup
setup()
from tepat.accounts.models import User
from tepat.accounts.scope import scoped
from tepat.registry.models import Family
user = User.objects.get(username="bench-analyst")
families = scoped(user, Family.objects.all())
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
"""
WAYS = {
    "csv whole": "from tepat.registry.exports import family_frame; from tepat.registry.spreadsheet import csv_bytes; "
    "out = csv_bytes(family_frame(user, families)); rows = out.count(b'\\n') - 1",
    "xlsx whole": "from tepat.registry.exports import family_frame; from tepat.registry.spreadsheet import xlsx_bytes; "
    "frame = family_frame(user, families); rows = frame.height; out = xlsx_bytes({'Keluarga': frame})",
    "csv batches": "from tepat.jobs.exports import make\nwith open(sys.argv[1], 'wb') as h: "
    "rows = make(user, 'families', 'csv', {'query': '', 'sheet': 'Keluarga', 'file_name': 'k.csv', 'what': ''}, h)['records']",
    "xlsx batches": "from tepat.jobs.exports import make\nwith open(sys.argv[1], 'wb') as h: "
    "rows = make(user, 'families', 'xlsx', {'query': '', 'sheet': 'Keluarga', 'file_name': 'k.xlsx', 'what': ''}, h)['records']",
}
REPORT = """
seconds = time.perf_counter() - start
print("RESULT", seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024, rows)
"""
PREPARE = """
from tepat.bootstrap import setup, ensure_database
setup(); ensure_database()
from tepat.accounts.actions import do_create_user
from tepat.accounts.models import User
from tepat.registry.models import Family
if not User.objects.filter(username="bench-analyst").exists():
    do_create_user("bench-analyst", role="analyst", region_code=None, opd_code=None, acting_user=None, password="bench-123")
print("FAMILIES", Family.objects.count())
"""


def run(code: str, env: dict, *args: str) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True, help="a registry export imported once into the home")
    parser.add_argument("--ways", default=",".join(WAYS))
    args = parser.parse_args()
    env = {**os.environ, "TEPAT_HOME": str(args.home)}
    args.home.mkdir(parents=True, exist_ok=True)
    if int(run(PREPARE, env).rsplit("FAMILIES", 1)[1]) == 0:
        subprocess.run([sys.executable, "-m", "tepat", "import", str(args.file)], cwd=ROOT, env=env, check=True)
    families = int(run(PREPARE, env).rsplit("FAMILIES", 1)[1])
    print(f"{families} families, {'PostgreSQL' if env.get('TEPAT_DATABASE_URL') else 'SQLite'}")
    print(f"{'way':<14} {'s':>7} {'peak MB':>8} {'rows':>8} {'vs csv whole':>13}")
    floor = None
    for way in args.ways.split(","):
        out = args.home / f"bench-export.{way.split()[0]}"
        seconds, peak, rows = run(SETUP + WAYS[way] + REPORT, env, str(out)).rsplit("RESULT", 1)[1].split()
        seconds = float(seconds)
        floor = floor or seconds
        print(f"{way:<14} {seconds:>7.2f} {float(peak):>8.0f} {int(rows):>8} {seconds / floor:>12.1f}x")


if __name__ == "__main__":
    main()
