"""Masking of identity numbers and the personal-data access log."""
from __future__ import annotations

import polars as pl

from tepat.accounts.models import AccessKind, PersonalDataAccess
from tepat.accounts.roles import policy_for


def mask(value: str | None) -> str:
    """'1274010101900001' -> '127401******0001'. Short or empty values are fully masked."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_expr(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).fill_null("")
    masked = text.str.slice(0, 6) + pl.lit("******") + text.str.slice(-4, 4)
    return pl.when(text.str.len_chars() >= 10).then(masked).otherwise(pl.lit("")).alias(column)


def identity_for(user, value: str | None) -> str:
    return (value or "") if policy_for(user).sees_identity_numbers else mask(value)


def log_access(user, kind: AccessKind, what: str, records: int = 1) -> None:
    PersonalDataAccess.objects.create(
        user=user, kind=kind, what=what[:200], records=records, unmasked=policy_for(user).sees_identity_numbers
    )
