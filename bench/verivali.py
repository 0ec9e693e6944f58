"""Verivali loop benchmark: a campaign of N families in a city-sized registry, from bulk assignment to the
musyawarah decision, progress, the offline XLSForm and the ODK export ingest.

    .venv/bin/python bench/verivali.py [--families 100000] [--campaign 20000] [--visits 2000] [--enumerators 12]
    TEPAT_DATABASE_URL='postgresql://postgres@/tepat_h8?host=/tmp/tepat-pg&port=54329' .venv/bin/python bench/verivali.py

Set-up (not timed in the table): a fresh TEPAT_HOME (temporary unless --home) and, on PostgreSQL, the
database named in the URL dropped and created again; the synthetic P3KE export of `tepat.demo.generate`
(`p3ke-individu`, seed 7, cached in $TEPAT_BENCH_CACHE, default /tmp/tepat-bench) imported with
`tepat import` in a child process; an analyst and E enumerators; a campaign over every kelurahan whose
families are the N poorest (desil, then id).

What is timed (time.perf_counter, this process, one run each unless said):
- assign: `do_assign_campaign` per kelurahan (`campaign_families(campaign, kelurahan=...)`), the kelurahan
  dealt round-robin to the enumerators; baseline: the same CampaignAssignment and registry Assignment rows
  with a raw `bulk_create` plus one UPDATE of CampaignFamily per enumerator (rolled back);
- visits: V `do_submit_visit` calls as the assigned enumerator with web-form payloads (every one with GPS
  and the checklist; 1 in 3 with corrections of address, RT, floor and the head's name; 1 in 10 with a
  deceased member; 1 in 20 moved and not meeting the criteria);
- decide: one `do_record_musyawarah` per kelurahan and `do_decide_many(approve=True)` over its requests,
  as the analyst (registry changes, history and deactivations written);
- progress: `campaign_progress` by kelurahan and by enumerator (best of 3);
- xlsform: `campaign_form_spec` + `xlsform_bytes` for the campaign (all N families preloaded), then
  `pyxform.xls2xform.convert` of those bytes;
- ingest: ODK Central's csv.zip without attachments (written by `tepat.verivali.odk.central_export`, which
  follows Central's briefcase.js: newest first, KEY / PARENT_KEY, review and edit columns) of I submissions
  (--ingest, default 5,000) for I other families: 1 in 3 with a floor correction, member rows for 1 in 10 (a
  deceased member) and 1 in 4 (a new baby); through `ingest_file` as the analyst. Then the same export after
  1 in 5 submissions were edited in Central (new meta-instanceID, KEY kept): those update their visits and
  derive their requests again, the rest are recognised; then that file again (all duplicates). Baseline:
  reading the zip's two csv with polars (best of 3), also set against the ingest's own parse of the file
  (`tables.read_export`, best of 3).
Peak memory is this process's ru_maxrss (the import runs in its own process).

Measured 2026-11-28, 2-core machine shared with other work, defaults (100,000-family registry,
campaign of 20,000, 2,000 visits, 2,000 ingested submissions, 12 enumerators), PostgreSQL 15 from
scripts/postgres.sh (fsync off):

| step                                   | n      | SQLite        | PostgreSQL    | per item (SQLite / PG) |
|----------------------------------------|--------|---------------|---------------|------------------------|
| create campaign (20,000 of 100,000)    | 20,000 | 0.57 s        | 0.90 s        |                        |
| assign, do_assign_campaign x 31        | 20,000 | 2.87 s        | 3.45 s        | ratio 2.1 / 2.4 to raw bulk_create (1.35 / 1.42 s) |
| visits, do_submit_visit (web payloads) | 2,000  | 6.25 s        | 10.30 s       | 3.1 / 5.2 ms (median 3.0 / 5.0, p95 3.5 / 6.0) |
| 31 musyawarah + do_decide_many approve | 2,000  | 8.68 s        | 14.82 s       | 4.3 / 7.4 ms; 2,000 approved, 0 refused |
| campaign_progress by kelurahan         | 31 rows| 0.042 s       | 0.059 s       |                        |
| campaign_progress by enumerator        | 12 rows| 0.013 s       | 0.018 s       |                        |
| XLSForm written (spec + xlsform_bytes) | 20,000 | 4.97 s        | 5.43 s        | 2.6 MB                 |
| pyxform xls2xform.convert              | 20,000 | 8.00 s        | 8.03 s        |                        |
| ODK export parsed (read_export)        | 2,000  | 0.013 s       | 0.012 s       | ratio 2.6 / 4.5 to polars (3-5 ms) |
| ODK ingest (ingest_file)               | 2,000  | 7.33 s        | 12.78 s       | 3.7 / 6.4 ms; ratio ~1,500 / ~4,700 to polars |
| ODK re-ingest, all duplicates          | 2,000  | 0.32 s        | 0.57 s        | 0.16 / 0.29 ms         |
| peak memory of this process            |        | 418 MB        | 462 MB        | (import child ~1.1 GB) |
| whole script, import of 100k included  |        | 54 s          | 75 s          | import 10.4 / 13.9 s   |

The polars baseline of the export (two small csv, 3-5 ms) is so short that its ratios are noisy; the
ingest's cost is the per-row do_submit_visit (one transaction, the duplicate check, the change lines),
the same as the web visits plus the row mapping.

Measured 2026-12-03 (issue 11: 5,000 ingested submissions with members and edits), SQLite, defaults, on the
same 2-core machine under heavy load from other work (load average 13-14: every step is about 7-9 times slower
than the table above, e.g. web visits 26.8 ms instead of 3.1 ms), so compare rows with each other:

| step                                         | n     | SQLite (100k registry) | PostgreSQL (20k registry) | ratio to polars read (SQLite / PG) |
|----------------------------------------------|-------|---------------|---------------|----------------------|
| visits, do_submit_visit (web), for scale     | 2,000 / 500 | 53.5 s, 26.8 ms each | 39.8 s, 79.6 ms (median 36.6) |  |
| ODK export parsed (read_export)              | 5,000 | 0.155 s       | 0.169 s       | 13.9 / 15.4 (polars 0.011 s) |
| ODK ingest, 5,000 new (~1,710 member rows)   | 5,000 | 139.6 s, 27.9 ms each | 143.6 s, 28.7 ms each | 12,517 / 13,085 |
| ODK ingest with 1,000 edits, 4,000 known     | 5,000 | 32.4 s (~32 ms per edit) | 26.1 s (~26 ms per edit) | 4,070 / 2,348 |
| ODK re-ingest, all duplicates                | 5,000 | 0.246 s       | 0.224 s       | 30.9 / 20.2 |

PostgreSQL run: `TEPAT_DATABASE_URL=... bench/verivali.py --families 20000 --campaign 8000 --visits 500 --ingest 5000`.
The ingest costs what a web visit costs (27.9 vs 26.8 ms per visit under the same load): the row mapping,
review state, key look-up and registry identity checks add about 4 %. An edit costs about as much as a new
visit (its request's lines are derived again); recognising an already-ingested version costs 0.05 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("TEPAT_BENCH_CACHE", "/tmp/tepat-bench"))
TODAY = dt.date(2026, 11, 28)


class Rollback(Exception):
    pass


def data_file(families: int) -> Path:
    """The generated P3KE individual-level csv (same file and seed as bench/import.py)."""
    path = CACHE / f"p3ke-individu-{families}.csv"
    if not path.exists():
        from tepat.demo.generate import generate

        CACHE.mkdir(parents=True, exist_ok=True)
        generate(families, "p3ke-individu", path, seed=7)
    return path


def fresh_database() -> None:
    url = os.environ.get("TEPAT_DATABASE_URL")
    if not url:
        return
    import psycopg

    from tepat.env import database_from_url

    config = database_from_url(url)
    with psycopg.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], port=config["PORT"] or None, autocommit=True
    ) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {config['NAME']}")
        conn.execute(f"CREATE DATABASE {config['NAME']}")


def import_registry(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "tepat", "import", str(path)], check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def best_of(function, repeat: int = 3):
    times, result = [], None
    for _ in range(repeat):
        seconds, result = timed(function)
        times.append(seconds)
    return min(times), result


# --- set-up ------------------------------------------------------------------------------------------


def make_users(count: int):
    from tepat.accounts.models import User

    analyst = User.objects.create(username="bench-analis", role="analyst")
    enumerators = [
        User.objects.create(username=f"bench-pendata-{n:02d}", role="enumerator") for n in range(1, count + 1)
    ]
    return analyst, enumerators


def make_campaign(size: int, analyst):
    from tepat.regions.models import Level, Region
    from tepat.registry.models import Family
    from tepat.verivali.actions import do_create_campaign

    poorest = Family.objects.filter(is_active=True).order_by("desil", "pk").values("pk")[:size]
    return do_create_campaign(
        {
            "name": "Bench verivali",
            "period_start": TODAY,
            "period_end": TODAY + dt.timedelta(days=60),
            "selection": f"{size} termiskin",
        },
        kelurahan=Region.objects.filter(level=Level.KELURAHAN),
        acting_user=analyst,
        families=Family.objects.filter(pk__in=poorest),
    )


def deal(campaign, enumerators) -> dict[int, object]:
    """kelurahan id -> enumerator, round-robin over the kelurahan that have campaign families."""
    kelurahan = sorted(set(campaign.families.values_list("family__kelurahan_id", flat=True)))
    return {k: enumerators[i % len(enumerators)] for i, k in enumerate(kelurahan)}


# --- steps -------------------------------------------------------------------------------------------


def raw_assignment(campaign, plan: dict[int, object], analyst) -> float:
    """The same rows as do_assign_campaign with nothing but bulk_create and one UPDATE per enumerator; rolled back."""
    from django.db import transaction

    from tepat.registry.models import Assignment
    from tepat.verivali.models import CampaignAssignment, CampaignFamily

    rows = list(campaign.families.values_list("pk", "family_id", "family__kelurahan_id"))
    start = time.perf_counter()
    try:
        with transaction.atomic():
            CampaignAssignment.objects.bulk_create(
                [
                    CampaignAssignment(campaign_family_id=pk, enumerator=plan[k], assigned_by=analyst)
                    for pk, _, k in rows
                ],
                batch_size=2000,
            )
            Assignment.objects.bulk_create(
                [Assignment(family_id=f, enumerator=plan[k], assigned_by=analyst) for _, f, k in rows], batch_size=2000
            )
            for enumerator in {id(e): e for e in plan.values()}.values():
                mine = [k for k, e in plan.items() if e is enumerator]
                CampaignFamily.objects.filter(campaign=campaign, family__kelurahan_id__in=mine).update(
                    enumerator=enumerator
                )
            seconds = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return seconds


def assign(campaign, plan: dict[int, object], analyst) -> int:
    from tepat.regions.models import Region
    from tepat.verivali.actions import campaign_families, do_assign_campaign

    regions = Region.objects.in_bulk(list(plan))
    assigned = 0
    for kelurahan_id, enumerator in plan.items():
        chosen = campaign_families(campaign, kelurahan=regions[kelurahan_id])
        assigned += do_assign_campaign(chosen, enumerator=enumerator, acting_user=analyst).assigned
    return assigned


def visited_families(campaign, count: int, rng: random.Random) -> list[dict]:
    """`count` assigned campaign families with their enumerator, version and active members (one query each)."""
    from tepat.registry.models import Member

    rows = list(campaign.families.values("family_id", "enumerator__username", "family__version"))
    chosen = rng.sample(rows, min(count, len(rows)))
    members: dict[int, list[tuple[int, str, str]]] = {}
    for pk, family_id, nama, relation in (
        Member.objects.filter(family_id__in=[r["family_id"] for r in chosen], is_active=True)
        .order_by("family_id", "pk")
        .values_list("pk", "family_id", "nama", "hubungan_dengan_kepala_keluarga")
    ):
        members.setdefault(family_id, []).append((pk, nama, relation))
    return [
        {
            "id": r["family_id"],
            "enumerator": r["enumerator__username"],
            "version": r["family__version"],
            "members": members.get(r["family_id"], []),
        }
        for r in chosen
    ]


def web_payload(n: int, family: dict, checklist: dict[str, bool]) -> dict:
    members = []
    data = {
        "submission_key": f"uuid:bench-web-{n}",
        "family_id": family["id"],
        "started_version": family["version"],
        "keberadaan": "terkonfirmasi",
        "keterangan": "",
        "memenuhi_kriteria": True,
        "alasan": "",
        "fields": {},
        "members": members,
        "gps": {"lat": 2.96 + n * 1e-6, "lon": 99.80, "accuracy": 6.5},
        "checklist": checklist,
        "photos": [],
        "submitted_at": f"{TODAY.isoformat()}T09:15:00+07:00",
    }
    if n % 3 == 0:
        data["fields"] = {"alamat": f"Jl. Perbaikan No. {n}", "rt": f"{n % 9 + 1:03d}", "jenis_lantai": "Semen"}
        if family["members"]:
            pk, nama, _ = family["members"][0]
            members.append(
                {"member_id": pk, "keberadaan": "terkonfirmasi", "keterangan": "", "fields": {"nama": f"{nama} B"}}
            )
    if n % 10 == 1 and len(family["members"]) > 1:
        members.append(
            {"member_id": family["members"][-1][0], "keberadaan": "meninggal", "keterangan": "", "fields": {}}
        )
    if n % 20 == 7:
        data.update(keberadaan="pindah", memenuhi_kriteria=False, alasan="pindah ke Medan")
    return data


def submit_visits(campaign, families: list[dict], users: dict[str, object]) -> tuple[float, list[float]]:
    from tepat.verivali.actions import do_submit_visit
    from tepat.verivali.payload import checklist_items

    checklist = {item.code: index % 2 == 0 for index, item in enumerate(checklist_items())}
    payloads = [web_payload(n, family, checklist) for n, family in enumerate(families)]
    each = []
    start = time.perf_counter()
    for family, data in zip(families, payloads):
        began = time.perf_counter()
        visit = do_submit_visit(campaign, data, acting_user=users[family["enumerator"]], source="web")
        each.append(time.perf_counter() - began)
        assert not visit.duplicate
    return time.perf_counter() - start, each


def decide(campaign, analyst) -> tuple[float, int, int, int]:
    """(seconds, meetings, decided, refused): one musyawarah per kelurahan, then its requests approved in bulk."""
    from tepat.verivali.actions import do_decide_many, do_record_musyawarah
    from tepat.verivali.models import ChangeRequest, RequestStatus

    open_requests = ChangeRequest.objects.filter(campaign=campaign, status=RequestStatus.PENDING).select_related(
        "kelurahan"
    )
    by_kelurahan: dict[int, list] = {}
    for request in open_requests.order_by("kelurahan_id", "pk"):
        by_kelurahan.setdefault(request.kelurahan_id, []).append(request)
    decided = refused = 0
    start = time.perf_counter()
    for requests in by_kelurahan.values():
        meeting = do_record_musyawarah(
            {"held_on": TODAY, "place": "Kantor Lurah", "attendees": "Lurah\nKetua RW 01\nPendamping PKH"},
            kelurahan=requests[0].kelurahan,
            acting_user=analyst,
            campaign=campaign,
        )
        result = do_decide_many(requests, acting_user=analyst, approve=True, musyawarah=meeting)
        decided, refused = decided + len(result.decided), refused + len(result.refused)
    return time.perf_counter() - start, len(by_kelurahan), decided, refused


def xlsform(campaign) -> tuple[float, float, int, int]:
    from pyxform.xls2xform import convert

    from tepat.verivali.odk.campaign import campaign_form_spec
    from tepat.verivali.odk.xlsform import xlsform_bytes

    write_s, (spec, content) = timed(lambda: (lambda s: (s, xlsform_bytes(s)))(campaign_form_spec(campaign)))
    convert_s, converted = timed(lambda: convert(content, file_type=".xlsx", warnings=[]))
    assert "<h:html" in converted.xform
    return write_s, convert_s, len(spec.families), len(content)


def odk_submissions(families: list[dict]) -> tuple[list[dict], list[tuple[int, dict]]]:
    """One first-version submission per family (1 in 3 with a floor correction), members: 1 in 10 a deceased
    member, 1 in 4 a new member (a baby), as ODK Central would export them."""
    from tepat.verivali.odk.central_export import submission

    subs, members = [], []
    for n, family in enumerate(families):
        extra = {"jenis_lantai": "semen"} if n % 3 == 0 else {}
        subs.append(
            submission(
                family["id"],
                f"uuid:bench-odk-{n}",
                pendata=family["enumerator"],
                versi_awal=str(family["version"]),
                SubmissionDate=f"{TODAY.isoformat()}T02:{n % 60:02d}:00.000Z",
                **extra,
            )
        )
        if n % 10 == 1 and len(family["members"]) > 1:
            members.append(
                (
                    n,
                    {
                        "anggota_id": str(family["members"][-1][0]),
                        "keberadaan_anggota": "meninggal",
                        "keterangan_anggota": "",
                    },
                )
            )
        if n % 4 == 2:
            members.append(
                (
                    n,
                    {
                        "anggota_id": "baru",
                        "keberadaan_anggota": "terkonfirmasi",
                        "nama_perbaikan": f"BAYI {n}",
                        "jenis_kelamin_anggota": "perempuan",
                        "hubungan_anggota": "anak",
                        "tanggal_lahir_anggota": "2026-10-01",
                    },
                )
            )
    return subs, members


def with_edits(subs: list[dict], every: int = 5) -> list[dict]:
    """The same export after 1 in `every` submissions were edited in Central (new instanceID, KEY kept)."""
    from tepat.verivali.odk.central_export import edited

    return [
        edited(sub, f"{sub['instanceID']}-e1", jenis_lantai="tanah") if n % every == 0 else sub
        for n, sub in enumerate(subs)
    ]


def write_export(path: Path, subs: list[dict], members: list[tuple[int, dict]]) -> Path:
    """ODK Central's csv.zip without attachments (newest first, KEY / PARENT_KEY, review and edit columns)."""
    from tepat.verivali.odk.central_export import write_central_zip

    return write_central_zip(path, subs, members, None)


def polars_read(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        frames = [pl.read_csv(io.BytesIO(archive.read(name)), infer_schema=False) for name in archive.namelist()]
    return frames[0].height


# --- report ------------------------------------------------------------------------------------------


def row(step: str, count: int | None, seconds: float, baseline: float | None = None, note: str = "") -> str:
    per = f"{seconds / count * 1000:8.2f}" if count else f"{'':>8}"
    shown = f"{count:>7}" if count is not None else f"{'':>7}"
    base = f"{baseline:9.3f}" if baseline is not None else f"{'':>9}"
    ratio = f"{seconds / baseline:7.1f}" if baseline else f"{'':>7}"
    return f"{step:<34} {shown} {seconds:9.3f} {per} {base} {ratio}  {note}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", type=int, default=100_000, help="registry size (generated families)")
    parser.add_argument("--campaign", type=int, default=20_000, help="families in the campaign")
    parser.add_argument("--visits", type=int, default=2_000, help="web visits")
    parser.add_argument("--ingest", type=int, default=5_000, help="submissions in the ODK Central zip ingested")
    parser.add_argument("--enumerators", type=int, default=12)
    parser.add_argument("--home", type=Path, help="TEPAT_HOME to use (must be empty; default: a temporary directory)")
    return parser.parse_args()


def web_steps(campaign, analyst, users: dict, web: list, lines: list[str]) -> None:
    """Web visits, the musyawarah decisions, progress and the XLSForm."""
    visits_s, each = submit_visits(campaign, web, users)
    each.sort()
    lines.append(
        row(
            "visits (do_submit_visit, web)",
            len(web),
            visits_s,
            None,
            f"median {each[len(each) // 2] * 1000:.1f} ms, p95 {each[int(len(each) * 0.95)] * 1000:.1f} ms",
        )
    )
    decide_s, meetings, decided, refused = decide(campaign, analyst)
    lines.append(
        row(
            "musyawarah + do_decide_many",
            decided + refused,
            decide_s,
            None,
            f"{meetings} meetings, {decided} approved, {refused} refused",
        )
    )

    from tepat.verivali.progress import campaign_progress

    for by in ("kelurahan", "enumerator"):
        seconds, rows = best_of(lambda: campaign_progress(campaign, by=by))
        lines.append(row(f"campaign_progress by {by}", None, seconds, None, f"{len(rows)} rows, best of 3"))
    write_s, convert_s, preloaded, xlsx_size = xlsform(campaign)
    lines.append(row("XLSForm written", preloaded, write_s, None, f"{xlsx_size / 1e6:.1f} MB"))
    lines.append(row("XLSForm pyxform convert", preloaded, convert_s))


def odk_steps(campaign, analyst, odk: list, home: Path, lines: list[str]) -> None:
    """An ODK Central zip: parsed, ingested, ingested again with edits, and once more (all known)."""
    from tepat.verivali.odk.ingest import ingest_file
    from tepat.verivali.odk.tables import read_export

    subs, members = odk_submissions(odk)
    export = write_export(home / "odk-export.zip", subs, members)
    read_s, read_rows = best_of(lambda: polars_read(export))
    parse_s, _ = best_of(lambda: read_export(export))
    lines.append(
        row("ODK export parsed (read_export)", read_rows, parse_s, read_s, "the ingest's own reading, no database")
    )
    ingest_s, report = timed(lambda: ingest_file(campaign, export, acting_user=analyst))
    assert report.ok() and report.accepted == len(odk) == read_rows, report.summary()[:2000]
    lines.append(
        row(
            "ODK ingest (ingest_file)",
            report.accepted,
            ingest_s,
            read_s,
            f"baseline: polars reads the zip's csv; {len(members)} member rows",
        )
    )
    edits = write_export(home / "odk-edited.zip", with_edits(subs), members)
    edit_read_s, _ = best_of(lambda: polars_read(edits))
    edit_s, edited = timed(lambda: ingest_file(campaign, edits, acting_user=analyst))
    assert edited.ok() and edited.updated == (len(odk) + 4) // 5 and edited.accepted == 0, edited.summary()[:2000]
    lines.append(
        row(
            "ODK ingest with edits",
            len(odk),
            edit_s,
            edit_read_s,
            f"{edited.updated} updated (requests derived again), {edited.duplicates} already in",
        )
    )
    again_s, again = timed(lambda: ingest_file(campaign, edits, acting_user=analyst))
    assert again.duplicates == len(odk) and again.accepted == again.updated == 0, again.summary()[:2000]
    lines.append(row("ODK re-ingest (all duplicates)", again.duplicates, again_s, edit_read_s))


def main() -> None:
    args = arguments()
    temporary = None if args.home else tempfile.TemporaryDirectory(prefix="tepat-bench-verivali-")
    home = args.home or Path(temporary.name)
    os.environ["TEPAT_HOME"] = str(home)
    database = "PostgreSQL" if os.environ.get("TEPAT_DATABASE_URL") else "SQLite"
    source = data_file(args.families)
    fresh_database()
    from tepat.bootstrap import ensure_database, setup

    setup()
    ensure_database()
    import_s = import_registry(source)

    from tepat.registry.models import Family

    analyst, enumerators = make_users(args.enumerators)
    create_s, campaign = timed(lambda: make_campaign(args.campaign, analyst))
    size = campaign.families.count()
    plan = deal(campaign, enumerators)
    print(
        f"{database}: {Family.objects.count():,} families imported in {import_s:.1f} s; campaign of {size:,} families "
        f"in {len(plan)} kelurahan, {args.enumerators} enumerators"
    )
    lines = [row("create campaign", size, create_s)]
    raw_s = raw_assignment(campaign, plan, analyst)
    assign_s, assigned = timed(lambda: assign(campaign, plan, analyst))
    assert assigned == size, (assigned, size)
    lines.append(row("assign (do_assign_campaign)", assigned, assign_s, raw_s, "baseline: raw bulk_create + UPDATE"))

    families = visited_families(campaign, args.visits + args.ingest, random.Random(7))
    web_steps(campaign, analyst, {u.username: u for u in enumerators}, families[: args.visits], lines)
    odk_steps(campaign, analyst, families[args.visits :], home, lines)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'step':<34} {'n':>7} {'total s':>9} {'ms/item':>8} {'base s':>9} {'ratio':>7}")
    print("\n".join(lines))
    print(f"peak memory of this process: {peak:.0f} MB")
    if temporary:
        temporary.cleanup()


if __name__ == "__main__":
    main()
