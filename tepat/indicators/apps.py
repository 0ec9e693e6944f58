from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "tepat.indicators"
    verbose_name = "Indikator dan target"
