from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tepat.registry"
    verbose_name = "Registri keluarga"

    def ready(self) -> None:
        from tepat.registry import version

        version.connect()
