"""`tepat linkage run` and `tepat linkage pairs`: the CLI acts as the analyst (unmasked, city-wide)."""

from __future__ import annotations

import json

import click

from tepat.bootstrap import ensure_database, setup

STATUSES = ("pending", "linked", "rejected", "unsure")
KINDS = ("duplicate", "cross_source", "family", "realisasi")


@click.group()
def linkage() -> None:
    """Siapa adalah siapa: pasangan catatan P3KE / DTSEN / ganda (who is who across sources)."""


def _analyst():
    """The CLI's policy: the analyst's (city-wide, unmasked); an unsaved user carries it."""
    from tepat.accounts.models import User
    from tepat.accounts.roles import Role

    return User(username="cli", role=Role.ANALYST)


@linkage.command("run")
@click.option("--json", "as_json", is_flag=True, help="Laporan sebagai JSON / report as JSON.")
@click.option("--threads", type=int, default=2, show_default=True)
@click.option("--reuse-model", is_flag=True, help="Pakai model terakhir tanpa melatih ulang / reuse the latest model.")
def run_command(as_json: bool, threads: int, reuse_model: bool) -> None:
    """Latih model, nilai pasangan, isi antrean tinjauan / train, score, fill the review queue."""
    setup()
    ensure_database()
    from tepat.linkage.actions import do_run_linkage
    from tepat.linkage.models import LinkageModel

    latest = LinkageModel.objects.exclude(settings={}).first() if reuse_model else None
    report = do_run_linkage(acting_user=None, threads=threads, model=latest.settings if latest else None)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=1))
        return
    click.echo(f"model v{report.model_version}: {report.persons} orang / persons, {report.seconds:.1f} s")
    for kind, count in sorted(report.pairs.items()):
        click.echo(f"  {kind:<13} {count} pasangan / pairs")
    click.echo(f"  ditautkan otomatis (NIK sama) / auto-linked (same NIK): {report.auto_linked}")


@linkage.command("pairs")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", type=int, default=0, help="0: semua / all")
def pairs_command(status: str | None, kind: str | None, as_json: bool, limit: int) -> None:
    """Daftar pasangan / list pairs: id, kind, method, probability, status, left, right."""
    setup()
    ensure_database()
    from tepat.accounts.scope import scoped
    from tepat.linkage.models import Pair
    from tepat.linkage.serialize import pair_row, with_records

    user = _analyst()
    pairs = with_records(scoped(user, Pair.objects.all()))
    pairs = pairs.filter(status=status) if status else pairs
    pairs = pairs.filter(kind=kind) if kind else pairs
    pairs = pairs[:limit] if limit else pairs
    rows = [pair_row(pair, user) for pair in pairs.iterator(chunk_size=2000)]
    if as_json:
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
        return
    if not rows:
        click.echo("tidak ada pasangan / no pairs")
    for row in rows:
        click.echo(
            f"#{row['id']} {row['kind']} {row['method']} p={row['probability']:.3f} {row['status']}: "
            f"{row['left']['nama']} ({row['left']['source']}) ~ {row['right']['nama']} ({row['right']['source']})"
        )
