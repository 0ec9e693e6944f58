"""Bulk writes for imports: COPY on PostgreSQL, executemany on SQLite. Identifiers are ours, quoted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl
from django.db import connection

CHUNK = 20_000
COPY_CHUNK = 250_000


def _quoted(table: str, columns: Sequence[str]) -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(table), ", ".join(quote(c) for c in columns)


def insert_rows(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], tick: Callable[[int], None] | None = None
) -> int:
    """Insert rows (tuples in `columns` order) in one statement stream. Returns the count."""
    name, cols = _quoted(table, columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
                    if tick and count % CHUNK == 0:
                        tick(count)
            return count
        sql = f"INSERT INTO {name} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)
            count += len(chunk)
            if tick:
                tick(count)
    return count


def insert_frame(table: str, frame: pl.DataFrame) -> int:
    """Insert a frame whose columns are the table's. PostgreSQL: COPY of polars-written CSV, in chunks."""
    if connection.vendor != "postgresql":
        return insert_rows(table, frame.columns, frame.iter_rows())
    name, cols = _quoted(table, frame.columns)
    sql = f"COPY {name} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, frame.height, COPY_CHUNK):
            copy.write(frame.slice(start, COPY_CHUNK).write_csv(include_header=False, null_value="\\N"))
    return frame.height


def update_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], extra_sql: str = "") -> int:
    """UPDATE table SET columns WHERE id = last value of each row."""
    name, _ = _quoted(table, columns)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {name} SET {assignments}{extra_sql} WHERE id = %s"
    count = 0
    with connection.cursor() as cursor:
        for chunk in _chunks(rows):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def fetch(sql: str, params: Sequence = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_in(sql: str, keys: Sequence, size: int = 5000) -> list[tuple]:
    """Run `sql` (with a `{marks}` placeholder inside `IN (...)`) over keys in chunks; all rows."""
    rows: list[tuple] = []
    for chunk in _chunks(keys, size):
        rows += fetch(sql.format(marks=", ".join(["%s"] * len(chunk))), chunk)
    return rows


FETCH_BATCH = 100_000
ANALYSED_COLUMNS = {
    "registry_family": ("source", "source_key"),
    "registry_member": ("source", "source_key", "family_id"),
}


@dataclass
class Statistics:
    """PostgreSQL's planner statistics of tables a long transaction fills, kept current: a table is analysed once
    it holds twice the rows it had when last analysed (at least 10,000). Without them a lookup of 12k keys in a
    freshly filled table of 800k members scanned it whole: 16 s instead of 0.07 s by the index.
    Cost: about log2(growth) ANALYZEs of the key columns (a 30k-row sample each)."""

    rows: dict[str, int] = field(default_factory=dict)

    def grown(self, table: str, rows: int) -> None:
        if connection.vendor != "postgresql" or rows < max(2 * self.rows.get(table, 0), 10_000):
            self.rows.setdefault(table, rows)
            return
        self.rows[table] = rows
        name, columns = _quoted(table, ANALYSED_COLUMNS.get(table, ("id",)))
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {name} ({columns})")


def fetch_frame(sql: str, params: Sequence, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of `sql` as a frame, built batch by batch from the cursor.
    Cost: Python objects for one batch of FETCH_BATCH rows at a time, not for the whole result."""
    frames = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_BATCH):
            frames.append(pl.DataFrame(rows, schema=schema, orient="row", strict=False))
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def fetch_frame_in(sql: str, params: Sequence, column: str, keys: Sequence, schema: dict) -> pl.DataFrame:
    """`sql` (ending in a WHERE clause, which `{keys}` fills with `column` IN keys) over keys, as one frame.
    PostgreSQL: one query with `= ANY(array)`; elsewhere IN lists of 5000.
    Cost: one index lookup per key; no query for no keys."""
    if not len(keys):
        return pl.DataFrame(schema=schema)
    if connection.vendor == "postgresql":
        return fetch_frame(sql.format(keys=f"{column} = ANY(%s)"), [*params, list(keys)], schema)
    frames = [
        fetch_frame(sql.format(keys=f"{column} IN ({', '.join(['%s'] * len(part))})"), [*params, *part], schema)
        for part in _chunks(keys, 5000)
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


def _chunks(rows: Iterable, size: int = CHUNK) -> Iterable[list]:
    """`rows` in lists of `size`."""
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
