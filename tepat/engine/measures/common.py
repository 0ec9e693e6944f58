"""What the measures share: bilingual input errors, result labels, and narwhals plumbing.

Every measure takes a native frame (polars eager or lazy, or a DuckDB relation), works on it lazily
through narwhals and materialises only its small result (one row per group).
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

from enum import StrEnum
from typing import Any

import narwhals.stable.v2 as nw

from tepat.engine.rules.evaluate import rows


class Kind(StrEnum):
    """Where a figure comes from. Survey estimates carry sampling error; registry counts do not, but
    cover only the registered families (they are not estimates of the whole population)."""

    SURVEY_ESTIMATE = "survey_estimate"
    REGISTRY_COUNT = "registry_count"
    OFFICIAL_SERIES = "official_series"


class InputError(ValueError, Bilingual):
    """Input a user can get wrong (a file, a column, a target): the message is in Indonesian and English.

    `bilingual` is the Message (tepat.engine.bilingual); `str(error)` is "<Indonesian> / <English>";
    `message_id` / `message_en` read the Message; `column` and `row` (1-based data row, header not
    counted) say where, when known."""

    def __init__(self, message: Message, *, column: str | None = None, row: int | None = None) -> None:
        self.bilingual = message
        self.column = column
        self.row = row
        super().__init__(str(message))


def lazy_of(native: Any) -> nw.LazyFrame:
    """A narwhals LazyFrame over any supported native frame (no data is read)."""
    frame = nw.from_native(native)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def require_columns(frame: nw.LazyFrame, columns: list[str | None]) -> None:
    """A column named by the user but absent from the file is a user error: list what is there."""
    names = frame.collect_schema().names()
    missing = [column for column in columns if column is not None and column not in names]
    if missing:
        wanted, present = ", ".join(missing), ", ".join(names)
        raise InputError(
            Message(
                f"Kolom tidak ditemukan: {wanted} (kolom yang ada: {present})",
                f"Column not found: {wanted} (available columns: {present})",
            ),
            column=missing[0],
        )


def materialise(frame: nw.LazyFrame) -> list[dict[str, Any]]:
    """A small lazy result as Python dicts (DuckDB read with fetchall: no pyarrow needed)."""
    return rows(frame)


def first_row(frame: nw.LazyFrame, condition: nw.Expr) -> int | None:
    """1-based position of the first row where `condition` holds, in the frame's scan order (DuckDB
    keeps insertion order by default). Reads one boolean column of every row: call it on the error
    path only, after an aggregate has shown that such a row exists."""
    flags = materialise(frame.select(condition.fill_null(True).alias("__flag")))
    return next((index + 1 for index, row in enumerate(flags) if row["__flag"]), None)


def total(expression: nw.Expr) -> nw.Expr:
    """Sum of a boolean expression as an integer (0 on no rows)."""
    return expression.cast(nw.Int64).sum()


def number_expression(column: str) -> nw.Expr:
    return nw.col(column).cast(nw.Float64)


def missing(column: str) -> nw.Expr:
    """Null, or NaN for a float column (NaN sorts above every number in both backends: refuse it)."""
    value = number_expression(column)
    return value.is_null() | value.is_nan().fill_null(False)
