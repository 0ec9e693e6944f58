from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "tepat.regions"
    verbose_name = "Wilayah"
