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

# the audited actions that change what progress counts read (campaigns, their families and assignments,
# visits, change requests), by their AuditAction names: each bumps the verivali data version (tepat.registry.version)
VERSIONED_AUDITS = (
    "CAMPAIGN_CREATED",
    "CAMPAIGN_ASSIGNED",
    "CAMPAIGN_REASSIGNED",
    "CAMPAIGN_CLOSED",
    "VISIT_SUBMITTED",
    "MUSYAWARAH_RECORDED",
    "REQUEST_DECIDED",
    "VISIT_EDITED",
    "HANDBACK_SENT",
)


class VerivaliConfig(AppConfig):
    name = "tepat.verivali"
    verbose_name = "Verifikasi dan validasi"

    def ready(self) -> None:
        from tepat.accounts.models import AuditAction
        from tepat.accounts.permissions import Action
        from tepat.accounts.scope import by_area, register
        from tepat.registry import version
        from tepat.registry.models import VersionPart
        from tepat.verivali import access_texts

        for name, (mine, area) in SCOPE_FIELDS.items():
            register(self.get_model(name), by_area(Action.VERIVALI_VIEW, mine, area))
        access_texts.register()
        version.bump_on_audit(VersionPart.VERIVALI, [AuditAction[name] for name in VERSIONED_AUDITS])
