"""The import report: a dict with stable keys (docs/import-report.md), written as JSON or xlsx."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from tepat.registry.importer.load import Outcome
from tepat.registry.importer.pipeline import Prepared
from tepat.registry.spreadsheet import write_xlsx
from tepat.secure import make_private, private_dir, write_private


def build(prepared: Prepared, outcome: Outcome, *, dry_run: bool, file_name: str) -> dict:
    return {
        "format": prepared.profile.name,
        "file": file_name,
        "sha256": prepared.sha256,
        "dry_run": dry_run,
        "rows": prepared.rows,
        "families": outcome.families.as_dict(),
        "members": outcome.members.as_dict(),
        "rejected": prepared.errors.to_dicts(),
        "warnings": prepared.warnings.to_dicts(),
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
    summary = [("format", str(report.get("format"))), ("berkas / file", report.get("file", "")),
               ("sha256", report.get("sha256", "")), ("baris / rows", str(report.get("rows", ""))),
               ("uji coba / dry run", "ya / yes" if report.get("dry_run") else "tidak / no")]
    for level in ("families", "members"):
        for key, value in (report.get(level) or {}).items():
            summary.append((f"{level}.{key}", str(value)))
    if "fatal" in report:
        summary.append(("fatal", report["fatal"]["message"]))
    issue_schema = {"row": pl.Int64, "column": pl.String, "value": pl.String, "code": pl.String, "message": pl.String}
    return {
        "Ringkasan": pl.DataFrame(summary, schema={"item": pl.String, "nilai": pl.String}, orient="row"),
        "Ditolak": pl.DataFrame(report.get("rejected", []), schema=issue_schema),
        "Peringatan": pl.DataFrame(report.get("warnings", []), schema=issue_schema),
    }
