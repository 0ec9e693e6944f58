"""Registry frames from the snapshot: `tepat rules count` against a hand-written SQL query, and the
per-request cost of the registry version read against the old registry_state() scan.

    .venv/bin/python bench/load_frames.py --home /tmp/tepat-load-bench --file /tmp/tepat-bench/p3ke-individu-100000.csv
    TEPAT_DATABASE_URL=postgresql://... .venv/bin/python bench/load_frames.py --home ... --file ...

Imports FILE into HOME unless it holds families (bench/pages.py), then prints (best of --repeat):
- snapshot build: the time to write the registry's Parquet snapshot from the database (cold, once
  per version; a job worker's work after an import) and the read of the whole registry's frames from it;
- `rules count PKH --by kelurahan`: the engine in this process on the snapshot's frames (frames read +
  rule) against the hand-written SQL query giving the same families per kelurahan on the same
  database; and both as new processes (`tepat rules count` as a user runs it, the query in a
  `python -c` with Django set up: Python and Django start-up included in both); the ratios; the
  per-kelurahan family counts must be equal (exit 1 otherwise);
- per request: registry_state() now (one query of the version table and a stat) against the old scan
  (count and latest update of families and members).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date

from pages import ROOT, arguments, registry_home

RULE = 'desil <= 2 dan ada_anggota(balita atau usia_sekolah atau lansia atau disabilitas == "Ya")'  # EXAMPLES["pkh"]
AGE = {
    "sqlite": "(CAST(strftime('%Y', '{ref}') AS INTEGER) - CAST(strftime('%Y', m.tanggal_lahir) AS INTEGER)"
    " - (strftime('%m-%d', '{ref}') < strftime('%m-%d', m.tanggal_lahir)))",
    "postgresql": "date_part('year', age(DATE '{ref}', m.tanggal_lahir))",
}
HAND_SQL = """
SELECT r.code, COUNT(*) AS families, SUM(n.size) AS members
FROM registry_family f
JOIN regions_region r ON r.id = f.kelurahan_id
JOIN (SELECT family_id, COUNT(*) AS size FROM registry_member WHERE is_active GROUP BY family_id) n ON n.family_id = f.id
WHERE f.is_active AND f.desil <= 2 AND EXISTS (
  SELECT 1 FROM registry_member m WHERE m.family_id = f.id AND m.is_active
  AND ({age} < 5 OR ({age} >= 7 AND {age} <= 18) OR {age} >= 60 OR m.disabilitas = 'Ya'))
GROUP BY r.code ORDER BY r.code
"""


def best(repeat: int, run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def hand_written(today: date) -> dict[str, int]:
    from django.db import connection

    from tepat.registry.bulk import fetch

    sql = HAND_SQL.format(age=AGE[connection.vendor].format(ref=today.isoformat()))
    return {code: families for code, families, _ in fetch(sql)}


def engine(today: date) -> dict[str, int]:
    from tepat.engine.rules import count
    from tepat.programs import frames

    frames._CACHE.clear()  # a fresh process's read of the snapshot
    families, members = frames.registry_frames(frames.WHOLE_REGISTRY)
    return {
        g["kelurahan"]: g["families"]
        for g in count(RULE, families, members, today, by="kelurahan").to_dict()["by"]
        if g["families"]
    }


def cli() -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "tepat", "rules", "count", RULE, "--by", "kelurahan", "--json"],
        check=True,
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
    ).stdout
    return {g["kelurahan"]: g["families"] for g in json.loads(out)["by"] if g["families"]}


def hand_written_process(today: date) -> dict[str, int]:
    """The hand-written query as a user would run it from a script: a new Python process with Django set up."""
    code = (
        "import json, sys; sys.path.insert(0, 'bench'); from tepat.bootstrap import setup; setup(); "
        f"from datetime import date; import load_frames; print(json.dumps(load_frames.hand_written(date.fromisoformat('{today}'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, env=os.environ, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def old_scan() -> tuple:
    from django.db.models import Count, Max

    from tepat.registry.models import Family, Member

    families = Family.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    members = Member.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return families["n"], families["at"], members["n"], members["at"]


def main() -> None:
    args = arguments(repeat=3)
    registry_home(args.home, args.file)
    from django.db import connection

    from tepat.programs import frames
    from tepat.registry import snapshot

    today = date.today()
    shutil.rmtree(snapshot.root(), ignore_errors=True)
    build, _ = best(1, snapshot.build_snapshot)
    print(f"database: {connection.vendor}; snapshot build (cold, once per version): {build:.2f} s")
    hand, expected = best(args.repeat, lambda: hand_written(today))
    inproc, counted = best(args.repeat, lambda: engine(today))
    wall, via_cli = best(args.repeat, cli)
    hand_wall, via_process = best(args.repeat, lambda: hand_written_process(today))
    print(
        f"rules count PKH --by kelurahan, in this process: hand-written SQL {hand:.3f} s; engine on the snapshot {inproc:.3f} s "
        f"(ratio {inproc / hand:.2f})"
    )
    print(
        f"  as new processes: `tepat rules count` {wall:.3f} s; the hand-written SQL in `python -c` with Django set up "
        f"{hand_wall:.3f} s (ratio {wall / hand_wall:.2f}); CLI / in-process SQL {wall / hand:.2f}"
    )
    same = counted == expected == via_cli == via_process
    print(f"families per kelurahan equal: {same} ({sum(expected.values())} families in {len(expected)} kelurahan)")
    version_read = statistics.median(best(1, frames.registry_state)[0] for _ in range(200))
    scan = statistics.median(best(1, old_scan)[0] for _ in range(5))
    print(
        f"per request: version read {version_read * 1000:.2f} ms; old registry_state scan {scan * 1000:.1f} ms "
        f"(ratio {scan / version_read:.0f}x)"
    )
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
