"""Masking of identity numbers and the personal-data access log."""

from __future__ import annotations

import re

import polars as pl

from tepat.accounts.models import AccessKind, PersonalDataAccess
from tepat.accounts.roles import policy_for
from tepat.registry.fields import IDENTITY_FIELDS


def mask(value: str | None) -> str:
    """'1274010101900001' -> '127401******0001'. Short or empty values are fully masked."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_expr(column: str) -> pl.Expr:
    """The vectorised `mask`: same output for every value."""
    text = pl.col(column).cast(pl.String).fill_null("")
    length = text.str.len_chars().cast(pl.Int64)
    masked = text.str.slice(0, 6) + pl.lit("*").repeat_by((length - 10).clip(0)).list.join("") + text.str.slice(-4, 4)
    short = pl.lit("*").repeat_by(length).list.join("")
    return pl.when(text.str.len_chars() >= 10).then(masked).otherwise(short).alias(column)


def masked_report(user, report: dict) -> dict:
    """An import report as this user may see it: NIK / No KK values masked unless the role needs them."""
    if policy_for(user).sees_identity_numbers:
        return report

    def hide(issue: dict) -> dict:
        return {**issue, "value": mask_numbers(issue.get("value")), "message": mask_numbers(issue.get("message"))}

    return {**report, **{key: [hide(i) for i in report.get(key, [])] for key in ("rejected", "warnings")}}


IDENTITY_LIKE = re.compile(r"(?<!\d)(\d{6})\d{6}(\d{4})(?!\d)")


def mask_numbers(text: str | None) -> str | None:
    """Mask every 16-digit number in a text (a NIK or No KK, e.g. a DTSEN family key in a message)."""
    return IDENTITY_LIKE.sub(r"\1******\2", text) if text else text


def identity_for(user, value: str | None) -> str:
    return (value or "") if policy_for(user).sees_identity_numbers else mask(value)


def masked_changes(user, fields: dict) -> dict:
    """History {field: [before, after]} with NIK / No KK masked unless the role needs them."""
    if policy_for(user).sees_identity_numbers:
        return fields
    return {k: [mask(str(v)) if v else v for v in pair] if k in IDENTITY_FIELDS else pair for k, pair in fields.items()}


def log_access(user, kind: AccessKind, what: str, records: int = 1) -> None:
    PersonalDataAccess.objects.create(
        user=user, kind=kind, what=what[:200], records=records, unmasked=policy_for(user).sees_identity_numbers
    )
