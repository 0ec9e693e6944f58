"""Dashboard and poverty-pocket timings on a city-scale registry (first load and repeat visits).

    .venv/bin/python bench/dashboard.py --home /tmp/tepat-dash-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into a fresh TEPAT_HOME (skipped when HOME already holds families), adds the demo's
synthetic boundaries, the public figures and the program catalogue, then requests each page through
Django's test client: the first request (cold: frames read, measures, hotspots and SVG computed) and
the median and max of N repeat requests (served from the caches), for the analyst and the viewer.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = [
    "/",
    "/kantong/",
    "/kantong/?measure=af_m0&method=getis",
    "/kantong/?measure=deprivasi_air&contiguity=rook",
    "/kantong/peringkat.xlsx",
    "/kantong/peta-peta.png",
]


def prepare(home: Path, file: Path) -> None:
    env = {**os.environ, "TEPAT_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "tepat", "import", str(file)], check=True, cwd=ROOT, env=env, capture_output=True)


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    os.environ["TEPAT_HOME"] = str(args.home)
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from django.test import Client

    from tepat.accounts.models import User
    from tepat.demo.boundaries import load_boundaries
    from tepat.indicators.tracker import ensure_public_figures
    from tepat.registry.models import Family

    if not Family.objects.exists():
        prepare(args.home, args.file)
    ensure_public_figures()
    analyst = User.objects.filter(username="bench").first() or User.objects.create(username="bench", role="analyst")
    viewer = User.objects.filter(username="bench-viewer").first() or User.objects.create(username="bench-viewer", role="viewer")
    load_boundaries({"analis": analyst}, echo=print)
    print(f"{Family.objects.count()} families; first request, then {args.repeat} repeats per page")
    for user in (analyst, viewer):
        client = Client()
        client.force_login(user)
        for url in PAGES:
            first = timed(client, url)
            times = [timed(client, url) for _ in range(args.repeat)]
            print(f"{user.role:<8} {url:<52} first {first:8.1f} ms   median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
