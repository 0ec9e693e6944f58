from __future__ import annotations

from django.apps import AppConfig

# model -> (field naming the enumerator who owns the row, field naming its kelurahan)
SCOPE_FIELDS = {
    "Campaign": ("families__enumerator", "kelurahan"),
    "CampaignFamily": ("enumerator", "family__kelurahan"),
    "Visit": ("enumerator", "kelurahan"),
    "ChangeRequest": ("visit__enumerator", "kelurahan"),
    "Musyawarah": (None, "kelurahan"),
}


class VerivaliConfig(AppConfig):
    name = "tepat.verivali"
    verbose_name = "Verifikasi dan validasi"

    def ready(self) -> None:
        from tepat.accounts.permissions import Action
        from tepat.accounts.scope import by_area, register
        from tepat.verivali import access_texts

        for name, (mine, area) in SCOPE_FIELDS.items():
            register(self.get_model(name), by_area(Action.VERIVALI_VIEW, mine, area))
        access_texts.register()
