"""`tepat verivali ...` commands (registered on the main group in tepat/cli.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tepat.bootstrap import ensure_database, setup
from tepat.cli_support import fail


@click.group()
def verivali() -> None:
    """Verivali campaigns, XLSForm and ODK/Kobo submissions (docs/verivali.md)."""


def _campaign(campaign_id: int):
    from tepat.verivali.models import Campaign

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        fail(f"kampanye {campaign_id} tidak ada (lihat `tepat verivali list`) / no campaign {campaign_id}")
    return campaign


def campaign_rows():
    """(id, name, period, kelurahan, families, assigned, visited families, proposals) per campaign. Four queries."""
    from django.db.models import Count, Q

    from tepat.verivali.models import Campaign, CampaignFamily, Visit

    campaigns = Campaign.objects.annotate(kelurahan_count=Count("kelurahan", distinct=True)).order_by("pk")
    families = dict(CampaignFamily.objects.values_list("campaign").annotate(n=Count("pk")))
    assigned = dict(
        CampaignFamily.objects.filter(enumerator__isnull=False).values_list("campaign").annotate(n=Count("pk"))
    )
    visits = {
        row["campaign"]: row
        for row in Visit.objects.values("campaign").annotate(
            families=Count("family", distinct=True), proposals=Count("pk", filter=Q(family__isnull=True))
        )
    }
    for c in campaigns:
        seen = visits.get(c.pk, {})
        yield (
            c.pk,
            c.name,
            f"{c.period_start:%Y-%m-%d}..{c.period_end:%Y-%m-%d}",
            c.kelurahan_count,
            families.get(c.pk, 0),
            assigned.get(c.pk, 0),
            seen.get("families", 0),
            seen.get("proposals", 0),
            c.get_status_display(),
        )


@verivali.command("list")
def list_command() -> None:
    """Campaigns, id first: name, period, kelurahan, families, assigned, visited, new proposals, status."""
    setup()
    ensure_database()
    click.echo("id\tnama\tperiode\tkelurahan\tkeluarga\tditugaskan\tdikunjungi\tusulan_baru\tstatus")
    for row in campaign_rows():
        click.echo("\t".join(str(value) for value in row))


@verivali.command("xlsform")
@click.argument("campaign_id", metavar="CAMPAIGN", type=int)
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="The XLSForm to write (.xlsx)."
)
def xlsform_command(campaign_id: int, out: Path) -> None:
    """Write the campaign's ODK/KoboToolbox XLSForm with its assigned families preloaded."""
    setup()
    ensure_database()
    from tepat.verivali.odk.campaign import campaign_form_spec
    from tepat.verivali.odk.xlsform import xlsform_bytes

    spec = campaign_form_spec(_campaign(campaign_id))
    if not spec.families:
        fail("kampanye ini belum punya keluarga yang ditugaskan ke pendata / no families assigned to enumerators yet")
    out.write_bytes(xlsform_bytes(spec))
    click.echo(
        f"{out}: {len(spec.families)} keluarga, {len(spec.members)} anggota, {len(spec.enumerators)} pendata "
        f"(form_id {spec.form_id}, versi {spec.version})"
    )


@verivali.command("ingest")
@click.argument("campaign_id", metavar="CAMPAIGN", type=int)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--user", "username", required=True, help="Analyst or admin receiving the submissions for the enumerators."
)
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the reports as JSON."
)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON instead of the summary.")
@click.option(
    "--include-rejected",
    is_flag=True,
    help="Also take submissions the server's reviewer rejected (Central 'rejected', Kobo 'not approved'); flagged.",
)
def ingest_command(
    campaign_id: int,
    files: tuple[Path, ...],
    username: str,
    report_path: Path | None,
    as_json: bool,
    include_rejected: bool,
) -> None:
    """Ingest ODK Central / KoboToolbox submission exports (ODK Central zip, Kobo xlsx, .ods). Exit 0 when every
    row was accepted, updated, already ingested or skipped by review, 2 when a row was rejected or a file was
    refused (unreadable, or a csv without the member repeat)."""
    setup()
    ensure_database()
    from tepat.accounts.models import User
    from tepat.verivali.actions import acts_for_others
    from tepat.verivali.odk.ingest import ingest_file

    campaign = _campaign(campaign_id)
    user = User.objects.filter(username=username).first()
    if user is None or not acts_for_others(user):
        fail(f"{username}: bukan analis atau admin / not an analyst or admin")
    reports = [ingest_file(campaign, path, acting_user=user, include_rejected=include_rejected) for path in files]
    data = [r.as_dict() for r in reports]
    if report_path:
        report_path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(json.dumps(data, ensure_ascii=False, indent=1) if as_json else "\n".join(r.summary() for r in reports))
    sys.exit(max(r.exit_code() for r in reports))


@verivali.command("berita-acara")
@click.argument("meeting_id", metavar="MUSYAWARAH", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help=".pdf or .docx")
def berita_acara_command(meeting_id: int, out: Path) -> None:
    """Write the berita acara of a musyawarah kelurahan (PDF or DOCX, by the file's extension)."""
    setup()
    ensure_database()
    from tepat.verivali.documents import berita_acara_docx, berita_acara_pdf
    from tepat.verivali.models import Musyawarah

    writers = {".pdf": berita_acara_pdf, ".docx": berita_acara_docx}
    if out.suffix.lower() not in writers:
        fail("--out harus berakhiran .pdf atau .docx / must end in .pdf or .docx")
    meeting = Musyawarah.objects.filter(pk=meeting_id).first()
    if meeting is None:
        fail(f"musyawarah {meeting_id} tidak ada / no meeting {meeting_id}")
    out.write_bytes(writers[out.suffix.lower()](meeting))
    click.echo(f"{out}: {meeting.decisions.count()} keputusan")


@verivali.command("handback")
@click.argument("campaign_id", metavar="CAMPAIGN", type=int)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help=".xlsx or .csv")
@click.option(
    "--user", "username", required=True, help="Who exports (logged; NIK / No KK in full only if the role sees them)."
)
@click.option("--unsent", is_flag=True, help="Only the approved changes not yet recorded as sent.")
def handback_command(campaign_id: int, out: Path, username: str, unsent: bool) -> None:
    """Write the campaign's approved changes for the central data (DTSEN / SIKS-NG): one row per change, in the
    registry's P3KE/DTSEN column names. Logged as a personal-data export."""
    setup()
    ensure_database()
    from tepat.accounts.masking import log_access
    from tepat.accounts.models import AccessKind, User
    from tepat.accounts.permissions import Action, can
    from tepat.registry.spreadsheet import csv_bytes, xlsx_bytes
    from tepat.verivali.handback import handback_frame, handback_rows

    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail("--out harus berakhiran .xlsx atau .csv / must end in .xlsx or .csv")
    campaign = _campaign(campaign_id)
    user = User.objects.filter(username=username).first()
    if not (can(user, Action.REGISTRY_EXPORT) and can(user, Action.CAMPAIGNS_MANAGE)):
        fail(f"{username}: bukan analis atau admin / not an analyst or admin")
    rows = handback_rows(campaign, user, unsent_only=unsent)
    frame = handback_frame(rows)
    out.write_bytes(csv_bytes(frame) if out.suffix.lower() == ".csv" else xlsx_bytes({"Perubahan": frame}))
    log_access(user, AccessKind.EXPORT, f"hand-back verivali {campaign.name}", records=len(rows))
    click.echo(f"{out}: {len(rows)} perubahan dari {len({r['usulan'] for r in rows})} usulan yang disetujui")
