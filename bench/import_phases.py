"""Where one import's time goes: its phases timed in-process on a fresh database (issue 13: the 1M import).

    TEPAT_DATABASE_URL=postgresql://... .venv/bin/python bench/import_phases.py /tmp/tepat-bench/p3ke-individu-200000.csv

Runs the real `do_import` once and prints the seconds spent in each phase: `pipeline.prepare` (until it returns:
the key pass, since the chunks are then checked in a thread), `pipeline._check` (the checks, summed over chunks,
in that thread), `load.write` (writing, waiting for checked chunks included), `bulk.insert_frame` (COPY or
executemany of new records) and COMMIT (PostgreSQL checks deferred foreign keys there). The phases overlap, so
they do not add up to the total. On PostgreSQL the database named in the URL is dropped and created again;
without the variable a fresh SQLite file under a temporary TEPAT_HOME is used.
"""

from __future__ import annotations

import collections
import functools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import importlib  # noqa: E402

fresh_database = importlib.import_module("import").fresh_database  # bench/import.py

TIMED = {
    "tepat.registry.importer.pipeline": ("prepare", "_check"),
    "tepat.registry.importer.chunks": ("key_pass",),
    "tepat.registry.importer.load": ("write", "_missing_families", "_missing_members", "_flag_missing"),
    "tepat.registry.bulk": ("insert_frame",),
}


def timed(totals: collections.Counter, module, name: str) -> None:
    """Replace module.name by a wrapper that adds its seconds to totals (threads included)."""
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] += time.perf_counter() - start

    setattr(module, name, wrapper)


def main() -> None:
    path = Path(sys.argv[1]).resolve()
    os.environ["TEPAT_HOME"] = tempfile.mkdtemp(prefix="tepat-bench-phases-")
    fresh_database(dict(os.environ))
    subprocess.run([sys.executable, "-m", "tepat", "migrate"], check=True, cwd=ROOT, capture_output=True)
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from django.db import connection

    from tepat.registry import actions, writer

    totals: collections.Counter = collections.Counter()
    for module_name, names in TIMED.items():
        module = importlib.import_module(module_name)
        for name in names:
            timed(totals, module, name)
    # the names imported from the timed modules before they were wrapped
    actions.prepare = sys.modules["tepat.registry.importer.pipeline"].prepare
    actions.write = sys.modules["tepat.registry.importer.load"].write
    writer.insert_frame = sys.modules["tepat.registry.bulk"].insert_frame
    commit = connection.commit

    def timed_commit() -> None:
        start = time.perf_counter()
        commit()
        totals["COMMIT"] += time.perf_counter() - start

    connection.commit = timed_commit
    start = time.perf_counter()
    batch = actions.do_import(actions.create_batch(path, acting_user=None), acting_user=None)
    print(f"{path.name}: {time.perf_counter() - start:.1f} s, {batch.status}, {connection.vendor}")
    for name, seconds in totals.most_common():
        print(f"  {name:28s} {seconds:7.1f} s")


if __name__ == "__main__":
    main()
