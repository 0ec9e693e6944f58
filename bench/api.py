"""API benchmark: the JSON API against the page / download that serves the same rows, in-process.

    .venv/bin/python bench/api.py [--families N] [--home DIR] [--repeat R]

Default 2,000 families (a quick run); `--families 100000` for the real figure. Data: a synthetic P3KE
individual-level csv (`tepat generate`, seed 7), imported into a fresh TEPAT_HOME (SQLite, or the
database of TEPAT_DATABASE_URL) unless DIR already holds families. Requests go through Django's test
client (the whole middleware and view stack, no network), signed in as an analyst (full NIK) with a
token of the same user. Best of R runs after a warm-up.

Measured (milliseconds, wall and this process's CPU; ratio = API / floor):
- families: every page of `/api/v1/families?limit=1000` (cursor walk) vs the CSV download of the same
  list (`/keluarga/unduh.csv`), and one API page of 50 vs the first HTML list page (`/keluarga/`);
- target list: every page of `/api/v1/target-lists/<id>/entries?limit=1000` vs `/sasaran/<id>/unduh.csv`
  for a frozen list of the program `pkh` with the rule `desil <= 4`;
- realisasi: 10,000 rows (distinct active members' NIKs) through `POST /api/v1/realisasi` vs the same rows
  as a csv file through the file import's action (`do_import_interventions`), each on an empty
  intervention table (the rows are deleted between runs).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEPAT_API_RATE_PER_MINUTE", "1000000")
os.environ.setdefault("TEPAT_ALLOWED_HOSTS", "testserver")
REALISASI_ROWS = 10_000


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--home", type=Path, default=None, help="default: /tmp/tepat-bench-api-<families>")
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


def prepare(families: int, home: Path):
    """Django on HOME with the registry imported, the catalogue, an analyst and a target list."""
    os.environ["TEPAT_HOME"] = str(home)
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    from tepat.accounts.models import User
    from tepat.registry.models import Family

    if not Family.objects.exists():
        data = home / f"p3ke-{families}.csv"
        run = [sys.executable, "-m", "tepat"]
        env = {**os.environ, "TEPAT_HOME": str(home)}
        gen = ["generate", "--families", str(families), "--format", "p3ke-individu", "--out", str(data), "--seed", "7"]
        subprocess.run([*run, *gen], check=True, cwd=ROOT, env=env, capture_output=True)
        subprocess.run([*run, "import", str(data)], check=True, cwd=ROOT, env=env, capture_output=True)
    user = User.objects.filter(username="bench").first() or User.objects.create(username="bench", role="analyst")
    return user, _target_list(user)


def _target_list(user):
    from tepat.programs.actions import do_freeze_target_list, do_save_rule
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.models import Program, TargetList

    ensure_catalogue()
    program = Program.objects.get(code="pkh")
    found = TargetList.objects.filter(program=program).order_by("-pk").first()
    if found is None:
        do_save_rule(program, "desil <= 4", acting_user=user, reason="bench")
        found = do_freeze_target_list(program, acting_user=user)
    return found


def best(repeat: int, work) -> tuple[float, float]:
    """(wall, CPU) milliseconds of the best of `repeat` runs after one warm-up. CPU is this process's time
    (SQLite runs in it): the steadier figure on a shared machine, where wall time includes waiting for a core."""
    work()
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        work()
        times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return min(times)


def walk(client, headers: dict, url: str) -> int:
    """GET every page of a cursor list; returns the number of items."""
    total, cursor = 0, None
    while True:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""), **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        page = response.json()
        total += len(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return total


def get(client, url: str, **headers) -> int:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(response.content)


def realisasi_rows(year: int) -> list[dict]:
    from tepat.registry.models import Member

    niks = Member.objects.filter(is_active=True, family__is_active=True).exclude(nik="").values_list("nik", flat=True)
    unique = list(dict.fromkeys(niks.order_by("pk")[: REALISASI_ROWS * 2]))[:REALISASI_ROWS]
    return [{"program": "pkh", "tanggal": f"{year}-03-01", "nik": n, "nilai": "750000"} for n in unique]


def bench_realisasi(client, headers: dict, user, repeat: int) -> tuple[tuple, tuple, int]:
    from tepat.programs.actions import do_import_interventions
    from tepat.programs.models import Intervention, Program

    rows = realisasi_rows(Program.objects.get(code="pkh").year)
    body = json.dumps({"rows": rows})
    path = Path(tempfile.mkdtemp()) / "realisasi.csv"
    path.write_text(
        "kode_program,nik,tanggal,nilai\n" + "".join(f"pkh,{r['nik']},{r['tanggal']},750000\n" for r in rows)
    )

    def api():
        Intervention.objects.all().delete()
        response = client.post("/api/v1/realisasi", body, content_type="application/json", **headers)
        assert response.status_code == 201 and response.json()["inserted"] == len(rows), response.content[:500]

    def file():
        Intervention.objects.all().delete()
        report = do_import_interventions(path, acting_user=user)
        assert report.inserted == len(rows), report.rejected[:3]

    return best(repeat, api), best(repeat, file), len(rows)


def line(what: str, api: tuple[float, float], floor: tuple[float, float], name: str) -> None:
    print(
        f"{what:<34} api {api[0]:8.0f} ms (cpu {api[1]:8.0f})   {name:<18} {floor[0]:8.0f} ms (cpu {floor[1]:8.0f})"
        f"   ratio {api[0] / floor[0]:5.2f} (cpu {api[1] / max(floor[1], 0.001):5.2f})"
    )


def main() -> None:
    args = arguments()
    home = args.home or Path(f"/tmp/tepat-bench-api-{args.families}")
    home.mkdir(parents=True, exist_ok=True)
    user, target = prepare(args.families, home)
    from django.test import Client

    from tepat.api.actions import do_create_token
    from tepat.registry.models import Family

    client = Client()
    client.force_login(user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_token(user, 'bench', acting_user=user).text}"}
    families = Family.objects.filter(is_active=True).count()
    print(
        f"{families} active families, target list {target.pk}: {target.entries.count()} entries, repeat {args.repeat}"
    )
    r = args.repeat
    assert walk(client, headers, "/api/v1/families?limit=1000") == families
    line(
        f"families, all ({families})",
        best(r, lambda: walk(client, headers, "/api/v1/families?limit=1000")),
        best(r, lambda: get(client, "/keluarga/unduh.csv")),
        "csv download",
    )
    line(
        "families, one page of 50",
        best(r, lambda: get(client, "/api/v1/families?limit=50", **headers)),
        best(r, lambda: get(client, "/keluarga/")),
        "html list page",
    )
    entries = f"/api/v1/target-lists/{target.pk}/entries?limit=1000"
    line(
        f"target list, all ({target.entries.count()})",
        best(r, lambda: walk(client, headers, entries)),
        best(r, lambda: get(client, f"/sasaran/{target.pk}/unduh.csv")),
        "csv download",
    )
    api, file, rows = bench_realisasi(client, headers, user, r)
    line(f"realisasi batch ({rows} rows)", api, file, "file import (csv)")


if __name__ == "__main__":
    main()
