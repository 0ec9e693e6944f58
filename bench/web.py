"""Page timings on a large registry: family list (with filters and deep pages), family page, export.

    .venv/bin/python bench/web.py --home /tmp/tepat-web-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into a fresh TEPAT_HOME (skipped when HOME already holds families), then requests each
page N times through Django's test client as the analyst and prints median and max milliseconds.
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
PAGES = [
    "/keluarga/",
    "/keluarga/?page=1500",
    "/keluarga/?kecamatan=12.74.05",
    "/keluarga/?kelurahan=12.74.05.1010&desil=1",
    "/keluarga/?deprivation=air_tidak_layak&receipt=penerima_pkh&receipt_value=Tidak",
    "/keluarga/?q=SITI",
    "/",
]


def prepare(home: Path, file: Path) -> None:
    env = {**os.environ, "TEPAT_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "tepat", "import", str(file)], check=True, cwd=ROOT, env=env, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["TEPAT_HOME"] = str(args.home)
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from django.test import Client

    from tepat.accounts.models import User
    from tepat.registry.models import Family

    if not Family.objects.exists():
        prepare(args.home, args.file)
    analyst = User.objects.filter(username="bench").first() or User.objects.create(username="bench", role="analyst")
    client = Client()
    client.force_login(analyst)
    family = Family.objects.order_by("-id").first()
    print(f"{Family.objects.count()} families; {args.repeat} requests per page")
    for url in [*PAGES, f"/keluarga/{family.pk}/", "/keluarga/unduh.csv?kelurahan=12.74.05.1010"]:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{url:<80} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
