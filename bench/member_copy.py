"""What the member table's indexes and foreign keys cost an import's COPY (issue 13: the 1M import's time).

    TEPAT_DATABASE_URL=postgresql://... .venv/bin/python bench/member_copy.py --rows 200000

Needs a PostgreSQL database holding an imported registry (e.g. the one `bench/import.py --families 1000000
--kinds csv` leaves). Copies ROWS of its members back under new keys, in a transaction that is rolled back, once
as the table is and once without each of: the `nik` LIKE index (`varchar_pattern_ops`, which no query uses) and
the batch / missing-since foreign keys (checked per row at commit). Prints COPY and deferred-check seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import polars as pl
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tepat.env import database_from_url

TABLE = "registry_member"


def connect() -> psycopg.Connection:
    db = database_from_url(os.environ["TEPAT_DATABASE_URL"])
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or None)


def variants(c: psycopg.Connection) -> list[tuple[str, list[str]]]:
    like = [
        r[0] for r in c.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [TABLE]) if "_like" in r[0]
    ]
    query = "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'"
    fks = [r[0] for r in c.execute(query, [TABLE]) if "batch" in r[0] or "missing" in r[0]]
    drop_like = [f"DROP INDEX {name}" for name in like]
    drop_fks = [f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}" for name in fks]
    return [
        ("as is", []),
        ("without the nik LIKE index", drop_like),
        ("without the batch foreign keys", drop_fks),
        ("without both", drop_like + drop_fks),
        ("as is, again", []),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    c = connect()
    query = "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id'"
    columns = [r[0] for r in c.execute(query + " ORDER BY ordinal_position", [TABLE])]
    rows = c.execute(f"SELECT {', '.join(columns)} FROM {TABLE} ORDER BY id LIMIT %s", [args.rows]).fetchall()
    frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    data = frame.with_columns(pl.col("source_key") + "x").write_csv(include_header=False, null_value="\\N")
    print(
        f"{len(rows):,} members copied into {TABLE} ({c.execute(f'SELECT count(*) FROM {TABLE}').fetchone()[0]:,} rows)"
    )
    for label, setup in variants(c):
        with c.transaction(force_rollback=True):
            for statement in setup:
                c.execute(statement)
            started = time.perf_counter()
            with c.cursor().copy(
                f"COPY {TABLE} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            ) as copy:
                copy.write(data)
            copied = time.perf_counter()
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            checked = time.perf_counter()
        print(f"{label:32s} COPY {copied - started:6.2f} s   deferred checks {checked - copied:5.2f} s")


if __name__ == "__main__":
    main()
