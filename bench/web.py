"""Page timings on a large registry: family list (with filters and deep pages), family page, export,
and the convergence and gap page with its downloads (issue 14: page <= 500 ms, download <= 3 s).

    .venv/bin/python bench/web.py --home /tmp/tepat-web-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into a fresh TEPAT_HOME (skipped when HOME already holds families), seeds the program
catalogue with its example rules, then requests each page N times through Django's test client as
the analyst and prints the first (cold: the gap inputs are built) and median and max milliseconds.
For the gap pages it also prints the floor: the engine measure alone on the same (cached) inputs, and
for the downloads the spreadsheet writer alone on the same frame, with the ratio page / floor.
"""

from __future__ import annotations

import statistics
import time

import polars as pl

from pages import arguments, registry_home, timed

GAPS = [
    "/kesenjangan/",
    "/kesenjangan/?measure=cakupan&by=kelurahan",
    "/kesenjangan/?measure=konvergensi&by=kelurahan",
    "/kesenjangan/?measure=eksklusi&by=kelurahan",
    "/kesenjangan/?measure=inklusi&by=kecamatan",
    "/kesenjangan/rinci/?measure=konvergensi&column=extreme_poor",
]
GAP_DOWNLOADS = [
    "/kesenjangan/unduh.xlsx?measure=cakupan&by=kelurahan",
    "/kesenjangan/unduh.csv?measure=konvergensi&by=kelurahan",
    "/kesenjangan/rinci/unduh.xlsx?measure=konvergensi&column=extreme_poor",
    "/kesenjangan/rinci/unduh.csv?measure=konvergensi&column=extreme_poor",
]

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
    gaps(client, analyst, args.repeat)


def _floor(build, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def gaps(client, analyst, repeat: int) -> None:
    """The convergence page and its downloads (the catalogue and its example rules seeded first)."""
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.gap_report import Names, summary_frame
    from tepat.programs.gaps import MEASURES, cached_gap_inputs
    from tepat.registry.exports import family_frame
    from tepat.registry.models import Family
    from tepat.registry.spreadsheet import xlsx_bytes, xlsx_bytes_fast

    ensure_catalogue(2026)
    print("-- convergence and gaps (target: page <= 500 ms, download <= 3000 ms)")
    for url in [*GAPS, *GAP_DOWNLOADS]:
        times = [timed(client, url) for _ in range(repeat)]
        print(
            f"{url:<80} first {times[0]:7.1f} ms   median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"
        )
    inputs = cached_gap_inputs(analyst)
    for name, by in (("cakupan", "kelurahan"), ("konvergensi", "kelurahan")):
        floor = _floor(lambda: MEASURES[name](inputs, by), repeat)
        print(f"floor: engine measure {name} by {by} alone on cached inputs {floor:7.1f} ms")
    measure = MEASURES["cakupan"](inputs, "kelurahan")
    print(
        f"floor: summary xlsx writer alone {_floor(lambda: xlsx_bytes_fast({'x': summary_frame(measure, Names.load())}), repeat):7.1f} ms"
    )
    ids = MEASURES["konvergensi"](inputs, None).detail["family_id"].to_list()
    frame = pl.concat(
        [family_frame(analyst, Family.objects.filter(pk__in=ids[i : i + 5000])) for i in range(0, len(ids), 5000)]
    )
    print(
        f"drill-down of all {frame.height} extreme-poor families: family frame (queries) "
        f"{_floor(lambda: [family_frame(analyst, Family.objects.filter(pk__in=ids[i : i + 5000])) for i in range(0, len(ids), 5000)], 1):7.1f} ms, "
        f"vectorised xlsx {_floor(lambda: xlsx_bytes_fast({'K': frame}), repeat):7.1f} ms, "
        f"xlsxwriter (reference) {_floor(lambda: xlsx_bytes({'K': frame}), 1):7.1f} ms, polars csv {_floor(lambda: frame.write_csv(), repeat):7.1f} ms"
    )


if __name__ == "__main__":
    main()
