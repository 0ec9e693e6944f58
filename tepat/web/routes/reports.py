from django.urls import path

from tepat.web.views import reports

urlpatterns = [
    path("laporan/", reports.report_page, name="reports"),
    path("laporan/<slug:kind>.<str:fmt>", reports.report_download, name="report_download"),
    path("laporan/<slug:kind>/tulis/", reports.report_write, name="report_write"),
]
