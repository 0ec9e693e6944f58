from django.apps import AppConfig


class PocketsConfig(AppConfig):
    name = "tepat.pockets"
    verbose_name = "Kantong kemiskinan"
