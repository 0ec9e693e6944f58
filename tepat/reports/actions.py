"""Report state changes: generating a document (audited) and saving a written section."""

from __future__ import annotations

from django.db import transaction

from tepat.accounts.models import AuditAction, audit
from tepat.reports.documents import build
from tepat.reports.models import ReportText
from tepat.reports.periods import Period


def do_generate_report(kind: str, fmt: str, period: Period, period_code: str, *, acting_user) -> bytes:
    """The document's bytes; the audit log records who generated which report for which period."""
    content = build(kind, fmt, period, period_code, acting_user)
    audit(AuditAction.REPORT_GENERATED, f"{kind} {period_code}.{fmt}", acting_user=acting_user, bytes=len(content))
    return content


@transaction.atomic
def do_write_section(kind: str, period_code: str, section: str, text: str, *, acting_user) -> ReportText:
    """A new version of a written section; earlier versions stay."""
    row = ReportText.objects.create(
        kind=kind, period=period_code, section=section, text=text.strip(), written_by=acting_user
    )
    audit(
        AuditAction.REPORT_SECTION_WRITTEN,
        f"{kind} {period_code} {section}",
        acting_user=acting_user,
        chars=len(row.text),
    )
    return row
