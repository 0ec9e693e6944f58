"""From raw headers to canonical columns: format detection, required columns, value normalisation."""

from __future__ import annotations

import difflib
import re

import polars as pl

from tepat.registry.importer.messages import ImportFatal
from tepat.registry.importer.profiles import Profile, load_domains, normalize_header
from tepat.registry.importer.read import ROW, Table


def mapping(profile: Profile, headers: list[str]) -> dict[str, str]:
    """canonical -> raw header, first matching header wins."""
    found: dict[str, str] = {}
    for header in headers:
        canonical = profile.aliases.get(normalize_header(header))
        if canonical and canonical not in found:
            found[canonical] = header
    return found


def detect_format(headers: list[str], profiles: dict[str, Profile], requested: str = "auto") -> Profile:
    """The profile whose required columns are all present and that matches the most headers."""
    if requested != "auto":
        if requested not in profiles:
            raise ImportFatal("format_unknown", detail=requested)
        profile = profiles[requested]
        require_columns(profile, headers)
        return profile
    ranked = sorted(profiles.values(), key=lambda p: _fit(p, headers), reverse=True)
    best = ranked[0]
    require_columns(best, headers)
    return best


def _fit(profile: Profile, headers: list[str]) -> tuple[bool, int, int]:
    """Complete profiles first, then the most required columns found, then the most columns found."""
    found = mapping(profile, headers)
    required = sum(name in found for name in profile.required)
    return required == len(profile.required), required, len(found)


def require_columns(profile: Profile, headers: list[str]) -> None:
    found = mapping(profile, headers)
    missing = [name for name in profile.required if name not in found]
    if missing:
        names = [profile.header_for(name) for name in missing]
        nearest = sorted({n for name in names for n in difflib.get_close_matches(name, headers, n=2, cutoff=0.4)})
        raise ImportFatal("columns_missing", missing=", ".join(names), nearest=", ".join(nearest) or "-")


def canonical_frame(table: Table, profile: Profile) -> pl.DataFrame:
    """Rename to canonical names, trim and collapse whitespace, empty text -> null.

    Adds `_numeric_nik` / `_numeric_no_kk` (cell was a number in the xlsx) and keeps `_row`. Columns
    the file lacks stay absent, so that an import never overwrites a field its format does not carry.
    """
    frame = collect(canonical_lazy(table, profile))
    if frame.height == 0:
        raise ImportFatal("file_empty")
    return with_numeric_flags(frame, table, profile)


def canonical_lazy(table: Table, profile: Profile, only: tuple[str, ...] | None = None) -> pl.LazyFrame:
    """The canonical columns (or `only` those of them the file has) as a lazy query over the raw frame."""
    found = mapping(profile, table.headers)
    columns = [
        _clean(pl.col(raw)).alias(canonical)
        for canonical, raw in found.items()
        if canonical not in profile.ignored and (only is None or canonical in only)
    ]
    return table.frame.lazy().select(pl.col(ROW), *columns)


def with_numeric_flags(frame: pl.DataFrame, table: Table, profile: Profile) -> pl.DataFrame:
    """`_numeric_nik` / `_numeric_no_kk`; a chunk of a csv (no cell types) has them all False."""
    found = mapping(profile, table.headers)
    extras = []
    for field in ("nik", "no_kk"):
        raw = found.get(field)
        flags = table.numeric.get(raw) if raw else None
        extras.append(
            (flags if flags is not None else pl.Series([False] * frame.height, dtype=pl.Boolean)).alias(
                f"_numeric_{field}"
            )
        )
    return frame.with_columns(extras)


def collect(frame: pl.LazyFrame, engine: str = "auto") -> pl.DataFrame:
    """Run the lazy read; a csv that polars cannot parse is a problem with the whole file."""
    try:
        return frame.collect(engine=engine)
    except pl.exceptions.PolarsError as error:
        raise ImportFatal("file_unreadable", detail=str(error).splitlines()[0][:200]) from error


def _clean(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String)
    # the guard halves the cost: most cells have no run of whitespace to collapse
    text = (
        pl.when(text.str.contains(r"\s\s|[\t\n\r]"))
        .then(text.str.replace_all(r"\s+", " "))
        .otherwise(text)
        .str.strip_chars()
    )
    return pl.when(text == "").then(None).otherwise(text)


def normalize_categories(frame: pl.DataFrame) -> pl.DataFrame:
    """Map each categorical value to its domain's spelling when they differ only in case or spacing.

    Values outside the domain are kept as given (the checks report them as warnings).
    """
    domains, _ = load_domains()
    updates = []
    for name, values in domains.items():
        if name not in frame.columns:
            continue
        lookup = {_fold(value): value for value in values}
        if len(lookup) != len(values):
            raise ValueError(f"domains.json: two values of {name} differ only in case or punctuation")
        folded = pl.col(name).str.to_lowercase().str.replace_all(FOLDED_AWAY, "")
        updates.append(folded.replace_strict(lookup, default=pl.col(name)).alias(name))
    return frame.with_columns(updates) if updates else frame


FOLDED_AWAY = r"[\s\-_/.,()']+"  # spacing and punctuation drift; symbols such as '>' still count


def _fold(value: str) -> str:
    return re.sub(FOLDED_AWAY, "", value.lower())
