"""View guards: thin wrappers over `tepat.accounts.permissions.can` (login first, then the action; refused = 404).

Each guarded view carries its action as `view.tepat_action`; tests/test_permissions.py checks that every guarded
page is named in docs/roles.md under its action.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required

from tepat.accounts.permissions import Action, require


def needs(action: Action | str):
    """Allow the view when can(user, action) holds; otherwise 404 with the reason logged (we do not reveal what exists)."""
    action = Action(action)

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require(request.user, action)
            return view(request, *args, **kwargs)

        wrapper.tepat_action = action
        return wrapper

    return decorate


personal_data = needs(Action.REGISTRY_VIEW)
importer = needs(Action.REGISTRY_IMPORT)
rule_editor = needs(Action.RULES_EDIT)
freezer = needs(Action.TARGETS_FREEZE)
allocator = needs(Action.ALLOCATION_RUN)
gaps_reader = needs(Action.GAPS_VIEW)
exporter = needs(Action.REGISTRY_EXPORT)
secretariat = needs(Action.MEETINGS_MANAGE)  # the Bapperida secretariat of the TKPKD: meetings
reporter = needs(Action.REPORTS_MAKE)
survey_analyst = needs(Action.INDICATORS_FGT)
follow_up = needs(Action.MEETINGS_FOLLOW_UP)  # the secretariat, OPD operators (their own items)
verivali_user = needs(Action.VERIVALI_VIEW)
musyawarah_user = needs(Action.VERIVALI_MUSYAWARAH)  # not the enumerator (docs/roles.md)
campaign_manager = needs(Action.CAMPAIGNS_MANAGE)
visitor = needs(Action.VISITS_FILL)
user_manager = needs(Action.USERS_MANAGE)  # users and the access log
intervention_recorder = needs(Action.REALISASI_UPLOAD)
reviewer = needs(Action.LINKAGE_REVIEW)
