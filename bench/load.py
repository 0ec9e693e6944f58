"""Many users at once on a real `tepat serve` (issue 13): 10, 50 and 100 logged-in users over a page
and write mix, each pausing 2 s between requests, then the saturation throughput with no pause.

    .venv/bin/python bench/load.py --home /tmp/tepat-serve-load --file /tmp/tepat-bench/p3ke-individu-100000.csv

Imports FILE into HOME unless it holds families (`tepat import`, as bench/web.py does), seeds the
program catalogue, boundaries, public figures and a verivali campaign, makes one analyst session per
user (written to the session table: logging in is not what is measured), starts `tepat serve` as a
user would (its defaults: processes sized to the machine) and drives it over HTTP with one thread
and one keep-alive connection per user (stdlib only). Prints, per phase and page: requests, req/s,
p50/p95/p99 in ms, errors, and p50 as a ratio to the login page's (the floor: a page that reads
nothing) under the same load. Targets at 100 users on 2 cores: 0 errors, p95 <= 1 s on every page,
>= 45 req/s served, saturation >= 4x the 12-14 req/s of one waitress process.

Then a registry change (a family deactivated) while 10 users browse, and the cold start (`tepat
serve` restarted, 10 users arriving together): the slowest request of each must stay under 2 s (the
new snapshot is written by the job worker; pages read the previous one meanwhile).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from pages import ROOT, registry_home

PAUSE = 2.0
TIMEOUT = 30.0
RULES = [f"desil <= {d} and jumlah_anggota >= {n}" for d in (1, 2, 3, 4) for n in (3, 4, 5)]  # 12 texts
# page -> weight in the read mix; the writes are their own entries (POSTs)
MIX = {
    "home": 3,
    "family list": 3,
    "family page": 3,
    "rule preview": 2,
    "indicators": 1,
    "pockets": 1,
    "login (floor)": 2,
    "realisasi": 1,
    "visit": 1,
    "freeze": 0.1,
}
LIST_FILTERS = ["kecamatan={kec}", "kelurahan={kel}&desil=1", "q=SITI", "desil=2&page=20"]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=60.0, help="duration of each phase")
    parser.add_argument("--users", default="10,50,100", help="comma-separated; empty: none")
    parser.add_argument("--saturation-users", type=int, default=16, help="users with no pause (0: no saturation phase)")
    parser.add_argument("--processes", type=int, help="tepat serve --processes (default: its own sizing)")
    parser.add_argument("--threads", type=int, help="tepat serve --threads")
    parser.add_argument("--skip-cold", action="store_true", help="no restart and cold start at the end")
    parser.add_argument("--skip-change", action="store_true", help="no registry change while 10 users browse")
    parser.add_argument(
        "--root",
        type=Path,
        default=ROOT,
        help="checkout whose `tepat serve` is driven (e.g. the one before this change)",
    )
    return parser.parse_args()


# ---------------------------------------------------------------- the installation


def seed(users: int) -> dict:
    """Catalogue, boundaries, figures, a campaign to visit and `users` analyst sessions. Returns what the clients need."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tepat.accounts.models import User
    from tepat.demo.boundaries import load_boundaries
    from tepat.indicators.tracker import ensure_public_figures
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.models import Program
    from tepat.registry.models import Family

    ensure_catalogue(2026)
    ensure_public_figures()
    analysts = [
        User.objects.filter(username=f"load-{i}").first() or User.objects.create(username=f"load-{i}", role="analyst")
        for i in range(users)
    ]
    load_boundaries({"analis": analysts[0]}, echo=lambda line: None)
    sessions = []
    for user in analysts:
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    families = list(
        Family.objects.filter(is_active=True).values_list("pk", "kelurahan__code", "kelurahan__parent__code")
    )
    programs = list(Program.objects.filter(is_active=True).values_list("pk", "code"))
    return {
        "sessions": sessions,
        "families": [pk for pk, _, _ in families],
        "places": sorted({(kec, kel) for _, kel, kec in families}),
        "programs": programs,
        "campaign": campaign(analysts[0]),
    }


def campaign(analyst) -> tuple[int, list[tuple[int, int]]]:
    """A verivali campaign over one kelurahan (reused): its pk and (family pk, version) to visit."""
    from tepat.regions.models import Region
    from tepat.verivali.actions import do_create_campaign
    from tepat.verivali.models import Campaign

    found = Campaign.objects.filter(name="load bench").first()
    if found is None:
        region = Region.objects.filter(level="kelurahan", families__isnull=False).order_by("code").first()
        values = {"name": "load bench", "period_start": "2026-01-01", "period_end": "2026-12-31", "max_desil": 4}
        found = do_create_campaign(values, kelurahan=[region], acting_user=analyst)
    visited = found.families.values_list("family_id", "family__version")
    return found.pk, list(visited)


# ---------------------------------------------------------------- the server


class Server:
    """`tepat serve` in a child process, as a user starts it."""

    def __init__(self, home: Path, port: int, processes: int | None, threads: int | None, root: Path = ROOT) -> None:
        self.home, self.port, self.root = home, port, root
        self.command = [sys.executable, "-m", "tepat", "serve", "--port", str(port)]
        self.command += ["--processes", str(processes)] if processes else []
        self.command += ["--threads", str(threads)] if threads else []

    def start(self) -> float:
        """Seconds until the login page answers."""
        started = time.monotonic()
        env = {**os.environ, "TEPAT_HOME": str(self.home), "PYTHONPATH": str(self.root)}
        self.log = open(self.home / "load-serve.log", "a")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(self.command, cwd=self.root, env=env, stdout=self.log, stderr=self.log)
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/login/")
                connection.getresponse().read()
                return time.monotonic() - started
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"tepat serve stopped: see {self.home / 'load-serve.log'}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=120)
        self.log.close()


# ---------------------------------------------------------------- the users


class User:
    """One browser: a session cookie, a keep-alive connection, a page chosen by weight after each pause."""

    def __init__(self, port: int, session: str, world: dict, rng: random.Random) -> None:
        self.port, self.world, self.rng = port, world, rng
        self.csrf = secrets.token_hex(16)  # 32 characters: Django accepts the secret itself as the token
        self.cookie = f"sessionid={session}; csrftoken={self.csrf}"
        self.connection = None

    def request(self, method: str, path: str, body: dict | None = None, cookie: bool = True) -> int:
        headers = {"Cookie": self.cookie} if cookie else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": self.csrf})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile is reopened once
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                response.read()
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
            except (OSError, http.client.HTTPException):  # a timeout: this connection is unusable now
                self.connection.close()
                self.connection = None
                raise
        raise AssertionError("unreachable")

    def next_page(self) -> tuple[str, str, str, dict | None]:
        """(page name, method, path, form)."""
        world, rng = self.world, self.rng
        page = rng.choices(list(MIX), weights=list(MIX.values()))[0]
        family = rng.choice(world["families"])
        program = rng.choice(world["programs"])[1]
        if page == "home":
            return page, "GET", "/", None
        if page == "family list":
            kec, kel = rng.choice(world["places"])
            return page, "GET", "/keluarga/?" + rng.choice(LIST_FILTERS).format(kec=kec, kel=kel), None
        if page == "family page":
            return page, "GET", f"/keluarga/{family}/", None
        if page == "rule preview":
            return (
                page,
                "GET",
                f"/program/{program}/pratinjau/?" + urllib.parse.urlencode({"text": rng.choice(RULES)}),
                None,
            )
        if page == "indicators":
            return page, "GET", "/indikator/registri/", None
        if page == "pockets":
            return page, "GET", "/kantong/", None
        if page == "login (floor)":
            return page, "GET", "/login/", None
        if page == "realisasi":
            form = {"program": rng.choice(world["programs"])[0], "date": "2026-06-01", "amount": "150000"}
            return page, "POST", f"/keluarga/{family}/realisasi/", {**form, "status": "tersalur"}
        if page == "visit":
            return page, "POST", *visit(world, rng)
        return page, "POST", f"/program/{program}/bekukan/", {"quota": "500"}

    def run(self, until: float, pause: float, results: dict, lock: threading.Lock) -> None:
        time.sleep(self.rng.uniform(0, pause))  # users do not all click in the same instant
        while time.monotonic() < until:
            page, method, path, form = self.next_page()
            start = time.monotonic()
            try:
                status = self.request(method, path, form, cookie=page != "login (floor)")
                ok = status == 200 or (method == "POST" and status == 302)
            except (OSError, http.client.HTTPException):
                status, ok = 0, False
            elapsed = time.monotonic() - start
            with lock:
                results[page].append((elapsed, ok, status))
            if pause:
                time.sleep(pause)
        if self.connection is not None:
            self.connection.close()


def visit(world: dict, rng: random.Random) -> tuple[str, dict]:
    """A web visit of a campaign family: every family of the campaign in turn (each a new submission)."""
    campaign, families = world["campaign"]
    family, version = families[rng.randrange(len(families))]
    form = {
        "submission_key": f"uuid:{secrets.token_hex(16)}",
        "started_version": version,
        "keberadaan": "terkonfirmasi",
        "memenuhi_kriteria": "ya",
        "alasan": "",
        "keterangan": "",
    }
    return f"/verivali/{campaign}/kunjungan/{family}/", form


def drive(port: int, world: dict, users: int, seconds: float, pause: float) -> tuple[dict, float]:
    """`users` threads for `seconds`; per page the (seconds, ok, status) of every request, and the wall time."""
    results, lock = defaultdict(list), threading.Lock()
    until = time.monotonic() + seconds
    crowd = [User(port, world["sessions"][i % len(world["sessions"])], world, random.Random(i)) for i in range(users)]
    threads = [threading.Thread(target=u.run, args=(until, pause, results, lock), daemon=True) for u in crowd]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + TIMEOUT + 10)
    return results, time.monotonic() - started


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by `root` and every process below it (the web processes,
    the job worker): what the server costs whatever else runs on the machine."""
    total, pending = 0.0, [root]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            pending += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def measured(server: Server, world: dict, users: int, seconds: float, pause: float) -> tuple[dict, float, float]:
    """`drive`, and the server's CPU seconds over it."""
    before = cpu_seconds(server.process.pid)
    results, wall = drive(server.port, world, users, seconds, pause)
    return results, wall, cpu_seconds(server.process.pid) - before


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(title: str, results: dict, wall: float, cpu: float | None = None) -> dict:
    """Print one phase's table; returns its totals."""
    every = [r for rows in results.values() for r in rows]
    errors = sum(not ok for _, ok, _ in every)
    if cpu is not None and every:
        per = cpu / len(every)
        title += (
            f"; server CPU {cpu:.1f} s = {per * 1000:.0f} ms per request"
            f" (on {os.cpu_count()} idle cores: about {os.cpu_count() / per:.0f} req/s)"
        )
    floor = statistics.median(t for t, _, _ in results["login (floor)"]) if results["login (floor)"] else None
    print(f"\n## {title}: {len(every)} requests in {wall:.1f} s = {len(every) / wall:.1f} req/s, {errors} errors")
    print(
        f"{'page':<16}{'n':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'p50/floor':>11}"
    )
    for page in MIX:
        rows = results.get(page) or []
        if not rows:
            continue
        times = [t for t, _, _ in rows]
        bad = [status for _, ok, status in rows if not ok]
        ratio = f"{statistics.median(times) / floor:.1f}" if floor else "-"
        print(
            f"{page:<16}{len(rows):>6}{len(rows) / wall:>8.1f}{percentile(times, 0.5) * 1000:>9.0f}"
            f"{percentile(times, 0.95) * 1000:>9.0f}{percentile(times, 0.99) * 1000:>9.0f}{max(times) * 1000:>9.0f}"
            f"{len(bad):>8}{ratio:>11}" + (f"  statuses {sorted(set(bad))}" if bad else "")
        )
    worst = max((percentile([t for t, _, _ in rows], 0.95) for rows in results.values() if rows), default=0)
    return {"rps": len(every) / wall, "errors": errors, "worst_p95": worst}


def cold_start(server: Server, world: dict, users: int = 10) -> None:
    """A restart, then `users` arriving together: their first request each."""
    server.stop()
    ready = server.start()
    results, wall = drive(server.port, world, users, seconds=0.01, pause=0.0)
    slowest = max(t for rows in results.values() for t, _, _ in rows)
    print(
        f"\n## cold start: serve answered after {ready:.1f} s; {users} users together: slowest request {slowest * 1000:.0f} ms"
    )


def after_change(server: Server, world: dict, seconds: float) -> None:
    """A registry change (a family deactivated: a new registry version) while 10 users browse: pages
    read the previous snapshot until the job worker has written the new one."""
    from tepat.accounts.models import User as Account
    from tepat.registry.actions import do_deactivate_family
    from tepat.registry.models import Family

    def change() -> None:
        time.sleep(2)
        family = Family.objects.filter(is_active=True).order_by("-pk").first()
        do_deactivate_family(family, acting_user=Account.objects.get(username="load-0"), reason="pindah (bench)")

    changer = threading.Thread(target=change)
    changer.start()
    results, wall = drive(server.port, world, 10, seconds=seconds, pause=PAUSE)
    changer.join()
    totals = report("10 users while the registry changes (the worker writes the new snapshot)", results, wall)
    slowest = max(t for rows in results.values() for t, _, _ in rows)
    print(f"slowest request {slowest * 1000:.0f} ms (target < 2000), worst p95 {totals['worst_p95'] * 1000:.0f} ms")


def saturation(server: Server, world: dict, args: argparse.Namespace) -> None:
    """The throughput with no pause between requests, against the 13 req/s of the single waitress process."""
    load = os.getloadavg()[0]
    results, wall, cpu = measured(server, world, args.saturation_users, args.seconds, 0.0)
    totals = report(
        f"saturation: {args.saturation_users} users, no pause (load average before {load:.2f})", results, wall, cpu
    )
    print(f"saturation {totals['rps']:.1f} req/s = {totals['rps'] / 13:.1f}x the 13 req/s of one waitress process")


def main() -> None:
    args = arguments()
    user_counts = [int(n) for n in args.users.split(",") if n.strip()]
    registry_home(args.home, args.file)
    from tepat.registry.models import Family

    world = seed(max([*user_counts, args.saturation_users, 10]))
    print(
        f"{Family.objects.filter(is_active=True).count()} families; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}"
    )
    from django.db import connections

    connections.close_all()
    from tests.served import free_port

    server = Server(args.home, free_port(), args.processes, args.threads, args.root.resolve())
    print(f"tepat serve answered after {server.start():.1f} s: {' '.join(server.command[1:])}")
    try:
        drive(server.port, world, 10, seconds=min(10.0, args.seconds), pause=0.5)  # every process warms its caches
        for users in user_counts:
            load = os.getloadavg()[0]
            results, wall, cpu = measured(server, world, users, args.seconds, PAUSE)
            report(f"{users} users, {PAUSE:.0f} s pause (load average before {load:.2f})", results, wall, cpu)
        if args.saturation_users:
            saturation(server, world, args)
        if not args.skip_change:
            after_change(server, world, min(args.seconds, 20.0))
        if not args.skip_cold:
            cold_start(server, world)
    finally:
        server.stop()
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
