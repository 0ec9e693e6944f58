"""`tepat batch ...`: list imports and revert one (registered on the main group in tepat/cli.py)."""

from __future__ import annotations

import click

from tepat.bootstrap import ensure_database, setup
from tepat.cli_support import fail


@click.group()
def batch() -> None:
    """Import batches: list them, revert one (docs/operations.md)."""


@batch.command("list")
@click.option("--limit", default=20, show_default=True)
def batch_list(limit: int) -> None:
    """The latest imports: id, status, format, families new/changed/missing, who, file."""
    setup()
    ensure_database()
    from tepat.registry.models import ImportBatch

    click.echo(
        f"{'id':>5}  {'status':<10} {'format':<15} {'baru':>7} {'berubah':>7} {'hilang':>7}  {'oleh':<12} berkas"
    )
    for item in ImportBatch.objects.select_related("user").order_by("-pk")[:limit]:
        counts = item.report.get("families") or {}
        status = "reverted" if item.reverted_at else item.status
        flags = "".join(
            [
                " (uji coba/dry run)" if item.dry_run else "",
                f" (= {item.report['same_as']})" if "same_as" in item.report else "",
            ]
        )
        click.echo(
            f"{item.pk:>5}  {status:<10} {item.format or '-':<15} {counts.get('new', ''):>7} {counts.get('updated', ''):>7} "
            f"{counts.get('missing', ''):>7}  {str(item.user or '-'):<12} {item.file_name}{flags}"
        )


@batch.command("revert")
@click.argument("batch_id", type=int)
@click.option("--reason", required=True, help="Why the import is undone (kept in history).")
@click.option("--user", "username", help="Record the revert under this user.")
def batch_revert(batch_id: int, reason: str, username: str | None) -> None:
    """Undo import BATCH_ID: what it created is deactivated, what it changed or flagged is put back. Exit 2 when refused."""
    setup()
    ensure_database()
    from tepat.accounts.models import User
    from tepat.registry.actions import do_revert_batch
    from tepat.registry.importer.messages import RevertRefused
    from tepat.registry.models import ImportBatch

    item = ImportBatch.objects.filter(pk=batch_id).first()
    user = User.objects.filter(username=username).first() if username else None
    if item is None or (username and user is None):
        fail(f"impor {batch_id} atau pengguna {username} tidak ada / no such import or user")
    try:
        counts = do_revert_batch(item, acting_user=user, reason=reason)
    except RevertRefused as refused:
        fail(f"DITOLAK / REFUSED [{refused.code}]: {refused}")
    for kind, label in (
        ("deactivated", "dinonaktifkan (dibuat impor ini)"),
        ("restored", "dikembalikan"),
        ("unflagged", "tanda hilang dicabut"),
    ):
        click.echo(f"{label}: {counts[kind]['family']} keluarga, {counts[kind]['member']} anggota")
