"""The import report: a dict with stable keys (docs/import-report.md), written as JSON or xlsx."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tepat.registry.importer.load import MissingHeld, Outcome
from tepat.registry.importer.pipeline import Prepared
from tepat.registry.spreadsheet import write_xlsx
from tepat.secure import make_private, private_dir, write_private


def build(prepared: Prepared, outcome: Outcome, *, dry_run: bool, file_name: str, coverage: list[str]) -> dict:
    """coverage: Kemendagri codes of the kelurahan the file speaks for (missing is counted only there)."""
    checked = prepared.checked()
    report = {
        "format": prepared.profile.name,
        "file": file_name,
        "sha256": prepared.sha256,
        "dry_run": dry_run,
        "rows": checked.rows,
        "coverage": coverage,
        "families": outcome.families.as_dict(),
        "members": outcome.members.as_dict(),
        "rejected": checked.errors.to_dicts(),
        "warnings": checked.warnings.to_dicts(),
    }
    if outcome.guard is not None:
        report["missing_check"] = {**outcome.guard.as_dict(), "over_threshold": outcome.guard.trips()}
    return report


def held(report: dict, problem: MissingHeld) -> dict:
    """The report of an import the missing guard held (nothing kept): the would-be counts and why it waits."""
    return {
        **report,
        "held": {"code": "missing_over_threshold", "message": str(problem), **problem.outcome.guard.as_dict()},
    }


def same_file(previous: dict, *, dry_run: bool, file_name: str, batch_id: int) -> dict:
    """The report of re-importing the file of `previous` (batch_id) unchanged into an unchanged registry:
    every record it wrote is now unchanged, the ones it flagged are missing already, the rejected rows are
    rejected again. Exactly what the full import would find. Cost: copying the stored report."""
    counts = {level: _settled(previous[level]) for level in ("families", "members")}
    report = {**previous, "file": file_name, "dry_run": dry_run, **counts, "same_as": batch_id}
    if "missing_check" in report:
        report["missing_check"] = {**report["missing_check"], "missing": 0, "share": 0.0, "over_threshold": False}
    return report


def _settled(counts: dict) -> dict:
    return {
        "new": 0,
        "updated": 0,
        "unchanged": counts["new"] + counts["updated"] + counts["unchanged"],
        "missing": 0,
        "rejected": counts["rejected"],
    }


def fatal(code: str, message: str, file_name: str, sha256: str) -> dict:
    return {"format": None, "file": file_name, "sha256": sha256, "fatal": {"code": code, "message": message}}


def save(report: dict, path: Path) -> None:
    """JSON for machines, xlsx for people (a summary sheet, the rejected rows, the warnings)."""
    private_dir(path.parent)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, report_sheets(report))
        make_private(path)
    else:
        write_private(path, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))


def report_sheets(report: dict) -> dict[str, pl.DataFrame]:
    summary = [
        ("format", str(report.get("format"))),
        ("berkas / file", report.get("file", "")),
        ("sha256", report.get("sha256", "")),
        ("baris / rows", str(report.get("rows", ""))),
        ("uji coba / dry run", "ya / yes" if report.get("dry_run") else "tidak / no"),
        ("cakupan / coverage", ", ".join(report.get("coverage", []))),
    ]
    for level in ("families", "members"):
        for key, value in (report.get(level) or {}).items():
            summary.append((f"{level}.{key}", str(value)))
    if "fatal" in report:
        summary.append(("fatal", report["fatal"]["message"]))
    if "held" in report:
        summary.append(("ditahan / held", report["held"]["message"]))
    issue_schema = {"row": pl.Int64, "column": pl.String, "value": pl.String, "code": pl.String, "message": pl.String}
    return {
        "Ringkasan": pl.DataFrame(summary, schema={"item": pl.String, "nilai": pl.String}, orient="row"),
        "Ditolak": pl.DataFrame(report.get("rejected", []), schema=issue_schema),
        "Peringatan": pl.DataFrame(report.get("warnings", []), schema=issue_schema),
    }
