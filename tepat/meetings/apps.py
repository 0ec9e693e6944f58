from __future__ import annotations

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tepat.meetings"
    verbose_name = "Rapat koordinasi"

    def ready(self) -> None:
        from tepat.accounts.permissions import Action
        from tepat.accounts.scope import by_agency, register

        # the secretariat sees every action item, an OPD operator those its OPD owns, others none
        register(
            self.get_model("ActionItem"),
            by_agency(Action.MEETINGS_FOLLOW_UP, "owner_id", lambda policy: policy.secretariat),
        )
