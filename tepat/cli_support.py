"""The work behind CLI commands that is more than a call: imports with a progress bar, serving."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tqdm import tqdm


def run_import(
    file: Path,
    fmt: str,
    dry_run: bool,
    report_path: Path | None,
    username: str | None,
    export_date=None,
    allow_missing: bool = False,
) -> int:
    from tepat.accounts.models import User
    from tepat.registry.actions import create_batch, do_import
    from tepat.registry.importer.report import save

    user = User.objects.filter(username=username).first() if username else None
    if username and user is None:
        click.echo(f"pengguna {username} tidak ada / no such user", err=True)
        return 2
    from tepat.jobs.kinds import one_import_at_a_time
    from tepat.jobs.run import tracked

    batch = create_batch(
        file.resolve(),
        acting_user=user,
        requested_format=fmt,
        dry_run=dry_run,
        export_date=export_date,
        allow_missing=allow_missing,
    )
    with (
        tqdm(total=100, desc="impor", unit="%", file=sys.stderr) as bar,
        tracked("import", acting_user=user, batch=batch, cli=True),
        one_import_at_a_time(),
    ):

        def progress(stage: str, fraction: float) -> None:
            bar.set_description(stage)
            bar.update(max(0, int(fraction * 100) - bar.n))

        batch = do_import(batch, acting_user=user, progress=progress)
    report = batch.report
    if report_path:
        save(report, report_path)
    click.echo(summary(report))
    return 2 if "fatal" in report or "held" in report else 0


def summary(report: dict) -> str:
    if "fatal" in report:
        return f"GAGAL / FAILED [{report['fatal']['code']}]: {report['fatal']['message']}"
    lines = [
        f"format {report['format']}, {report['rows']} baris, {len(report.get('coverage', []))} kelurahan"
        + (" (dry run: tidak ada yang ditulis)" if report["dry_run"] else "")
    ]
    if "held" in report:
        lines.insert(
            0,
            f"DITAHAN, TIDAK ADA YANG DITULIS / HELD, NOTHING WRITTEN [{report['held']['code']}]: {report['held']['message']}",
        )
    elif (report.get("missing_check") or {}).get("over_threshold"):
        lines.append(
            "PERINGATAN / WARNING: impor sungguhan akan ditahan / a real import would be held (--allow-missing)"
        )
    if "same_as" in report:
        lines.append(
            f"berkas sama dengan impor {report['same_as']}, registri tidak berubah / same file as import {report['same_as']}, nothing changed"
        )
    for level, label in (("families", "keluarga"), ("members", "anggota")):
        c = report[level]
        lines.append(
            f"{label}: {c['new']} baru, {c['updated']} berubah, {c['unchanged']} tetap, {c['missing']} hilang, {c['rejected']} ditolak"
        )
    lines.append(f"{len(report['rejected'])} masalah baris, {len(report['warnings'])} peringatan")
    for issue in report["rejected"][:10]:
        lines.append(f"  baris {issue['row']} [{issue['column']}] {issue['code']}: {issue['message']}")
    return "\n".join(lines)


def print_rule_issues(text: str, issues: list) -> None:
    """Each problem under the rule text, with a caret at its position."""
    lines = text.splitlines() or [""]
    for issue in issues:
        line = lines[min(issue.line, len(lines)) - 1]
        click.echo(line, err=True)
        click.echo(" " * (issue.column - 1) + "^" * max(1, issue.length), err=True)
        click.echo(f"[{issue.code}] baris {issue.line} kolom {issue.column}: {issue.message}", err=True)


def count_rule(text: str, by: str | None, as_json: bool) -> int:
    from datetime import date

    from tepat.engine.rules import check, count
    from tepat.programs.frames import WHOLE_REGISTRY, registry_frames

    result = check(text)
    print_rule_issues(text, result.errors + result.warnings)
    if not result.ok:
        return 2
    families, members = registry_frames(WHOLE_REGISTRY)
    counts = count(result.rule, families, members, date.today(), by=by)
    if counts.warning:
        print_rule_issues(text, [counts.warning])
    data = counts.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return 0
    click.echo(f"{data['families']} keluarga, {data['members']} jiwa / families, people")
    for group in data.get("by") or []:
        click.echo(f"  {group[by]:<16} {group['families']:>8} keluarga {group['members']:>9} jiwa")
    return 0


def fail(message: str) -> None:
    """A problem the user can fix: say it on stderr and exit 2."""
    click.echo(message, err=True)
    sys.exit(2)
