"""The pure half of an import: read, detect the format, check, shape. No database access.

The Django half (tepat.registry.importer.load) supplies the Context (what the registry already
holds) through a callback and writes the shaped frames.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Callable

import polars as pl

from tepat.registry.importer import checks, shape
from tepat.registry.importer import chunks as chunked
from tepat.registry.importer.canonical import canonical_frame, detect_format, mapping, normalize_categories
from tepat.registry.importer.parts import Parts
from tepat.registry.importer.profiles import Profile, load_profiles
from tepat.registry.importer.read import ROW, read_table

ISSUE_KEYS = ("row", "column", "value", "code", "message")


@dataclass(frozen=True)
class Checked:
    """What the checks found in the whole file: known once its last chunk is checked."""

    rows: int
    errors: pl.DataFrame  # row, column, value, code, message
    warnings: pl.DataFrame
    rejected_family_keys: frozenset[str]
    rejected_members: pl.DataFrame  # nik and id_individu of rejected rows: not "missing", just unreadable now
    coverage: frozenset[int]  # region ids of the kelurahan the file's rows name (valid or not)
    families_in_file: int  # distinct family keys in the file, rejected ones included


@dataclass
class Prepared:
    profile: Profile
    sha256: str
    parts: Parts  # the shaped families and members, chunk by chunk, as they are checked (read them in order)
    present: frozenset[str]  # canonical columns the file has

    def checked(self) -> Checked:
        """The whole file's errors, warnings and counts: waits for the last chunk's checks (raises their error)."""
        return self.parts.result()

    def close(self) -> None:
        """Stop the checks still running and remove the spilled chunks."""
        self.parts.close()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare(
    path: Path,
    requested: str,
    context_for: Callable[[Profile, pl.DataFrame], checks.Context],
    sha256: str | None = None,
) -> Prepared:
    """Everything up to the database write. Raises ImportFatal for a problem with the whole file found before
    its rows are checked; `Prepared.checked()` and reading `Prepared.parts` raise one found later (an unreadable
    line). `sha256`: the file's digest when the caller has computed it already.

    The rows are checked by a thread of its own (`Parts.produce`), and `prepare` returns before: a utf-8 csv in
    family-aligned chunks of TEPAT_IMPORT_CHUNK_ROWS rows (tepat.registry.importer.chunks), once the key pass is
    done, each chunk's shaped families and members spilled to disk (`Prepared.parts`), to be written while the
    next chunks are checked; any other file as one part, in memory.
    Guarantee: the same report and the same families and members as checking the file at once.
    Cost: peak memory ~ two chunks plus the key pass, the errors and the warnings; disk ~ the shaped frames.
    """
    profiles = load_profiles()
    table = read_table(path, list(profiles.values()))
    profile = detect_format(table.headers, profiles, requested)
    headers = mapping(profile, table.headers)
    present = frozenset({ROW, *(name for name in headers if name not in profile.ignored)})
    notes = checks.file_notes(table.notes)
    digest = sha256 or sha256_of(path)
    size = chunked.chunk_rows()
    if isinstance(table.frame, pl.LazyFrame) and size > 0:
        keys = chunked.key_pass(table, profile, size)
        ctx = replace(context_for(profile, keys.assign), whole_numeric=keys.whole_numeric, first_rows=keys.first_rows)
        shaped = Parts(spill=True, expected=len(keys.last_rows))
        frames, families = chunked.chunks(table, profile, keys), keys.families
    else:
        frame = normalize_categories(canonical_frame(table, profile))
        del table  # the raw frame is the largest object: free it before checking
        ctx = context_for(profile, frame)
        shaped, frames, families = Parts(spill=False), [frame], None

    def check(parts: Parts) -> Checked:
        whole = _Part.join([_check(frame, profile, ctx, parts) for frame in frames])
        return _checked(whole, headers, notes, whole.families_in_file if families is None else families)

    shaped.produce(check)
    return Prepared(profile=profile, sha256=digest, parts=shaped, present=present)


def _checked(whole: _Part, headers: dict[str, str], notes: pl.DataFrame, families_in_file: int) -> Checked:
    return Checked(
        rows=whole.rows,
        errors=_as_report(checks.collapse_whole_columns(whole.errors), headers),
        warnings=_as_report(pl.concat([notes, whole.warnings]), headers),
        rejected_family_keys=whole.rejected_keys,
        rejected_members=whole.rejected_members,
        coverage=whole.coverage,
        families_in_file=families_in_file,
    )


@dataclass
class _Part:
    """The checked result of the whole file or of one chunk of whole families (its shaped frames are in Parts)."""

    rows: int
    errors: pl.DataFrame
    warnings: pl.DataFrame
    rejected_keys: frozenset[str]
    rejected_members: pl.DataFrame
    coverage: frozenset[int]
    families_in_file: int

    @staticmethod
    def join(parts: list[_Part]) -> _Part:
        if len(parts) == 1:
            return parts[0]
        return _Part(
            rows=sum(p.rows for p in parts),
            errors=pl.concat([p.errors for p in parts]).sort(ROW, "field", maintain_order=True),
            warnings=pl.concat([p.warnings for p in parts]).sort(ROW, "field", maintain_order=True),
            rejected_keys=frozenset().union(*(p.rejected_keys for p in parts)),
            rejected_members=pl.concat([p.rejected_members for p in parts]),
            coverage=frozenset().union(*(p.coverage for p in parts)),
            families_in_file=sum(p.families_in_file for p in parts),
        )


def _check(frame: pl.DataFrame, profile: Profile, ctx: checks.Context, shaped: Parts) -> _Part:
    """Check and shape a frame holding every row of its families; its shaped families and members go to `shaped`."""
    frame = normalize_categories(frame)
    frame = checks.with_region(frame, profile, ctx)
    errors, warnings = run_checks(frame, profile, ctx)
    valid = frame.filter(~pl.col(ROW).is_in(errors[ROW].implode()))
    shaped.add(shape.families(valid, profile), shape.members(valid, profile))
    del valid
    return _Part(
        rows=frame.height,
        errors=errors,
        warnings=warnings,
        rejected_keys=_fully_rejected(frame, errors, profile),
        rejected_members=_rejected_people(frame, errors),
        coverage=_coverage(frame),
        families_in_file=_family_count(frame, profile),
    )


def run_checks(frame: pl.DataFrame, profile: Profile, ctx: checks.Context) -> tuple[pl.DataFrame, pl.DataFrame]:
    families_in_file = frozenset()
    errors = pl.concat(
        [
            checks.check_required(frame, profile),
            checks.check_nik(frame, ctx),
            checks.check_kk(frame, ctx),
            checks.check_duplicate_nik(frame, ctx, profile.family_key),
            checks.check_birthdate(frame),
            checks.check_desil(frame, profile),
            checks.check_region(frame, profile),
            checks.check_heads(frame, profile),
            checks.check_member_family(frame, profile, ctx, families_in_file),
        ]
    )
    errors = pl.concat([errors, headless(frame, errors, profile)])
    warnings = pl.concat(
        [
            checks.check_domains(frame, profile),
            checks.check_nik_vs_birthdate(frame, ctx),
            checks.check_coordinates(frame),
        ]
    )
    return errors.sort(ROW, "field"), warnings.sort(ROW, "field")


def headless(frame: pl.DataFrame, errors: pl.DataFrame, profile: Profile) -> pl.DataFrame:
    """The other rows of each family whose head row was rejected: such a family is not written at all.

    The head is the family's first row marked 'Kepala Keluarga' (a second head is an error of its own).
    Guarantee: no family is written without its head. Cost: one group-by and one join.
    """
    relation, key = "hubungan_dengan_kepala_keluarga", profile.family_key
    if profile.level not in ("individu", "anggota") or relation not in frame.columns or key not in frame.columns:
        return checks.empty_issues()
    rejected = errors[ROW].implode()
    heads = (
        frame.filter(checks.is_head().fill_null(False) & pl.col(key).is_not_null())
        .group_by(key)
        .agg(pl.col(ROW).min().alias("_head_row"))
    )
    lost = heads.filter(pl.col("_head_row").is_in(rejected))
    rows = frame.join(lost, on=key, how="inner").filter(~pl.col(ROW).is_in(rejected))
    return checks.issues(rows, pl.lit(True), key, "family_head_rejected", row=pl.col("_head_row"))


def _coverage(frame: pl.DataFrame) -> frozenset[int]:
    """The kelurahan the file speaks for: every row's known kelurahan, rejected rows included."""
    if "_region_id" not in frame.columns:
        return frozenset()
    return frozenset(frame["_region_id"].drop_nulls().unique().to_list())


def _family_count(frame: pl.DataFrame, profile: Profile) -> int:
    key = profile.family_key
    return frame[key].drop_nulls().n_unique() if key in frame.columns else 0


def _as_report(found: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    return found.select(
        pl.col(ROW).alias("row"),
        pl.col("field").replace_strict(headers, default=pl.col("field")).alias("column"),
        "value",
        "code",
        "message",
    )


def _fully_rejected(frame: pl.DataFrame, errors: pl.DataFrame, profile: Profile) -> frozenset[str]:
    """Family keys none of whose rows survived the checks."""
    key = profile.family_key
    if key not in frame.columns:
        return frozenset()
    # The flag is computed before grouping: an `is_in(<list>)` inside the aggregation broadcasts the list to
    # every group (100k families x 8.6k rejected rows took 6 GB and 17 s; now a few MB and < 0.1 s).
    flagged = frame.select(key, pl.col(ROW).is_in(errors[ROW].implode()).alias("_bad"))
    kept = flagged.group_by(key).agg((~pl.col("_bad")).any().alias("kept"))
    return frozenset(kept.filter(~pl.col("kept") & pl.col(key).is_not_null())[key].to_list())


def _rejected_people(frame: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    columns = [pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c) for c in ("nik", "id_individu")]
    return frame.filter(pl.col(ROW).is_in(errors[ROW].implode())).select(columns)
