"""Dashboard and poverty-pocket timings on a city-scale registry (first load and repeat visits).

    .venv/bin/python bench/dashboard.py --home /tmp/tepat-dash-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into a fresh TEPAT_HOME (skipped when HOME already holds families), adds the demo's
synthetic boundaries, the public figures and the program catalogue, then requests each page through
Django's test client: the first request (cold: frames read, measures, hotspots and SVG computed) and
the median and max of N repeat requests (served from the caches), for the analyst and the viewer.
"""

from __future__ import annotations

import statistics

from pages import arguments, registry_home, timed

PAGES = [
    "/",
    "/kantong/",
    "/kantong/?measure=af_m0&method=getis",
    "/kantong/?measure=deprivasi_air&contiguity=rook",
    "/kantong/peringkat.xlsx",
    "/kantong/peta-peta.png",
]


def main() -> None:
    args = arguments(repeat=10)
    analyst = registry_home(args.home, args.file)
    from django.test import Client

    from tepat.accounts.models import User
    from tepat.demo.boundaries import load_boundaries
    from tepat.indicators.tracker import ensure_public_figures
    from tepat.registry.models import Family

    ensure_public_figures()
    viewer = User.objects.filter(username="bench-viewer").first() or User.objects.create(
        username="bench-viewer", role="viewer"
    )
    load_boundaries({"analis": analyst}, echo=print)
    print(f"{Family.objects.count()} families; first request, then {args.repeat} repeats per page")
    for user in (analyst, viewer):
        client = Client()
        client.force_login(user)
        for url in PAGES:
            first = timed(client, url)
            times = [timed(client, url) for _ in range(args.repeat)]
            print(
                f"{user.role:<8} {url:<52} first {first:8.1f} ms   median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"
            )


if __name__ == "__main__":
    main()
