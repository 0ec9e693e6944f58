"""URL modules per area, included by tepat/urls.py (one owner per file)."""

from django.urls import path

from tepat.web.views.indicators import entry, fgt, official, registry, snapshots

urlpatterns = [
    path("indikator/", official.indicator_targets, name="indicators"),
    path("indikator/grafik/<str:kind>.<str:fmt>", official.official_chart, name="indicators_chart"),
    path("indikator/data.<str:fmt>", official.official_table, name="indicators_table"),
    path("indikator/impor/", entry.series_import, name="indicators_import"),
    path("indikator/registri/", registry.registry_page, name="indicators_registry"),
    path("indikator/registri/grafik.<str:fmt>", registry.registry_chart, name="indicators_registry_chart"),
    path("indikator/registri/rilis-publik.zip", registry.public_release_download, name="indicators_public_release"),
    path("indikator/registri/<str:table>.<str:fmt>", registry.registry_table, name="indicators_registry_table"),
    path("indikator/multidimensi/", registry.af_page, name="indicators_af"),
    path("indikator/multidimensi.<str:fmt>", registry.af_table, name="indicators_af_table"),
    path("indikator/fgt/", fgt.fgt_page, name="indicators_fgt"),
    path("indikator/snapshot/", snapshots.snapshots_page, name="indicators_snapshots"),
    path("indikator/snapshot/buat/", snapshots.snapshot_create, name="indicators_snapshot_create"),
    path("indikator/snapshot.<str:fmt>", snapshots.snapshots_table, name="indicators_snapshots_table"),
]
