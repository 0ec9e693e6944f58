"""Interventions delivered, imported from an OPD's xlsx/csv and matched on NIK or No KK (never guessed).

Each row must name a program of the catalogue, a date in the program's year, a non-negative value,
and a person (NIK) or family (No KK) that matches exactly one registry family. Rows that do not are
reported with their spreadsheet row, column, value, code and message (id / en); the valid rows are
written in one transaction. Cost: one read, vectorised checks, two lookups, one bulk insert.

A row whose only problem is its recipient (NIK / No KK unknown or in several families, or missing
with a name given) is also kept as a `HeldRecipient`: the linkage proposes candidates for it (name,
birth date, kelurahan), and `resolve_held` writes it as an Intervention once a confirmed link
resolves it (an ambiguous NIK whose families are one linked identity, or a confirmed realisasi pair).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction

from tepat.accounts.actor import actor_user
from tepat.linkage.downstream import resolve_linked
from tepat.programs.models import HeldRecipient, Intervention, InterventionSource, InterventionStatus, Program
from tepat.regions.models import Level, Region
from tepat.registry.bulk import fetch_in
from tepat.registry.importer.canonical import canonical_frame, mapping, require_columns
from tepat.registry.importer.checks import ISSUE_SCHEMA, issues, parsed_date
from tepat.registry.importer.messages import Message
from tepat.registry.importer.profiles import profile_from_dict
from tepat.registry.importer.read import ROW, Table, read_table
from tepat.registry.models import VersionPart
from tepat.registry.version import bump

PROFILE = profile_from_dict(
    json.loads((Path(__file__).parent / "data" / "realisasi-profile.json").read_text(encoding="utf-8"))
)

ERRORS: dict[str, Message] = {
    "required_missing": Message("Kolom wajib {column} kosong", "Required column {column} is empty"),
    "program_unknown": Message("Program '{value}' tidak ada di katalog", "Program '{value}' is not in the catalogue"),
    "date_invalid": Message("Tanggal tidak dapat dibaca", "Date cannot be read"),
    "date_outside_year": Message("Tanggal di luar tahun program ({year})", "Date outside the program year ({year})"),
    "amount_invalid": Message("Nilai harus berupa angka", "Value must be a number"),
    "amount_negative": Message("Nilai tidak boleh negatif", "Value must not be negative"),
    "units_invalid": Message("Jumlah satuan harus angka lebih dari 0", "Units must be a number above 0"),
    "program_not_yours": Message(
        "Program '{value}' bukan milik OPD Anda", "Program '{value}' does not belong to your OPD"
    ),
    "status_unknown": Message(
        "Status '{value}' tidak dikenal (tersalur, direncanakan, dibatalkan)",
        "Unknown status '{value}' (tersalur, direncanakan, dibatalkan)",
    ),
    "identity_missing": Message("Isi NIK atau No KK penerima", "Give the recipient's NIK or No KK"),
    "nik_unknown": Message("NIK tidak ada di registri", "NIK is not in the registry"),
    "nik_ambiguous": Message(
        "NIK ada di lebih dari satu keluarga; tidak ditebak", "NIK is in more than one family; not guessed"
    ),
    "kk_unknown": Message("No KK tidak ada di registri", "No KK is not in the registry"),
    "kk_ambiguous": Message(
        "No KK ada di lebih dari satu keluarga; tidak ditebak", "No KK is in more than one family; not guessed"
    ),
    "duplicate_row": Message("Baris ganda: sama dengan baris {other}", "Duplicate row: same as row {other}"),
    "duplicate_existing": Message("Sudah tercatat sebelumnya", "Already recorded"),
}


@dataclass
class RealisasiReport:
    file: str
    rows: int = 0
    inserted: int = 0
    held: int = 0  # rejected rows kept for the linkage (HeldRecipient)
    rejected: list[dict] = field(default_factory=list)
    programs: list[int] = field(default_factory=list)  # ids of the catalogue programs the file names (upload scope)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "rows": self.rows,
            "inserted": self.inserted,
            "held": self.held,
            "rejected": self.rejected,
            "programs": self.programs,
        }


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    present = set(frame.columns)
    optional = {
        name: pl.lit(None, pl.String).alias(name)
        for name in ("nik", "no_kk", "nama", "nilai", "satuan", "status", "tanggal_lahir", "kelurahan")
        if name not in present
    }
    frame = frame.with_columns(optional.values())
    return frame.with_columns(
        parsed_date("tanggal").alias("_date"),
        parsed_date("tanggal_lahir").alias("_dob"),
        rupiah("nilai").alias("_amount"),
        rupiah("satuan").alias("_units"),
        pl.col("status").str.to_lowercase().fill_null(InterventionStatus.DELIVERED).alias("_status"),
    )


def rupiah(column: str) -> pl.Expr:
    """'1.500.000' and '1.500.000,50' (Indonesian), '1500000.50' and '750000' (plain) as numbers."""
    text = pl.col(column).str.replace_all(r"\s|Rp", "")
    indonesian = text.str.contains(",") | text.str.contains(r"^-?\d{1,3}(\.\d{3})+$")
    normal = pl.when(indonesian).then(text.str.replace_all(".", "", literal=True).str.replace(",", ".")).otherwise(text)
    return normal.cast(pl.Float64, strict=False)


def _with_programs(frame: pl.DataFrame, allowed: set[int] | None) -> pl.DataFrame:
    """allowed: the program ids this user may report for (None: all)."""
    programs = pl.DataFrame(
        list(Program.objects.values_list("code", "id", "year")),
        schema={"program": pl.String, "_program_id": pl.Int64, "_year": pl.Int64},
        orient="row",
    )
    mine = pl.col("_program_id").is_in(list(allowed)) if allowed is not None else pl.lit(True)
    return frame.join(programs, on="program", how="left").with_columns(mine.alias("_allowed"))


def _lookup(sql: str, keys: list[str]) -> pl.DataFrame:
    """key -> (family id, member id, number of distinct families) for the given NIKs or No KKs."""
    found = pl.DataFrame(
        fetch_in(sql, keys), schema={"key": pl.String, "family_id": pl.Int64, "member_id": pl.Int64}, orient="row"
    )
    found = resolve_linked(found)  # one family when the matches are one confirmed identity (tepat.linkage)
    return found.group_by("key").agg(
        pl.col("family_id").first(), pl.col("member_id").first(), pl.col("family_id").n_unique().alias("families")
    )


NIK_SQL = (
    "SELECT m.nik, m.family_id, m.id FROM registry_member m JOIN registry_family f ON f.id = m.family_id "
    "WHERE m.is_active AND f.is_active AND m.nik IN ({marks})"
)
KK_SQL = "SELECT f.no_kk, f.id, NULL FROM registry_family f WHERE f.is_active AND f.no_kk IN ({marks})"


def _with_recipients(frame: pl.DataFrame) -> pl.DataFrame:
    by_nik = _lookup(NIK_SQL, frame["nik"].drop_nulls().unique().to_list()).rename(
        {"key": "nik", "family_id": "_nik_family", "member_id": "_member_id", "families": "_nik_families"}
    )
    by_kk = _lookup(KK_SQL, frame["no_kk"].drop_nulls().unique().to_list()).rename(
        {"key": "no_kk", "family_id": "_kk_family", "member_id": "_kk_member", "families": "_kk_families"}
    )
    frame = frame.join(by_nik, on="nik", how="left").join(by_kk, on="no_kk", how="left")
    return frame.with_columns(pl.coalesce("_nik_family", "_kk_family").alias("_family_id"))


def _row_checks(frame: pl.DataFrame) -> list[pl.DataFrame]:
    year = pl.col("_date").dt.year()
    return [
        issues(
            frame,
            pl.col("program").is_not_null() & pl.col("_program_id").is_null(),
            "program",
            "program_unknown",
            ERRORS,
            value=pl.col("program"),
        ),
        issues(frame, pl.col("tanggal").is_not_null() & pl.col("_date").is_null(), "tanggal", "date_invalid", ERRORS),
        issues(
            frame,
            pl.col("_date").is_not_null() & pl.col("_year").is_not_null() & (year != pl.col("_year")),
            "tanggal",
            "date_outside_year",
            ERRORS,
            year=pl.col("_year"),
        ),
        issues(frame, pl.col("nilai").is_not_null() & pl.col("_amount").is_null(), "nilai", "amount_invalid", ERRORS),
        issues(frame, pl.col("_amount") < 0, "nilai", "amount_negative", ERRORS),
        issues(
            frame,
            pl.col("satuan").is_not_null() & (pl.col("_units").is_null() | (pl.col("_units") <= 0)),
            "satuan",
            "units_invalid",
            ERRORS,
        ),
        issues(
            frame,
            pl.col("_program_id").is_not_null() & ~pl.col("_allowed"),
            "program",
            "program_not_yours",
            ERRORS,
            value=pl.col("program"),
        ),
        issues(
            frame,
            ~pl.col("_status").is_in(InterventionStatus.values),
            "status",
            "status_unknown",
            ERRORS,
            value=pl.col("status"),
        ),
    ]


def _identity_checks(frame: pl.DataFrame) -> list[pl.DataFrame]:
    nik, kk = pl.col("nik").is_not_null(), pl.col("no_kk").is_not_null()
    return [
        issues(frame, ~nik & ~kk, "nik", "identity_missing", ERRORS),
        issues(frame, nik & pl.col("_nik_family").is_null(), "nik", "nik_unknown", ERRORS),
        issues(frame, nik & (pl.col("_nik_families") > 1), "nik", "nik_ambiguous", ERRORS),
        issues(frame, ~nik & kk & pl.col("_kk_family").is_null(), "no_kk", "kk_unknown", ERRORS),
        issues(frame, ~nik & kk & (pl.col("_kk_families") > 1), "no_kk", "kk_ambiguous", ERRORS),
    ]


def _duplicate_checks(frame: pl.DataFrame) -> list[pl.DataFrame]:
    key = ["_program_id", "_family_id", "_member_id", "_date", "_amount"]
    frame = frame.with_columns((pl.col("_amount").fill_null(0) + 0.5).floor())  # compare as stored: whole rupiah
    first = frame.with_columns(pl.col(ROW).first().over(key).alias("_first"))
    existing = pl.DataFrame(
        list(
            Intervention.objects.filter(family_id__in=frame["_family_id"].drop_nulls().unique().to_list()).values_list(
                "program_id", "family_id", "member_id", "date", "amount"
            )
        ),
        schema={
            "_program_id": pl.Int64,
            "_family_id": pl.Int64,
            "_member_id": pl.Int64,
            "_date": pl.Date,
            "_amount": pl.Float64,
        },
        orient="row",
        strict=False,
    )
    known = frame.join(existing, on=key, how="semi", nulls_equal=True)
    return [
        issues(
            first,
            pl.col("_family_id").is_not_null() & (pl.col(ROW) != pl.col("_first")),
            "nik",
            "duplicate_row",
            ERRORS,
            other=pl.col("_first"),
        ),
        issues(known, pl.lit(True), "nik", "duplicate_existing", ERRORS),
    ]


def check(frame: pl.DataFrame) -> pl.DataFrame:
    required = [
        issues(frame, pl.col(n).is_null(), n, "required_missing", ERRORS, column=PROFILE.header_for(n))
        for n in PROFILE.required
    ]
    found = pl.concat([*required, *_row_checks(frame), *_identity_checks(frame), *_duplicate_checks(frame)])
    return found.sort(ROW, "field") if found.height else pl.DataFrame(schema=ISSUE_SCHEMA)


def whole_rupiah(value: float | None) -> Decimal:
    """Amounts are stored in whole rupiah, rounded half up, the same on every database."""
    return Decimal(str(value or 0)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


@transaction.atomic
def write(valid: pl.DataFrame, *, acting_user, file_name: str) -> int:
    user = actor_user(acting_user)
    bump(VersionPart.INTERVENTIONS)  # tepat.registry.version (bulk_create sends no signal)
    Intervention.objects.bulk_create(
        Intervention(
            program_id=row["_program_id"],
            family_id=row["_family_id"],
            member_id=row["_member_id"],
            date=row["_date"],
            amount=whole_rupiah(row["_amount"]),
            units=row["_units"] or 1,
            status=row["_status"],
            source=InterventionSource.IMPORT,
            file_name=file_name,
            row=row[ROW],
            recorded_by=user,
        )
        for row in valid.iter_rows(named=True)
    )
    return valid.height


HOLDABLE = ("nik_unknown", "nik_ambiguous", "kk_unknown", "kk_ambiguous", "identity_missing")


def _held_rows(frame: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """Rejected rows whose only problems are the recipient's identity (and that name someone)."""
    codes = found.group_by(ROW).agg(pl.col("code").alias("_codes"), pl.col("code").first().alias("_reason"))
    only_identity = codes.filter(pl.col("_codes").list.eval(pl.element().is_in(HOLDABLE)).list.all())
    named = pl.col("nik").is_not_null() | pl.col("no_kk").is_not_null() | pl.col("nama").is_not_null()
    return frame.join(only_identity.select(ROW, "_reason"), on=ROW).filter(named)


def _kelurahan_ids(values: list[str]) -> dict[str, int]:
    """A kelurahan as written (code with or without dots, or name) -> region id."""
    found: dict[str, int] = {}
    for pk, code, name in Region.objects.filter(level=Level.KELURAHAN).values_list("pk", "code", "name"):
        for key in (code, code.replace(".", ""), name.upper()):
            found[key] = pk
    return {v: found[v.strip().upper()] for v in values if v.strip().upper() in found}


def hold(rows: pl.DataFrame, *, acting_user, file_name: str) -> int:
    """Keep rows for the linkage (HeldRecipient); a row already held unresolved is not held twice."""
    user = actor_user(acting_user)
    regions = _kelurahan_ids(rows["kelurahan"].drop_nulls().unique().to_list())
    known = set(
        HeldRecipient.objects.filter(intervention__isnull=True).values_list(
            "program_id", "nik", "no_kk", "nama", "date", "amount"
        )
    )
    fresh = []
    for row in rows.iter_rows(named=True):
        amount = whole_rupiah(row["_amount"])
        key = (row["_program_id"], row["nik"] or "", row["no_kk"] or "", row["nama"] or "", row["_date"], amount)
        if key in known:
            continue
        known.add(key)
        fresh.append(
            HeldRecipient(
                program_id=row["_program_id"],
                date=row["_date"],
                amount=amount,
                units=row["_units"] or 1,
                status=row["_status"],
                nik=row["nik"] or "",
                no_kk=row["no_kk"] or "",
                nama=(row["nama"] or "")[:200],
                tanggal_lahir=row["_dob"],
                kelurahan_id=regions.get(row["kelurahan"]) if row["kelurahan"] else None,
                reason=row["_reason"],
                file_name=file_name,
                row=row[ROW],
                recorded_by=user,
            )
        )
    HeldRecipient.objects.bulk_create(fresh)
    return len(fresh)


def write_held(held: HeldRecipient, *, family_id: int, member_id: int | None, acting_user) -> Intervention:
    """A held row as an Intervention for the family (and member) a confirmed link resolved it to."""
    bump(VersionPart.INTERVENTIONS)
    intervention = Intervention.objects.create(
        program_id=held.program_id,
        family_id=family_id,
        member_id=member_id,
        date=held.date,
        amount=held.amount,
        units=held.units,
        status=held.status,
        source=InterventionSource.IMPORT,
        file_name=held.file_name,
        row=held.row,
        recorded_by=actor_user(acting_user),
    )
    held.intervention = intervention
    held.save(update_fields=["intervention"])
    return intervention


def unwrite_held(held: HeldRecipient) -> None:
    """Undo of the link that resolved a held row: its Intervention is cancelled (never deleted), the
    row is held again."""
    bump(VersionPart.INTERVENTIONS)
    Intervention.objects.filter(pk=held.intervention_id).update(status=InterventionStatus.CANCELLED)
    held.intervention = None
    held.save(update_fields=["intervention"])


def resolve_held(*, acting_user) -> int:
    """Held rows whose NIK (or No KK) now matches one family (e.g. an ambiguous NIK whose families a
    confirmed link made one identity) become Interventions. Cost: two lookups on the held keys."""
    held = list(HeldRecipient.objects.filter(intervention__isnull=True).exclude(nik="", no_kk=""))
    if not held:
        return 0
    by_nik = _lookup(NIK_SQL, sorted({h.nik for h in held if h.nik}))
    by_kk = _lookup(KK_SQL, sorted({h.no_kk for h in held if h.no_kk}))
    one = lambda f: {k: (fam, mem) for k, fam, mem, n in f.iter_rows() if n == 1}  # noqa: E731
    nik, kk = one(by_nik), one(by_kk)
    written = 0
    for row in held:
        target = nik.get(row.nik) if row.nik else kk.get(row.no_kk)
        if target:
            write_held(row, family_id=target[0], member_id=target[1], acting_user=acting_user)
            written += 1
    return written


API_COLUMNS = ("program", "nik", "no_kk", "nama", "tanggal", "nilai", "satuan", "status")


def rows_frame(rows: list[dict]) -> pl.DataFrame:
    """Rows given as data (the API: the file's canonical column names, values as text) as the import reads a
    file, so they pass the same checks; `_row` is the row's index in the list (0-based)."""
    columns = {name: [None if r.get(name) is None else str(r[name]) for r in rows] for name in API_COLUMNS}
    raw = pl.DataFrame(columns, schema=dict.fromkeys(API_COLUMNS, pl.String)).with_columns(
        pl.int_range(0, len(rows)).alias(ROW)
    )
    return canonical_frame(Table(frame=raw, headers=list(API_COLUMNS), header_row=0), PROFILE)


def prepared(frame: pl.DataFrame, allowed: set[int] | None) -> pl.DataFrame:
    """Typed, with program ids and recipients looked up: what `check` and `write` need."""
    return _with_recipients(_with_programs(_typed(frame), allowed))


def import_interventions(
    path: Path, *, acting_user, file_name: str | None = None, allowed: set[int] | None = None
) -> RealisasiReport:
    """Read, check, write the valid rows. Raises ImportFatal for an unusable file (nothing written).

    allowed: ids of the programs the user may report for (an OPD operator: their agency's); None: all.
    """
    table = read_table(path, [PROFILE])
    require_columns(PROFILE, table.headers)
    frame = prepared(canonical_frame(table, PROFILE), allowed)
    found = check(frame)
    valid = frame.filter(~pl.col(ROW).is_in(found[ROW].implode()))
    report = RealisasiReport(file=file_name or path.name, rows=frame.height)
    report.programs = sorted(frame["_program_id"].drop_nulls().unique().to_list())
    with transaction.atomic():  # the valid rows and the held ones, or nothing
        report.inserted = write(valid, acting_user=acting_user, file_name=report.file)
        report.held = hold(_held_rows(frame, found), acting_user=acting_user, file_name=report.file)
    headers = mapping(PROFILE, table.headers)
    report.rejected = found.select(
        pl.col(ROW).alias("row"),
        pl.col("field").replace_strict(headers, default=pl.col("field")).alias("column"),
        "value",
        "code",
        "message",
    ).to_dicts()
    return report
