"""`tepat demo`: a synthetic registry of one kab/kota (default: the installation's region), imported through
the real importer, one user per role, and the demo's targeting, boundaries, verivali and meetings."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable

import polars as pl
from django.conf import settings

from tepat.accounts.actions import do_create_user
from tepat.accounts.models import User
from tepat.accounts.roles import Role
from tepat.cli_support import summary
from tepat.demo.place import DemoPlace, demo_place
from tepat.registry.actions import create_batch, do_assign, do_import
from tepat.registry.models import Family

DEMO_SEED = 2024
# username -> (role, where: "camat"/"lurah" = the demo place's kecamatan/kelurahan, OPD code)
USERS = {
    "admin": (Role.ADMIN, None, None),
    "analis": (Role.ANALYST, None, None),
    "dinsos": (Role.OPD, None, "dinsos"),
    "camat": (Role.CAMAT, "camat", None),
    "lurah": (Role.LURAH, "lurah", None),
    "pendata": (Role.ENUMERATOR, None, None),
    "pemantau": (Role.VIEWER, None, None),
}


def ensure_users(echo: Callable[[str], None], place: DemoPlace | None = None) -> dict[str, User]:
    """The demo users, created when missing (without a place, those that need a region are not created)."""
    users = {}
    for username, (role, where, opd) in USERS.items():
        existing = User.objects.filter(username=username).first()
        if existing:
            users[username] = existing
            continue
        if where and place is None:
            continue
        region = getattr(place, where) if where else None
        users[username], password = do_create_user(
            username, role=role, region_code=region, opd_code=opd, acting_user=None
        )
        echo(f"  {username:<9} {role.label:<28} kata sandi / password: {password}")
    return users


def ensure_region(code: str, echo: Callable[[str], None]) -> None:
    """The region's kecamatan and kelurahan in the master: from its city pack (when none are stored yet), else the
    missing ones from the national Kemendagri list (a province may already hold one of its kab/kota)."""
    from tepat.regions.loading import load_national, load_regions
    from tepat.regions.models import Level, Region
    from tepat.regions.pack import own_file

    own = own_file("regions.csv", code)
    if own and Region.objects.filter(level=Level.KELURAHAN, code__startswith=code + ".").exists():
        return
    outcome = load_regions(own) if own else load_national(code)
    if outcome.errors:
        raise SystemExit("; ".join(outcome.errors))
    if outcome.created:
        echo(f"Wilayah {code}: {outcome.created} wilayah dimuat / regions loaded")


def load_demo(families: int, echo: Callable[[str], None] = print, region: str | None = None) -> None:
    """Idempotent: a second run reuses the data and the users (passwords are printed only when created), also on a
    home whose registry was imported by hand. `region`: a kab/kota or province code (default TEPAT_REGION_CODE)."""
    region = region or settings.TEPAT_REGION_CODE
    ensure_region(region, echo)
    echo("Pengguna demo / demo users (kata sandi hanya ditampilkan sekali; ganti dengan `tepat password NAMA`):")
    users = ensure_users(echo, None)
    if Family.objects.exists():
        echo(f"Registri sudah berisi {Family.objects.count()} keluarga: dipakai ulang / registry reused.")
    else:
        _import_synthetic(families, region, users["analis"], echo)
    place = demo_place(region)  # after the import: the demo kelurahan is one that has families
    users = ensure_users(echo, place)
    assigned = Family.objects.filter(kelurahan__code=place.lurah, is_active=True).order_by("id")[:25]
    do_assign(
        Family.objects.filter(pk__in=list(assigned.values_list("pk", flat=True))),
        enumerator=users["pendata"],
        acting_user=users["analis"],
    )
    from tepat.demo.boundaries import load_boundaries
    from tepat.demo.meetings import load_meetings
    from tepat.demo.targeting import load_targeting
    from tepat.demo.verivali import load_verivali

    load_targeting(users["analis"], users["dinsos"], echo)
    load_boundaries(users, echo, place)
    load_verivali(users, echo, place.lurah)
    load_meetings(users, echo, place)


def _import_synthetic(families: int, region: str, analyst: User, echo: Callable[[str], None]) -> None:
    from tepat.demo.generate import generate

    folder = settings.TEPAT_HOME / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    regions = _regions_csv(region, folder)
    result = generate(
        families,
        "p3ke-individu",
        folder / f"p3ke-individu-{region}.xlsx",
        seed=DEMO_SEED,
        error_rate=0.005,
        regions_csv=regions,
    )
    echo(f"Data sintetis: {result.rows} baris, {result.families} keluarga -> {result.path}")
    batch = create_batch(result.path, acting_user=analyst)
    batch = do_import(batch, acting_user=analyst)
    echo(summary(batch.report))


def _regions_csv(code: str, folder: Path) -> Path:
    """The generator's region master: the region, its province and everything under it, as stored."""
    from django.db.models import Q

    from tepat.regions.models import Region

    rows = (
        Region.objects.filter(Q(code=code) | Q(code=code.split(".")[0]) | Q(code__startswith=code + "."))
        .order_by("code")
        .values_list("code", "name", "level", "parent__code")
    )
    frame = pl.DataFrame(
        [(c, n, lv, p or "") for c, n, lv, p in rows], schema=["code", "name", "level", "parent"], orient="row"
    )
    path = folder / f"wilayah-{code}.csv"
    frame.write_csv(path)
    return path
