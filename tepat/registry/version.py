"""Data versions: what caches and registry snapshots key on, instead of scanning the tables.

One row per part (tepat.registry.models.VersionPart). Every write that changes what a part contains
calls `bump(part)` inside its transaction, so a reader sees a new version exactly when it can see the
new data. The registry part is bumped explicitly by its one writer (tepat.registry.writer), for single
records and bulk writes alike. The other parts' ORM writers are caught by signals (`connect`, WATCHED);
their bulk writers call `bump` themselves.

Cost: `bump` is one UPDATE of a one-row-per-part table (on PostgreSQL it holds that row's lock to the
end of the writing transaction, so writers of one part follow each other); `current` is one SELECT of
four rows, whatever the size of the registry.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from tepat.registry.models import RegistryVersion, VersionPart

TABLE = RegistryVersion._meta.db_table


@dataclass(frozen=True)
class Version:
    number: int
    stamp: str
    changed_at: datetime | None = None

    @property
    def name(self) -> str:
        """The snapshot directory name: ordered by number, unique by stamp."""
        return f"{self.number:012d}-{self.stamp or 'start'}"

    @property
    def key(self) -> tuple[int, str]:
        return self.number, self.stamp


def bump(part: str) -> None:
    """A new version of `part`, in the caller's transaction. Guarantee: numbers only grow."""
    if part not in VersionPart.values:
        raise ValueError(f"unknown data part {part!r}")
    values = [secrets.token_hex(6), timezone.now(), part]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET number = number + 1, stamp = %s, changed_at = %s WHERE part = %s", values)
        if cursor.rowcount:
            return
    RegistryVersion.objects.bulk_create([RegistryVersion(part=part)], ignore_conflicts=True)
    bump(part)


def current() -> dict[str, Version]:
    """Every part's version (a part never bumped is number 0). Cost: one query of four rows."""
    found = {part: Version(0, "") for part in VersionPart.values}
    for part, number, stamp, at in RegistryVersion.objects.values_list("part", "number", "stamp", "changed_at"):
        found[part] = Version(number, stamp, at)
    return found


def key(*parts: str) -> tuple:
    """A cache key for data that reads `parts`: one query."""
    versions = current()
    return tuple(versions[part].key for part in parts)


# ORM writers of each part: a saved or deleted row bumps its part (bulk writers bump explicitly).
# Not the registry: its writer (tepat.registry.writer) bumps it explicitly.
WATCHED = {
    VersionPart.PROGRAMS: ("programs.Program", "programs.RuleVersion", "programs.TargetList", "programs.TargetEntry"),
    VersionPart.INTERVENTIONS: ("programs.Intervention",),
    VersionPart.MEETINGS: ("meetings.Meeting", "meetings.Decision", "meetings.ActionItem", "meetings.ActionProgress"),
    VersionPart.VERIVALI: (
        "verivali.Campaign",
        "verivali.CampaignFamily",
        "verivali.CampaignAssignment",
        "verivali.Visit",
        "verivali.ChangeRequest",
    ),
}


def connect() -> None:
    """Connect the signals (RegistryConfig.ready)."""
    from django.apps import apps

    for part, labels in WATCHED.items():
        for label in labels:
            model = apps.get_model(label)
            handler = _handler(str(part))
            post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"version-{label}-save")
            post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"version-{label}-delete")


def bump_on_audit(part: str, actions) -> None:
    """Bump `part` whenever one of `actions` is audited (an app's ready()). Every state change of an app is one
    audited action (house rule), so this catches its bulk writes (bulk_create, queryset updates) that the
    WATCHED signals cannot see, in the same transaction."""
    from tepat.accounts.models import AuditEvent

    wanted = frozenset(str(action) for action in actions)

    def bumped(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
        if created and not raw and instance.action in wanted:
            bump(part)

    post_save.connect(bumped, sender=AuditEvent, weak=False, dispatch_uid=f"version-audit-{part}")


def _handler(part: str):
    def bumped(sender, **kwargs) -> None:
        if not kwargs.get("raw"):
            bump(part)

    return bumped
