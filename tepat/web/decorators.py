"""View guards: every permission decision goes through the role policy (tepat.accounts.roles)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from tepat.accounts.roles import Scope, policy_for


def needs(check):
    """Allow the view when check(policy) is true; otherwise 404 (we do not reveal what exists)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(policy_for(request.user)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def records_interventions(policy) -> bool:
    """Who records delivered interventions: rule editors and the city-wide OPD operators."""
    return policy.can_edit_rules or policy.scope == Scope.CITY


personal_data = needs(lambda policy: policy.scope != Scope.NONE)
importer = needs(lambda policy: policy.can_import)
rule_editor = needs(lambda policy: policy.can_edit_rules)
exporter = needs(lambda policy: policy.scope != Scope.NONE and policy.can_export)
secretariat = needs(lambda policy: policy.secretariat)  # the Bapperida secretariat of the TKPKD: reports, meetings
verivali_user = needs(lambda policy: policy.verivali)
musyawarah_user = needs(lambda policy: policy.musyawarah)  # not the enumerator (docs/roles.md)
campaign_manager = needs(lambda policy: policy.manages_campaigns)
visitor = needs(lambda policy: policy.visits_families)
user_manager = needs(lambda policy: policy.manages_users)  # users and the access log
intervention_recorder = needs(records_interventions)
