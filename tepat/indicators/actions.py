"""The only writers of official series and registry snapshots. Each runs in one transaction and writes
an AuditEvent. A series table with any error writes nothing (validate everything first)."""

from __future__ import annotations

from tepat.engine.bilingual import Message

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from tepat.accounts.actor import actor_user
from tepat.accounts.models import AuditAction, audit
from tepat.indicators import series
from tepat.indicators.models import Observation, RegistrySnapshot
from tepat.regions.codes import level_of
from tepat.regions.models import Region


@dataclass
class SeriesImport:
    file_name: str
    layout: str = ""
    created: int = 0
    updated: int = 0
    errors: list[series.Problem] = field(default_factory=list)
    warnings: list[series.Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def written(self) -> bool:
        return not self.errors and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "layout": self.layout,
            "created": self.created,
            "updated": self.updated,
            "dry_run": self.dry_run,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }


def region_lookup() -> dict[str, str]:
    """Code as written -> Kemendagri code: dotted codes, their digits when unambiguous (province),
    and BPS codes (plain digits, as BPS tables print them)."""
    lookup: dict[str, str] = {}
    for code, bps in Region.objects.filter(level__in=("provinsi", "kabkota", "kecamatan")).values_list(
        "code", "bps_code"
    ):
        lookup[code] = code
        if bps:
            lookup[bps] = code
    return lookup


def _stored(regions: set[str]) -> dict[tuple, float]:
    rows = Observation.objects.filter(_region_filter(regions)).values_list(
        "region__code", "year", "indicator", "ppp_basis", "value"
    )
    return {
        (code or series.NATION, year, indicator, basis): float(value) for code, year, indicator, basis, value in rows
    }


def _region_filter(regions: set[str]):
    from django.db.models import Q

    condition = Q(region__code__in=[code for code in regions if code])
    return condition | Q(region__isnull=True) if series.NATION in regions else condition


def check_table(rows: list[list[str]], file_name: str) -> tuple[SeriesImport, list[series.Value]]:
    """Parse and check against the stored series (consistency, gaps). Reads the database only."""
    lookup = region_lookup()
    parsed = series.parse_table(rows, lambda code: lookup.get(code) if level_of(code) or code.isdigit() else None)
    report = SeriesImport(file_name, layout=parsed.layout, errors=list(parsed.errors), warnings=list(parsed.warnings))
    if parsed.ok:
        stored = _stored({v.region for v in parsed.values})
        report.errors += series.check_consistency(parsed.values, stored)
        years: dict[tuple, set[int]] = {}
        for region, year, indicator, _basis in stored:
            years.setdefault((region, indicator), set()).add(year)
        report.warnings += series.series_warnings(parsed.values, years)
    return report, parsed.values


def do_import_series(path: Path, *, acting_user, file_name: str = "", dry_run: bool = False) -> SeriesImport:
    """Check the whole table, then (no error, not a dry run) upsert every value in one transaction.
    An existing (indicator, region, year, PPP basis) is updated, the rest created."""
    name = file_name or path.name
    try:
        rows = series.read_table(path)
    except (OSError, ValueError, KeyError) as problem:  # openpyxl raises these on a file that is not xlsx
        report = SeriesImport(name)
        report.errors.append(
            series.Problem(
                None,
                None,
                "",
                Message(f"Berkas tidak dapat dibaca ({problem})", f"The file cannot be read ({problem})"),
            )
        )
        return report
    return _import_rows(rows, name, acting_user=acting_user, dry_run=dry_run, action=AuditAction.SERIES_IMPORTED)


def do_record_observation(
    *, region_code: str, year: str, indicator_column: str, value: str, ppp_basis: str, source: str, acting_user
) -> SeriesImport:
    """One value entered by hand: checked by exactly the rules of a file (it is a one-row long table)."""
    rows = [
        ["kode_wilayah", "tahun", "indikator", "nilai", "basis_ppp", "sumber"],
        [region_code, str(year), indicator_column, str(value), ppp_basis, source],
    ]
    return _import_rows(
        rows, "isian manual", acting_user=acting_user, dry_run=False, action=AuditAction.OBSERVATION_RECORDED
    )


def _import_rows(rows: list[list[str]], name: str, *, acting_user, dry_run: bool, action: AuditAction) -> SeriesImport:
    report, values = check_table(rows, name)
    report.dry_run = dry_run
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        _write(values, report, acting_user)
        audit(
            action,
            name,
            acting_user=acting_user,
            created=report.created,
            updated=report.updated,
            warnings=len(report.warnings),
        )
    return report


def _write(values: list[series.Value], report: SeriesImport, acting_user) -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in={v.region for v in values if v.region})}
    actor = actor_user(acting_user)
    for v in values:
        _, created = Observation.objects.update_or_create(
            indicator=v.indicator,
            region=regions.get(v.region),
            year=v.year,
            ppp_basis=v.ppp_basis,
            defaults={"value": Decimal(str(v.value)), "source": v.source, "synthetic": False, "recorded_by": actor},
        )
        report.created += created
        report.updated += not created


def do_create_snapshot(label: str, *, acting_user) -> RegistrySnapshot:
    """Store the registry's aggregated indicators now (tepat.indicators.registry.snapshot_data)."""
    from tepat.indicators.registry import snapshot_data
    from tepat.programs.targeting import snapshot as registry_state

    data = snapshot_data()
    with transaction.atomic():
        actor = actor_user(acting_user)
        snap = RegistrySnapshot.objects.create(
            label=label[:120] or "snapshot", created_by=actor, registry_state=registry_state(), data=data
        )
        audit(AuditAction.REGISTRY_SNAPSHOT, str(snap), acting_user=acting_user, families=data["families"])
    return snap
