"""The JSON API (/api/v1/): role x endpoint x area through tokens (scope, masking, log), token lifecycle,
rate limit, cursor pagination under inserts, realisasi all-or-nothing, problem details."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from tepat.accounts.models import PersonalDataAccess
from tepat.api.listing import encode
from tepat.api.models import ApiToken
from tests.api_support import JOHOR_HEAD, KOTA_HEAD, call, world  # noqa: F401
from tests.test_scope import EXPECTED  # role -> (sees JOHOR, sees KOTA, full NIK): the API reads as the pages

MASKED_JOHOR = "127405******0001"


@pytest.mark.parametrize("role", EXPECTED)
def test_each_role_reads_families_as_on_the_pages(role, client, world):
    johor, kota, full = EXPECTED[role]
    token = world["tokens"][role]
    before = PersonalDataAccess.objects.count()
    listing = call(client, token, "get", "/api/v1/families")
    detail = {f: call(client, token, "get", f"/api/v1/families/{world[f].pk}") for f in ("johor", "kota")}
    if role == "viewer":
        assert listing.status_code == 404 and listing["Content-Type"] == "application/problem+json"
        assert detail["johor"].status_code == detail["kota"].status_code == 404
        assert PersonalDataAccess.objects.count() == before
        return
    keys = {item["id_keluarga"] for item in listing.json()["items"]}
    assert keys == {k for k, seen in (("JOHOR", johor), ("KOTA", kota)) if seen}  # 0 leaks
    assert detail["johor"].status_code == (200 if johor else 404)
    assert detail["kota"].status_code == (200 if kota else 404)
    assert detail["kota"].json().get("code", "") == ("" if kota else "not_found")
    body = listing.content.decode() + detail["johor"].content.decode()
    if johor:
        assert (JOHOR_HEAD in body) == full and (MASKED_JOHOR in body) == (not full)
        niks = [m["nik"] for m in detail["johor"].json()["members"]]
        assert all(("*" in n) != full for n in niks)
    assert KOTA_HEAD not in body or kota
    logged = PersonalDataAccess.objects.filter(user__username=role).order_by("pk")
    texts = [e.what for e in logged]
    assert "api: daftar keluarga " in texts and (f"keluarga {world['johor'].pk}" in texts) == johor
    assert all(e.unmasked == full for e in logged)


def test_an_opd_token_cannot_read_another_opds_target_list(client, world):
    token = world["tokens"]["opd"]
    ours, theirs = world["ours"], world["theirs"]
    listed = {t["id"] for t in call(client, token, "get", "/api/v1/target-lists").json()["items"]}
    assert listed == {ours.pk}
    assert call(client, token, "get", f"/api/v1/target-lists/{theirs.pk}").status_code == 404
    assert call(client, token, "get", f"/api/v1/target-lists/{theirs.pk}/entries").status_code == 404
    entries = call(client, token, "get", f"/api/v1/target-lists/{ours.pk}/entries").json()["items"]
    assert [e["id_keluarga"] for e in entries] == ["JOHOR", "KOTA"] and entries[0]["nik_kepala_keluarga"] == JOHOR_HEAD
    assert PersonalDataAccess.objects.filter(what=f"daftar sasaran {ours.pk}", user__username="opd").exists()
    admin = call(client, world["tokens"]["admin"], "get", f"/api/v1/target-lists/{theirs.pk}/entries").json()
    assert admin["items"][0]["nik_kepala_keluarga"] == MASKED_JOHOR  # the admin's masking, as in the download


def test_a_token_is_shown_once_stored_hashed_and_ends_by_expiry_or_revocation(client, cast, world):
    from tepat.api.actions import do_revoke_token

    text = world["tokens"]["analyst"]
    stored = ApiToken.objects.get(user=cast["analyst"])
    assert stored.digest == hashlib.sha256(text.encode()).hexdigest()
    assert not any(text.split("_", 2)[2] in str(v) for v in ApiToken.objects.values_list().get(pk=stored.pk))
    assert stored.last_used_at is None
    assert call(client, text, "get", "/api/v1/families").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert call(client, text[:-1] + ("A" if text[-1] != "A" else "B"), "get", "/api/v1/families").status_code == 401
    assert call(client, None, "get", "/api/v1/families").status_code == 401
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = call(client, text, "get", "/api/v1/families")
    assert expired.status_code == 401 and expired.json()["code"] == "unauthorized"
    ApiToken.objects.filter(pk=stored.pk).update(expires_at=timezone.now() + timedelta(days=1))
    do_revoke_token(stored, acting_user=cast["analyst"])
    assert call(client, text, "get", "/api/v1/families").status_code == 401


def test_the_token_page_creates_shows_once_and_revokes(client, cast, db):
    client.force_login(cast["lurah"])
    page = client.post("/akun/token/", {"name": "aplikasi kelurahan", "days": "30"}).content.decode()
    token = ApiToken.objects.get(user=cast["lurah"])
    text = page.split('data-testid="token-text">')[1].split("<")[0]
    assert text.startswith(f"tpt_{token.key}_") and token.digest == hashlib.sha256(text.encode()).hexdigest()
    assert text not in client.get("/akun/token/").content.decode()  # shown once
    client.force_login(cast["camat"])
    assert client.post(f"/akun/token/{token.pk}/cabut/").status_code == 404  # not theirs
    client.force_login(cast["lurah"])
    client.post(f"/akun/token/{token.pk}/cabut/")
    token.refresh_from_db()
    assert token.revoked_at is not None and call(client, text, "get", "/api/v1/families").status_code == 401
    client.post("/i18n/setlang/", {"language": "en", "next": "/akun/token/"})
    english = client.get("/akun/token/").content.decode()
    assert "My API tokens" in english and "revoked" in english and "Token API saya" not in english


def test_the_cli_creates_a_token_that_works(client, cast, settings):
    from click.testing import CliRunner

    from tepat.cli import main

    result = CliRunner().invoke(main, ["token", "create", "opd", "--name", "sistem OPD", "--expires", "7"])
    assert result.exit_code == 0, result.output
    text = result.output.splitlines()[0]
    token = ApiToken.objects.get(user=cast["opd"])
    assert token.name == "sistem OPD" and (token.expires_at - timezone.now()).days == 6
    assert call(client, text, "get", "/api/v1/target-lists").status_code == 200
    bad = CliRunner().invoke(main, ["token", "create", "nobody", "--name", "x"])
    assert bad.exit_code == 2
    listed = CliRunner().invoke(main, ["token", "list", "opd"]).output
    assert token.key in listed and "active" in listed and text not in listed
    assert CliRunner().invoke(main, ["token", "revoke", token.key]).exit_code == 0
    assert "revoked" in CliRunner().invoke(main, ["token", "list", "opd"]).output
    assert call(client, text, "get", "/api/v1/target-lists").status_code == 401


def test_a_token_past_its_rate_gets_429_with_retry_after(client, world, settings):
    settings.TEPAT_API_RATE_PER_MINUTE = 2
    token = world["tokens"]["analyst"]
    answers = [call(client, token, "get", "/api/v1/target-lists") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    limited = answers[-1]
    assert limited["Content-Type"] == "application/problem+json" and 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["code"] == "rate_limited" and "detik" in limited.json()["message_id"]


def test_the_rate_is_counted_across_the_servers_processes(tmp_path):
    """gunicorn runs several processes: each token's count is one for all of them (tepat.counters)."""
    import subprocess
    import sys

    code = "import sys; from pathlib import Path; from tepat import counters\n"
    code += "for _ in range(40): counters.increment(Path(sys.argv[1]), 'key-1')"
    children = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path)]) for _ in range(3)]
    assert [child.wait(timeout=60) for child in children] == [0, 0, 0]
    assert (tmp_path / "key-1").read_text() == "120"


def test_cursor_pages_see_every_family_once_while_families_are_added(client, world):
    from tepat.registry.models import Family

    token, seen, cursor, added = world["tokens"]["analyst"], [], None, False
    while True:
        path = "/api/v1/families?limit=1&fields=id,id_keluarga" + (f"&cursor={cursor}" if cursor else "")
        page = call(client, token, "get", path).json()
        seen += [item["id_keluarga"] for item in page["items"]]
        assert all(set(item) == {"id", "id_keluarga"} for item in page["items"])
        if not added:  # a family imported while the client pages: it comes last, once; nothing repeats
            extra = Family.objects.get(source_key="KOTA")
            extra.pk, extra.source_key, extra.no_kk = None, "BARU", "1274011001000099"
            extra.save()
            added = True
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["JOHOR", "KOTA", "BARU"]


def test_bad_cursor_and_unknown_fields_are_problems(client, world):
    token = world["tokens"]["analyst"]
    bad = call(client, token, "get", "/api/v1/families?cursor=xyz")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_cursor"
    huge = encode(2**70)  # well-formed, but no database integer
    assert call(client, token, "get", f"/api/v1/families?cursor={huge}").json()["code"] == "bad_cursor"
    for path in ("/api/v1/families/99999999999999999999999", "/api/v1/target-lists/99999999999999999999999/entries"):
        assert call(client, token, "get", path).status_code == 404  # beyond any database integer: not found
    unknown = call(client, token, "get", "/api/v1/families?fields=id,gaji")
    assert unknown.status_code == 400 and "gaji" in unknown.json()["message_en"]
    invalid = call(client, token, "get", "/api/v1/families?limit=0")
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "limit"


def test_a_realisasi_batch_with_bad_rows_writes_nothing_and_names_every_problem(client, world):
    from tepat.programs.models import Intervention

    token = world["tokens"]["opd"]
    good = {"program": "air_bersih", "tanggal": "2026-03-01", "nik": JOHOR_HEAD, "nilai": "150.000"}
    rows = [
        good,
        {**good, "program": "tidak_ada"},
        {**good, "nik": "1274059999999999", "tanggal": "2025-01-01"},
        {**good, "program": world["theirs"].program.code},
    ]
    answer = call(client, token, "post", "/api/v1/realisasi", {"rows": rows})
    assert answer.status_code == 422 and answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    found = {(e["row"], e["field"], e["code"]) for e in problem["errors"]}
    assert found == {
        (1, "program", "program_unknown"),
        (2, "nik", "nik_unknown"),
        (2, "tanggal", "date_outside_year"),
        (3, "program", "program_not_yours"),
    }
    assert problem["code"] == "rows_rejected" and "3" in problem["message_en"]
    assert all(e["message_id"] and e["message_en"] and " / " not in e["message_en"] for e in problem["errors"])
    assert Intervention.objects.count() == 0  # nothing partial
    written = call(client, token, "post", "/api/v1/realisasi", {"rows": [good, {**good, "nilai": 200000}]})
    assert written.status_code == 201 and written.json() == {"rows": 2, "inserted": 2}
    again = call(client, token, "post", "/api/v1/realisasi/row", good)
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "duplicate_existing"
    assert Intervention.objects.filter(family=world["johor"], recorded_by__username="opd").count() == 2
    listed = call(client, token, "get", "/api/v1/interventions").json()["items"]
    assert sorted(i["amount"] for i in listed) == ["150000", "200000"]
    assert call(client, world["tokens"]["lurah"], "post", "/api/v1/realisasi", {"rows": [good]}).status_code == 404


def test_rules_are_checked_and_counted_in_the_users_scope(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # as a real agency system: a token, no CSRF cookie
    token = world["tokens"]["analyst"]
    checked = call(client, token, "post", "/api/v1/rules/check", {"text": "desil <= "}).json()
    assert not checked["ok"] and checked["errors"][0]["message_id"] and checked["errors"][0]["line"] == 1
    counted = call(client, token, "post", "/api/v1/rules/count", {"text": "desil <= 1"}).json()
    assert counted["families"] == 1 and counted["members"] == 3
    invalid = call(client, token, "post", "/api/v1/rules/count", {"text": "desil <="})
    assert invalid.status_code == 422 and invalid.json()["code"] == "rule_invalid"
    assert (
        call(client, world["tokens"]["opd"], "post", "/api/v1/rules/check", {"text": "desil <= 1"}).status_code == 404
    )


def test_the_schema_and_the_docs_page_are_served_without_inline_script(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/families" in schema["paths"] and schema["components"]["securitySchemes"]
    page = client.get("/api/v1/docs").content.decode()
    assert "<script>" not in page and "ninja/swagger-ui-bundle" in page and "tepat/api-docs" in page
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_indicators_and_convergence_as_on_their_pages(client, world):
    from tepat.indicators.tracker import ensure_public_figures

    ensure_public_figures()
    token = world["tokens"]["viewer"]
    series = call(client, token, "get", "/api/v1/indicators/series?indicator=poverty_pct").json()
    assert series and {s["indikator"] for s in series} == {"poverty_pct"}
    tracked = call(client, token, "get", "/api/v1/indicators/tracker").json()
    assert tracked and all((t["tracking"] is None) != (t["problem"] is None) for t in tracked)
    assert len(call(client, token, "get", "/api/v1/indicators/targets").json()) == len(tracked)
    analyst = call(client, world["tokens"]["analyst"], "get", "/api/v1/convergence/konvergensi?by=kecamatan")
    assert analyst.status_code == 200 and len(analyst.json()) >= 2  # Datuk Bandar, Tanjungbalai Selatan
    assert call(client, world["tokens"]["opd"], "get", "/api/v1/convergence/konvergensi").status_code == 404
    assert call(client, world["tokens"]["analyst"], "get", "/api/v1/convergence/lain").status_code == 404


def test_registry_indicators_are_suppressed_for_the_viewer(client, world):
    viewer = call(client, world["tokens"]["viewer"], "get", "/api/v1/indicators/registry/desil?level=kecamatan").json()
    analyst = call(client, world["tokens"]["analyst"], "get", "/api/v1/indicators/registry/desil?level=kecamatan")
    assert analyst.status_code == 200 and sum(r["keluarga"] for r in analyst.json()) == 2
    assert len(viewer) == 2 and all(r["keluarga"] is None for r in viewer)  # one family a kecamatan: suppressed
    af = call(client, world["tokens"]["analyst"], "get", "/api/v1/indicators/alkire-foster?level=kota&k=0.3")
    assert af.status_code == 200 and len(af.json()) == 1
    assert call(client, world["tokens"]["analyst"], "get", "/api/v1/indicators/registry/lain").status_code == 404


def test_the_access_log_person_search_finds_a_family_listed_through_the_api(client, world):
    """A cursor page is not a page number: an API list counts as every family of its filter (as a download)."""
    from tepat.accounts.accesslog import touching

    call(client, world["tokens"]["lurah"], "get", "/api/v1/families")
    entries = PersonalDataAccess.objects.filter(what__startswith="api: daftar keluarga")
    assert entries.exists()
    assert touching(entries, [world["johor"].pk]).filter(user__username="lurah").exists()
    assert not touching(entries, [world["kota"].pk]).exists()  # outside the lurah's kelurahan: not shown
