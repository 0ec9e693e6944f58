"""The `tepat` command. Every command works on a fresh TEPAT_HOME (it creates and migrates the database)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from tepat.bootstrap import ensure_database, setup
from tepat.cli_support import fail

from tepat.registry.importer.profiles import format_names

FORMATS = ["auto", *format_names()]


@click.group()
def main() -> None:
    """Tepat: registri keluarga miskin, verivali, sasaran program dan rakor TKPKD."""


@main.command("migrate")
def migrate_command() -> None:
    """Create or upgrade the database under $TEPAT_HOME (or TEPAT_DATABASE_URL)."""
    setup()
    ensure_database()
    click.echo("database siap / database ready")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True)
@click.option("--dry-run", is_flag=True, help="Report the diff without writing anything.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report (.json or .xlsx).",
)
@click.option("--user", "username", help="Record the import under this user.")
@click.option(
    "--export-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date the source exported the file (YYYY-MM-DD)."
)
@click.option(
    "--allow-missing",
    is_flag=True,
    help="Write even when more than TEPAT_MISSING_THRESHOLD of the families in the file's kelurahan would be marked missing.",
)
def import_command(
    file: Path,
    fmt: str,
    dry_run: bool,
    report_path: Path | None,
    username: str | None,
    export_date,
    allow_missing: bool,
) -> None:
    """Import a P3KE or DTSEN export (xlsx, xls, ods or csv). Exit 0 when done (even with rejected rows), 2 when the file is unusable or over a limit,
    or when it would mark too many families missing (nothing written; see --allow-missing)."""
    setup()
    ensure_database()
    from tepat.cli_support import run_import

    sys.exit(
        run_import(
            file, fmt, dry_run, report_path, username, export_date.date() if export_date else None, allow_missing
        )
    )


@main.command("generate")
@click.option("--families", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS[1:]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--error-rate", type=float, default=0.0, show_default=True)
@click.option(
    "--identity-noise",
    type=float,
    default=0.0,
    show_default=True,
    help="DTSEN: share of persons with a NIK typo, name variant, date swap, ... (truth: <stem>.identity.csv)",
)
def generate_command(families: int, fmt: str, out: Path, seed: int, error_rate: float, identity_noise: float) -> None:
    """Write a synthetic Tanjungbalai export in a real layout (with a ground-truth file when faults are injected)."""
    from tepat.demo.generate import generate

    try:
        result = generate(families, fmt, out, seed=seed, error_rate=error_rate, identity_noise=identity_noise)
    except ValueError as problem:
        fail(str(problem))
    click.echo(f"{result.path}: {result.rows} baris, {result.families} keluarga, {result.members} anggota")
    if result.truth_path:
        click.echo(f"{result.faults} kesalahan disisipkan, daftar: {result.truth_path}")
    if result.identity_path:
        click.echo(f"identitas sebenarnya / identity truth: {result.identity_path}")


@main.group()
def regions() -> None:
    """Region master (Kemendagri and BPS codes)."""


@regions.command("load")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--code", help="A province (12) or kab/kota (12.09) code: load it from the shipped national Kemendagri list."
)
def regions_load(file: Path | None, code: str | None) -> None:
    """Load a region csv (code,name,level,parent,bps_code,population), or `--code` from the national list. All or nothing."""
    setup()
    ensure_database()
    from tepat.regions.loading import load_national, load_regions

    if bool(file) == bool(code):
        fail("beri FILE atau --code (salah satu) / give FILE or --code (one of them)")
    outcome = load_regions(file) if file else load_national(code.strip())
    for error in outcome.errors:
        click.echo(error, err=True)
    if outcome.errors:
        sys.exit(2)
    click.echo(f"{outcome.created} wilayah baru, {outcome.updated} diperbarui / created, updated")


@main.group()
def opd() -> None:
    """City agencies (OPD) that operator accounts belong to."""


@opd.command("add")
@click.argument("code")
@click.argument("name")
def opd_add(code: str, name: str) -> None:
    """Add an OPD, e.g. `tepat opd add dinsos "Dinas Sosial"`."""
    setup()
    ensure_database()
    from django.core.exceptions import ValidationError

    from tepat.accounts.actions import do_create_opd

    try:
        do_create_opd(code, name, acting_user=None)
    except ValidationError as error:
        fail(f"OPD {code}: {'; '.join(error.messages)}")
    click.echo(f"OPD {code} dibuat / created")


@opd.command("list")
def opd_list() -> None:
    """Print the OPDs (code, name)."""
    setup()
    ensure_database()
    from tepat.accounts.models import Opd

    for code, name in Opd.objects.order_by("code").values_list("code", "name"):
        click.echo(f"{code}\t{name}")


@main.group()
def rules() -> None:
    """Eligibility rules (docs/rules.md): check them and count who they select."""


@rules.command("check")
@click.argument("expr")
def rules_check(expr: str) -> None:
    """Exit 0 when EXPR is a valid rule, 2 with the messages (and where) otherwise."""
    from tepat.cli_support import print_rule_issues
    from tepat.engine.rules import check

    result = check(expr)
    print_rule_issues(expr, result.errors + result.warnings)
    if not result.ok:
        sys.exit(2)
    click.echo("OK")


@rules.command("count")
@click.argument("expr")
@click.option("--by", type=click.Choice(["kecamatan", "kelurahan"]), help="Also count per kecamatan or kelurahan.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with keys families, members, by.")
def rules_count(expr: str, by: str | None, as_json: bool) -> None:
    """Count the eligible families and their members in the whole registry."""
    setup()
    ensure_database()
    from tepat.cli_support import count_rule

    sys.exit(count_rule(expr, by, as_json))


@main.command("createuser")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "analyst", "opd", "camat", "lurah", "enumerator", "viewer"])
)
@click.option("--region", "region_code", help="Kemendagri code of the kecamatan (camat) or kelurahan (lurah).")
@click.option("--opd", "opd_code", help="OPD code (operator OPD).")
def createuser_command(username: str, role: str, region_code: str | None, opd_code: str | None) -> None:
    """Create a user and print a generated password once."""
    setup()
    ensure_database()
    from django.core.exceptions import ObjectDoesNotExist, ValidationError

    from tepat.accounts.actions import do_create_user

    try:
        _, password = do_create_user(username, role=role, region_code=region_code, opd_code=opd_code, acting_user=None)
    except ObjectDoesNotExist:
        fail(f"wilayah {region_code} atau OPD {opd_code} tidak ada / region or OPD not found (see `tepat opd list`)")
    except ValidationError as error:
        fail("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
    click.echo(f"{username}: {password}")


@main.command("password")
@click.argument("username")
def password_command(username: str) -> None:
    """Set a new generated password for USERNAME and print it once."""
    setup()
    ensure_database()
    from tepat.accounts.actions import do_reset_password
    from tepat.accounts.models import User

    try:
        click.echo(f"{username}: {do_reset_password(username, acting_user=None)}")
    except User.DoesNotExist:
        fail(f"pengguna {username} tidak ada / no such user")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option(
    "--processes",
    type=int,
    default=None,
    help="Web server processes (default TEPAT_WEB_PROCESSES, or one per core plus one, 2 to 8).",
)
@click.option("--threads", default=8, show_default=True, help="Threads per web server process.")
@click.option(
    "--workers", type=int, default=None, help="Worker processes for long jobs (default TEPAT_WORKERS, 1; 0 = none)."
)
def serve_command(host: str, port: int, processes: int | None, threads: int, workers: int | None) -> None:
    """Serve the web app with gunicorn (several processes × threads) and start the job workers beside it."""
    setup()
    ensure_database()
    from tepat.serve import serve

    serve(host, port, threads, workers, processes)


@main.command("snapshot")
def snapshot_command() -> None:
    """Write the registry snapshot of the current version now unless it exists (the job worker does it after every change)."""
    setup()
    ensure_database()
    from tepat.registry.snapshot import build_snapshot

    built = build_snapshot()
    click.echo(f"snapshot {built.name} ({built.path})")


@main.command("worker")
@click.option("--processes", default=1, show_default=True, help="Jobs run at once by this command (one per process).")
@click.option("--child", is_flag=True, hidden=True)
def worker_command(processes: int, child: bool) -> None:
    """Run the long jobs the web pages queue (imports, realisasi, ODK ingests, boundaries); memory capped by TEPAT_JOB_MEMORY_MB."""
    setup()
    if child:
        from tepat.jobs.worker import run_child

        run_child()
        return
    ensure_database()
    from tepat.jobs.worker import supervise

    supervise(processes, echo=click.echo)


@main.command("demo")
@click.option("--no-serve", is_flag=True, help="Stop after loading the demo data.")
@click.option("--families", default=12_000, show_default=True, help="Size of the synthetic P3KE registry.")
@click.option("--port", default=8000, show_default=True)
@click.option("--region", help="Kab/kota (or province) code of the demo, e.g. 12.09 (default: TEPAT_REGION_CODE).")
def demo_command(no_serve: bool, families: int, port: int, region: str | None) -> None:
    """Load a synthetic demo registry of the region (through the real importer) and serve it."""
    setup()
    ensure_database()
    from tepat.demo.load import load_demo

    load_demo(families, echo=click.echo, region=region.strip() if region else None)
    if not no_serve:  # a fresh process: this one ran polars, whose thread pool would not survive serve's fork
        os.execv(sys.executable, [sys.executable, "-m", "tepat", "serve", "--port", str(port), "--threads", "8"])


from tepat.indicators.cli import indicators, publish  # noqa: E402
from tepat.registry.cli import batch  # noqa: E402
from tepat.reports.cli import report  # noqa: E402
from tepat.verivali.cli import verivali  # noqa: E402
from tepat.linkage.cli import linkage  # noqa: E402
from tepat.api.cli import token  # noqa: E402

for group in (indicators, publish, report, verivali, batch, linkage, token):
    main.add_command(group)

from tepat.backup.cli import backup_command, restore_command  # noqa: E402

main.add_command(backup_command)
main.add_command(restore_command)


if __name__ == "__main__":
    main()
