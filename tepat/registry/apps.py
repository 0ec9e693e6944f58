from __future__ import annotations

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "tepat.registry"
    verbose_name = "Registri keluarga"

    def ready(self) -> None:
        from tepat.accounts.permissions import Action
        from tepat.accounts.scope import allowed_to, families, register, through_family
        from tepat.registry import version
        from tepat.registry.models import Family, ImportBatch, Member

        version.connect()
        register(Family, families)
        register(Member, through_family("family"))
        register(ImportBatch, allowed_to(Action.REGISTRY_IMPORT))
