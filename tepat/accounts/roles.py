"""Roles and what each may do, kept as one table (docs/roles.md describes it; a test keeps the two in step).

Nothing outside tepat.accounts reads these flags to decide a permission: ask `tepat.accounts.permissions.can`,
which is built from this table. `policy_for(user).scope` and `.sees_identity_numbers` (which rows, masked or not) are
read by tepat.accounts.scope and tepat.accounts.masking.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    ANALYST = "analyst", _("Analis (Bapperida)")
    OPD = "opd", _("Operator OPD")
    CAMAT = "camat", _("Camat")
    LURAH = "lurah", _("Lurah / operator kelurahan")
    ENUMERATOR = "enumerator", _("Pendata (enumerator)")
    VIEWER = "viewer", _("Pemantau (agregat saja)")


class Scope(models.TextChoices):
    CITY = "city", _("seluruh wilayah")
    KECAMATAN = "kecamatan", _("satu kecamatan")
    KELURAHAN = "kelurahan", _("satu kelurahan")
    ASSIGNED = "assigned", _("keluarga yang ditugaskan")
    NONE = "none", _("tidak ada data perorangan")


@dataclass(frozen=True)
class Policy:
    scope: Scope
    sees_identity_numbers: bool  # full NIK / No KK instead of the masked form
    can_import: bool = False
    can_export: bool = True
    can_edit_rules: bool = False  # program rules, target lists
    secretariat: bool = False  # the Bapperida secretariat of the TKPKD: meetings, reports
    verivali: bool = False  # sees verivali campaigns (within the scope)
    musyawarah: bool = False  # the musyawarah page and its berita acara: reviews change requests (within the scope)
    manages_campaigns: bool = False  # creates campaigns, assigns families
    visits_families: bool = False  # fills in the visit form (enumerators: their assigned families)
    manages_users: bool = False  # user accounts and the personal-data access log (pages under /pengguna/, /log-akses/)
    agency: bool = False  # works for one OPD (user.opd): its programs' target lists, interventions and action items


POLICIES: dict[str, Policy] = {
    Role.ADMIN: Policy(
        Scope.CITY,
        sees_identity_numbers=False,
        can_import=True,
        can_edit_rules=True,
        secretariat=True,
        verivali=True,
        musyawarah=True,
        manages_campaigns=True,
        visits_families=True,
        manages_users=True,
    ),
    Role.ANALYST: Policy(
        Scope.CITY,
        sees_identity_numbers=True,
        can_import=True,
        can_edit_rules=True,
        secretariat=True,
        verivali=True,
        musyawarah=True,
        manages_campaigns=True,
        visits_families=True,
    ),
    Role.OPD: Policy(Scope.CITY, sees_identity_numbers=True, agency=True),
    Role.CAMAT: Policy(Scope.KECAMATAN, sees_identity_numbers=False, verivali=True, musyawarah=True),
    Role.LURAH: Policy(Scope.KELURAHAN, sees_identity_numbers=True, verivali=True, musyawarah=True),
    Role.ENUMERATOR: Policy(
        Scope.ASSIGNED, sees_identity_numbers=True, can_export=False, verivali=True, visits_families=True
    ),
    Role.VIEWER: Policy(Scope.NONE, sees_identity_numbers=False, can_export=False),
}


def policy_for(user) -> Policy:
    if not user.is_authenticated:
        return Policy(Scope.NONE, sees_identity_numbers=False, can_export=False)
    return POLICIES[user.role]
