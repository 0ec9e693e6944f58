from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tepat.reports"
    verbose_name = "Laporan"
