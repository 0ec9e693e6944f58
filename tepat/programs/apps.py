from __future__ import annotations

from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "tepat.programs"
    verbose_name = "Program dan sasaran"

    def ready(self) -> None:
        from tepat.accounts.accesslog import register_named
        from tepat.accounts.permissions import Action
        from tepat.accounts.scope import by_agency, register
        from tepat.programs.models import Intervention, TargetList

        # rule editors see every list and record; an OPD operator those of its own agency's programs
        register(TargetList, by_agency(Action.TARGETS_VIEW, "program__opd_id", lambda policy: policy.can_edit_rules))
        register(
            Intervention,
            by_agency(Action.INTERVENTIONS_RECORD, "program__opd_id", lambda policy: policy.can_edit_rules),
        )
        register_named("target list", _target_lists)


def _target_lists(ids: list[int]) -> list[str]:
    """Access-log texts of the target lists (pages and downloads) that hold these families, for the person search."""
    from tepat.programs.models import TargetEntry

    lists = set(TargetEntry.objects.filter(family_id__in=ids).values_list("target_list_id", flat=True))
    return [f"daftar sasaran {t}{suffix}" for t in lists for suffix in ("", " (csv)", " (xlsx)")]
