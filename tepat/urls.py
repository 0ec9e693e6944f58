from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from tepat.web.views import allocation, auth, exports, families, gaps, home, imports, programs, realisasi, targets

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "favicon.ico", RedirectView.as_view(url=static("tepat/favicon.svg"), permanent=True)
    ),  # pages without <link rel=icon>
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("", home.home, name="home"),
    path("keluarga/", families.family_list, name="family_list"),
    path("keluarga/unduh.<str:kind>", families.family_export, name="family_export"),
    path("keluarga/<int:pk>/", families.family_detail, name="family_detail"),
    path("keluarga/<int:pk>/realisasi/", realisasi.record_for_family, name="record_intervention"),
    path("impor/", imports.import_page, name="import_page"),
    path("impor/<int:pk>/", imports.import_status, name="import_status"),
    path("impor/<int:pk>/progres/", imports.import_progress, name="import_progress"),
    path("impor/<int:pk>/laporan.<str:kind>", imports.import_report, name="import_report"),
    path("impor/<int:pk>/lanjutkan/", imports.import_confirm, name="import_confirm"),
    path("impor/<int:pk>/batalkan/", imports.import_revert, name="import_revert"),
    path("program/", programs.program_list, name="program_list"),
    path("program/<slug:code>/", programs.program_detail, name="program_detail"),
    path("program/<slug:code>/pratinjau/", programs.rule_preview, name="rule_preview"),
    path("program/<slug:code>/ubah/", programs.program_edit, name="program_edit"),
    path("program/<slug:code>/bekukan/", targets.freeze, name="target_freeze"),
    path("realisasi/", realisasi.realisasi_page, name="realisasi"),
    path("realisasi/unggahan/<int:pk>/laporan.<str:fmt>", realisasi.realisasi_report, name="realisasi_report"),
    path("kesenjangan/", gaps.gaps, name="gaps"),
    path("alokasi/", allocation.allocation, name="allocation"),
    path("kesenjangan/rinci/", gaps.gaps_drill, name="gaps_drill"),
    path("kesenjangan/unduh.<str:kind>", gaps.gaps_export, name="gaps_export"),
    path("kesenjangan/rinci/unduh.<str:kind>", gaps.gaps_drill_export, name="gaps_drill_export"),
    path("sasaran/", targets.target_list, name="target_list"),
    path("sasaran/<int:pk>/", targets.target_detail, name="target_detail"),
    path("sasaran/<int:pk>/unduh.<str:kind>", targets.target_export, name="target_export"),
    path("unduhan/<int:pk>/", exports.export_status, name="export_status"),
    path("unduhan/<int:pk>/progres/", exports.export_progress, name="export_progress"),
    path("unduhan/<int:pk>/berkas", exports.export_file, name="export_file"),
    path("", include("tepat.web.routes.indicators")),
    path("", include("tepat.web.routes.pockets")),
    path("", include("tepat.web.routes.verivali")),
    path("", include("tepat.web.routes.meetings")),
    path("", include("tepat.web.routes.reports")),
    path("", include("tepat.web.routes.admin")),
    path("", include("tepat.linkage.urls")),
    path("", include("tepat.api.urls")),  # /api/v1/ and the token page (docs/api.md)
]
