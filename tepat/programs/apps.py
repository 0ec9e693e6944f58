from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "tepat.programs"
    verbose_name = "Program dan sasaran"

    def ready(self) -> None:
        from tepat.accounts.permissions import Action
        from tepat.accounts.scope import by_agency, register
        from tepat.programs.models import Intervention, TargetList

        # rule editors see every list and record; an OPD operator those of its own agency's programs
        register(TargetList, by_agency(Action.TARGETS_VIEW, "program__opd_id", lambda policy: policy.can_edit_rules))
        register(
            Intervention,
            by_agency(Action.INTERVENTIONS_RECORD, "program__opd_id", lambda policy: policy.can_edit_rules),
        )
