"""Masking of identity numbers and the personal-data access log."""
from __future__ import annotations

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
    from tepat.registry.importer.profiles import normalize_header
    from tepat.registry.importer.read import IDENTITY_HEADERS

    def hide(issue: dict) -> dict:
        identity = normalize_header(issue.get("column")) in IDENTITY_HEADERS
        return {**issue, "value": mask(issue["value"]) if identity and issue.get("value") else issue.get("value")}

    return {**report, **{key: [hide(i) for i in report.get(key, [])] for key in ("rejected", "warnings")}}


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
