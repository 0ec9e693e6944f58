from __future__ import annotations

from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tepat.linkage"
    label = "linkage"
    verbose_name = "Linkage"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tepat.accounts.scope import either_family, register

        register(self.get_model("Pair"), either_family("left_family", "right_family"))
