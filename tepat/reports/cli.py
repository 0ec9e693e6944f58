"""`tepat report ...` commands (registered on the main group in tepat/cli.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from tepat.cli_support import fail


@click.group()
def report() -> None:
    """Briefing pack, LP2KD and periodic reports as PDF/DOCX (docs/rakor.md)."""


def _write(kind: str, period_code: str, out: Path, username: str | None) -> None:
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from tepat.reports.actions import do_generate_report
    from tepat.reports.documents import DOCUMENTS
    from tepat.reports.periods import PeriodError, parse_period
    from tepat.accounts.models import User

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in DOCUMENTS[kind].formats:
        fail(
            f"{out.name}: format .{fmt} tidak tersedia; pilih {', '.join('.' + f for f in DOCUMENTS[kind].formats)} / "
            f"format .{fmt} not available; choose {', '.join('.' + f for f in DOCUMENTS[kind].formats)}"
        )
    try:
        period = parse_period(period_code)
    except PeriodError as problem:
        fail(str(problem))
    user = User.objects.filter(username=username).first() if username else None
    if username and user is None:
        fail(f"pengguna {username} tidak ada / no such user")
    out.write_bytes(do_generate_report(kind, fmt, period, period_code, acting_user=user))
    click.echo(f"{out} ({out.stat().st_size // 1024} KB)")


@report.command("briefing")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.pdf")
@click.option(
    "--year", type=int, default=lambda: date.today().year, help="Year whose realisasi is counted (default: this year)."
)
@click.option("--user", "username", help="Record the report under this user.")
def briefing_command(out: Path, year: int, username: str | None) -> None:
    """The rakor briefing pack (bahan rakor) from live data."""
    _write("briefing", str(year), out, username)


@report.command("lp2kd")
@click.option("--year", type=int, required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.docx or FILE.pdf")
@click.option("--user", "username", help="Record the report under this user.")
def lp2kd_command(year: int, out: Path, username: str | None) -> None:
    """The annual LP2KD draft (Permendagri 53/2020)."""
    _write("lp2kd", str(year), out, username)


@report.command("periodic")
@click.option(
    "--period",
    "period_code",
    required=True,
    help="2026-Q3 (quarterly, Inpres 4/2022) or 2026-S2 (semester, Inpres 8/2025).",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="FILE.docx or FILE.pdf")
@click.option("--user", "username", help="Record the report under this user.")
def periodic_command(period_code: str, out: Path, username: str | None) -> None:
    """The periodic report on the acceleration of extreme-poverty eradication."""
    _write("periodik", period_code, out, username)
