"""Page timings on a large registry: family list (with filters and deep pages), family page, export.

    .venv/bin/python bench/web.py --home /tmp/tepat-web-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into a fresh TEPAT_HOME (skipped when HOME already holds families), then requests each
page N times through Django's test client as the analyst and prints median and max milliseconds.
"""
from __future__ import annotations

import statistics

from pages import arguments, registry_home, timed

PAGES = [
    "/keluarga/",
    "/keluarga/?page=1500",
    "/keluarga/?kecamatan=12.74.05",
    "/keluarga/?kelurahan=12.74.05.1010&desil=1",
    "/keluarga/?deprivation=air_tidak_layak&receipt=penerima_pkh&receipt_value=Tidak",
    "/keluarga/?q=SITI",
    "/",
]


def main() -> None:
    args = arguments(repeat=5)
    analyst = registry_home(args.home, args.file)
    from django.test import Client

    from tepat.registry.models import Family

    client = Client()
    client.force_login(analyst)
    family = Family.objects.order_by("-id").first()
    print(f"{Family.objects.count()} families; {args.repeat} requests per page")
    for url in [*PAGES, f"/keluarga/{family.pk}/", "/keluarga/unduh.csv?kelurahan=12.74.05.1010"]:
        times = [timed(client, url) for _ in range(args.repeat)]
        print(f"{url:<80} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")


if __name__ == "__main__":
    main()
