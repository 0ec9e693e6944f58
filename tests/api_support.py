"""Shared data for the API tests: a small registry in two areas, two OPDs' target lists, a token per role."""

from __future__ import annotations

import pytest

from tests.files import family_rows, write_xlsx

JOHOR_HEAD = "1274050101800001"  # family JOHOR, Pantai Johor (Datuk Bandar)
KOTA_HEAD = "1274050101800002"  # family KOTA, Tanjungbalai Kota I (Tanjungbalai Selatan)


@pytest.fixture
def world(import_file, cast, tmp_path):
    """Families JOHOR and KOTA; JOHOR assigned to the enumerator; program air_bersih (dinsos, the `opd`
    user's agency) and a second program of another OPD, each with a frozen target list; a token per role."""
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.accounts.models import Opd
    from tepat.api.actions import do_create_token
    from tepat.programs.actions import do_freeze_target_list, do_save_rule
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.models import Program
    from tepat.registry.actions import do_assign
    from tepat.registry.models import Family

    ensure_shipped_opds()
    ensure_catalogue(2026)
    rows = family_rows("JOHOR", base=1, desil="1") + family_rows(
        "KOTA", base=2, desil="2", kode="1274011001", alamat="Jl. Kota"
    )
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    johor, kota = Family.objects.get(source_key="JOHOR"), Family.objects.get(source_key="KOTA")
    do_assign(Family.objects.filter(pk=johor.pk), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    ours = Program.objects.get(code="air_bersih")
    theirs = Program.objects.exclude(pk=ours.pk).order_by("code").first()
    ours.opd = Opd.objects.get(code="dinsos")
    theirs.opd = Opd.objects.get_or_create(code="pupr", defaults={"name": "Dinas PUPR"})[0]
    lists = {}
    for program in (ours, theirs):
        program.save()
        do_save_rule(program, "desil <= 2", acting_user=cast["analyst"], reason="uji")
        lists[program.code] = do_freeze_target_list(program, acting_user=cast["analyst"])
    tokens = {role: do_create_token(user, "uji", acting_user=user).text for role, user in cast.items()}
    return {"johor": johor, "kota": kota, "ours": lists[ours.code], "theirs": lists[theirs.code], "tokens": tokens}


def call(client, token: str | None, method: str, path: str, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, body, content_type="application/json", **headers)
