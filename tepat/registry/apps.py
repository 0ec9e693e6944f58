from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tepat.registry"
    verbose_name = "Registri keluarga"
