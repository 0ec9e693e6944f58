"""`tepat backup --out FILE` and `tepat restore FILE` (registered on the main group in tepat/cli.py)."""

from __future__ import annotations

from pathlib import Path

import click

from tepat.cli_support import fail


@click.command("backup")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.tar.gz, outside TEPAT_HOME."
)
def backup_command(out: Path) -> None:
    """Back up the database (a consistent copy) and every file under TEPAT_HOME, with sha256 checksums."""
    from tepat.bootstrap import setup

    setup()
    from django.conf import settings
    from django.db import connection

    from tepat.backup import BackupError
    from tepat.backup.archive import make_backup

    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        fail(f"[no_database] tidak ada database di {settings.TEPAT_HOME} / no database there")
    try:
        manifest = make_backup(out)
    except BackupError as problem:
        fail(str(problem))
    size = sum(entry["size"] for entry in manifest["files"])
    click.echo(
        f"{out}: {len(manifest['files'])} berkas / files ({size / 1e6:.1f} MB sebelum kompresi / before compression), "
        f"{sum(manifest['counts'].values())} baris / rows, database {manifest['engine']}"
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore FILE into an empty TEPAT_HOME and an empty configured database; checksums and row counts are verified."""
    from tepat.bootstrap import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    from tepat.backup import BackupError
    from tepat.backup.restore import restore_backup

    try:
        manifest = restore_backup(file)
    except BackupError as problem:
        fail(str(problem))
    call_command(
        "migrate", interactive=False, verbosity=0
    )  # a backup from an older version is migrated forward; no rows added
    click.echo(
        f"{settings.TEPAT_HOME}: {len(manifest['files'])} berkas / files dan {sum(manifest['counts'].values())} baris "
        f"dipulihkan dan diperiksa / restored and verified (cadangan / backup {manifest['created']})"
    )
