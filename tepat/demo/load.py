"""`tepat demo`: the synthetic Tanjungbalai registry, imported through the real importer, and one user per role."""
from __future__ import annotations

from typing import Callable

from django.conf import settings

from tepat.accounts.actions import do_create_user
from tepat.accounts.models import User
from tepat.accounts.roles import Role
from tepat.cli_support import summary
from tepat.registry.actions import create_batch, do_assign, do_import
from tepat.registry.models import Family

DEMO_SEED = 2024
# username -> (role, region code, OPD code)
USERS = {
    "admin": (Role.ADMIN, None, None),
    "analis": (Role.ANALYST, None, None),
    "dinsos": (Role.OPD, None, "dinsos"),
    "camat": (Role.CAMAT, "12.74.05", None),
    "lurah": (Role.LURAH, "12.74.05.1010", None),
    "pendata": (Role.ENUMERATOR, None, None),
    "pemantau": (Role.VIEWER, None, None),
}


def ensure_users(echo: Callable[[str], None]) -> dict[str, User]:
    users = {}
    for username, (role, region, opd) in USERS.items():
        existing = User.objects.filter(username=username).first()
        if existing:
            users[username] = existing
            continue
        users[username], password = do_create_user(username, role=role, region_code=region, opd_code=opd, acting_user=None)
        echo(f"  {username:<9} {role.label:<28} kata sandi / password: {password}")
    return users


def load_demo(families: int, echo: Callable[[str], None] = print) -> None:
    """Idempotent: a second run reuses the data and the users (passwords are printed only when created)."""
    echo("Pengguna demo / demo users (kata sandi hanya ditampilkan sekali; ganti dengan `tepat password NAMA`):")
    users = ensure_users(echo)
    if Family.objects.exists():
        echo(f"Registri sudah berisi {Family.objects.count()} keluarga: dipakai ulang / registry reused.")
    else:
        _import_synthetic(families, users["analis"], echo)
    pantai_johor = Family.objects.filter(kelurahan__code="12.74.05.1010", is_active=True).order_by("id")[:25]
    do_assign(Family.objects.filter(pk__in=list(pantai_johor.values_list("pk", flat=True))), enumerator=users["pendata"], acting_user=users["analis"])
    from tepat.demo.boundaries import load_boundaries
    from tepat.demo.meetings import load_meetings
    from tepat.demo.targeting import load_targeting
    from tepat.demo.verivali import load_verivali

    load_targeting(users["analis"], users["dinsos"], echo)
    load_boundaries(users, echo)
    load_verivali(users, echo)
    load_meetings(users, echo)


def _import_synthetic(families: int, analyst: User, echo: Callable[[str], None]) -> None:
    from tepat.demo.generate import generate

    folder = settings.TEPAT_HOME / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    result = generate(families, "p3ke-individu", folder / "p3ke-individu-tanjungbalai.xlsx", seed=DEMO_SEED, error_rate=0.005)
    echo(f"Data sintetis: {result.rows} baris, {result.families} keluarga -> {result.path}")
    batch = create_batch(result.path, acting_user=analyst)
    batch = do_import(batch, acting_user=analyst)
    echo(summary(batch.report))
