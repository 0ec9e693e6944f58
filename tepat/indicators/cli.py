"""`tepat indicators ...` commands (registered on the main group in tepat/cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tepat.cli_support import fail


@click.group()
def indicators() -> None:
    """Poverty measures (docs/measures.md)."""


@indicators.command("fgt")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--line", "line", type=float, required=True, help="Poverty line Z (Rp per capita per month).")
@click.option("--weight", help="Survey weight column.")
@click.option("--by", help="Group column (e.g. kecamatan).")
@click.option("--strata", help="Stratum column of the survey design (standard errors by stratum).")
@click.option("--psu", help="Primary sampling unit (cluster) column of the survey design.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys p0, p1, p2, se_p0, ..., groups).")
def indicators_fgt(
    file: Path, line: float, weight: str | None, by: str | None, strata: str | None, psu: str | None, as_json: bool
) -> None:
    """P0, P1, P2 (x100, survey estimates) from per-capita expenditure microdata; exit 2 on bad input."""
    import json

    from tepat.engine.measures import InputError, fgt_cli_result

    try:
        result = fgt_cli_result(file, line, weight=weight, by=by, strata=strata, psu=psu)
    except InputError as problem:
        fail(str(problem))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(
        f"Estimasi survei / survey estimate: P0 {result['p0']:.2f}  P1 {result['p1']:.2f}  P2 {result['p2']:.2f}  (n={result['n']})"
    )
    click.echo(
        f"  galat baku / standard error: P0 {result['se_p0']:.2f}  P1 {result['se_p1']:.2f}  P2 {result['se_p2']:.2f}"
    )
    for group in result.get("groups") or []:
        click.echo(f"  {group['group']}: P0 {group['p0']:.2f}  P1 {group['p1']:.2f}  P2 {group['p2']:.2f}")


@indicators.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def indicators_import(file: Path, dry_run: bool, as_json: bool) -> None:
    """Official series (csv/xlsx, BPS style, wide or long: docs/indikator.md). All or nothing; exit 2 on any error."""
    import json

    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from tepat.indicators.actions import do_import_series

    report = do_import_series(file, acting_user=None, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    for warning in report.warnings:
        click.echo(f"peringatan / warning: {warning.message}", err=True)
    if report.errors:
        for error in report.errors:
            click.echo(f"galat / error: {error.message}", err=True)
        fail(f"{len(report.errors)} galat, tidak ada yang disimpan / {len(report.errors)} errors, nothing written")
    if not as_json:
        verb = "diperiksa (uji coba) / checked (dry run)" if dry_run else "disimpan / saved"
        click.echo(
            f"{file.name}: {report.layout}; {verb}: {report.created} baru/new, {report.updated} diperbarui/updated"
        )


@indicators.command("snapshot")
@click.option("--label", default="", help="A name for the snapshot, e.g. 'sebelum verivali 2025'.")
def indicators_snapshot(label: str) -> None:
    """Store the registry's aggregated indicators (counts per region) to compare later."""
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from tepat.indicators.actions import do_create_snapshot

    snap = do_create_snapshot(label or "CLI", acting_user=None)
    click.echo(f"snapshot #{snap.pk}: {snap.data['families']} keluarga/families")


@click.command("publish")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the release files.",
)
@click.option(
    "--method",
    type=click.Choice(["lp", "garis"]),
    default="lp",
    show_default=True,
    help="How complementary cells are chosen: lp (audited repair) or garis (the old line rule, for comparison). Both are audited.",
)
def publish(out: Path, method: str) -> None:
    """The public aggregate release: desil.csv, deprivasi.csv, datapackage.json and audit.json
    (docs/indikator.md). Refused (exit 2, nothing written) when the disclosure audit fails."""
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from tepat.engine.disclosure import METHODS, DisclosureRisk
    from tepat.indicators.publish import public_files, write

    try:
        contents = public_files(protector=None if method == "lp" else METHODS[method])
    except DisclosureRisk as risk:
        fail(f"Rilis ditolak, tidak ada berkas ditulis / release refused, nothing written. {risk}")
    for path in write(out, contents):
        click.echo(str(path))
    audit = json.loads(contents["audit.json"])
    click.echo(
        f"audit: lulus / passed; {audit['hidden_cells']} sel tersembunyi / hidden cells; ambang / threshold {audit['small_cell']}"
    )
