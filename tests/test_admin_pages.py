"""Accountability pages: users (create, change, reset password, (de)activate) and the access log."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from django.utils import timezone
from openpyxl import load_workbook

from tepat.accounts.accesslog import _list_text, shown_page
from tepat.accounts.models import AuditEvent, PersonalDataAccess, User
from tepat.registry.filters import FamilyFilter
from tepat.registry.models import Family
from tests.files import family_rows, write_xlsx

ADMIN_URLS = ["/pengguna/", "/pengguna/baru/", "/log-akses/", "/log-akses/unduh.csv"]


def login(client, username, password="rahasia-123"):
    return client.post("/login/", {"username": username, "password": password})


@pytest.fixture
def registry(cast, import_file, tmp_path):
    """Two Pantai Johor families (heads 1274050101800001 / ...0002) and one in Tanjungbalai Kota I."""
    rows = (
        family_rows("P1", base=1)
        + family_rows("P2", base=2, kk_day="02")
        + family_rows("K1", base=3, kode="1274011001", desil="4")
    )
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])
    return {f.source_key: f for f in Family.objects.all()}


@pytest.mark.parametrize("role", ["analyst", "opd", "camat", "lurah", "enumerator", "viewer"])
def test_only_the_admin_reaches_the_pages_and_sees_the_menu(client, cast, role):
    client.force_login(cast[role])
    assert [client.get(url).status_code for url in ADMIN_URLS] == [404] * 4
    assert client.post(f"/pengguna/{cast['viewer'].pk}/status/", {"active": "0"}).status_code == 404
    assert User.objects.get(username="viewer").is_active
    assert "/log-akses/" not in client.get("/").content.decode()
    client.force_login(cast["admin"])
    assert [client.get(url).status_code for url in ADMIN_URLS] == [200] * 4
    assert "/log-akses/" in client.get("/").content.decode()


def test_pages_are_not_cached(client, cast):
    client.force_login(cast["admin"])
    assert "no-store" in client.get("/pengguna/")["Cache-Control"]
    assert "no-store" in client.post(f"/pengguna/{cast['viewer'].pk}/sandi/")["Cache-Control"]


def test_creating_a_lurah_shows_the_password_once_and_it_logs_in(client, cast):
    client.force_login(cast["admin"])
    response = client.post(
        "/pengguna/baru/", {"username": "lurah2", "role": "lurah", "region": "12.74.01.1001", "opd": ""}
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode() and len(password) >= 16
    user = User.objects.get(username="lurah2")
    assert user.region.code == "12.74.01.1001" and user.is_active
    event = AuditEvent.objects.get(action="user_created", target="lurah2")
    assert event.user == cast["admin"] and event.details["region"] == "12.74.01.1001"
    assert password not in client.get(f"/pengguna/{user.pk}/").content.decode()
    client.logout()
    assert login(client, "lurah2", password).status_code == 302


def test_a_lurah_without_a_kelurahan_is_refused_naming_the_field(client, cast):
    client.force_login(cast["admin"])
    response = client.post("/pengguna/baru/", {"username": "lurah3", "role": "lurah", "region": "12.74.01", "opd": ""})
    assert response.status_code == 400
    assert "kelurahan" in response.content.decode() and "Wilayah" in response.content.decode()
    assert not User.objects.filter(username="lurah3").exists()
    duplicate = client.post("/pengguna/baru/", {"username": "analyst", "role": "viewer", "region": "", "opd": ""})
    assert duplicate.status_code == 400 and User.objects.filter(username="analyst").count() == 1


def test_changing_role_and_region_is_audited_with_before_and_after(client, cast):
    client.force_login(cast["admin"])
    lurah = cast["lurah"]
    response = client.post(f"/pengguna/{lurah.pk}/", {"role": "camat", "region": "12.74.05", "opd": ""})
    assert response.status_code == 302
    lurah.refresh_from_db()
    assert (lurah.role, lurah.region.code) == ("camat", "12.74.05")
    event = AuditEvent.objects.get(action="user_changed")
    assert event.details == {
        "before": {"role": "lurah", "region": "12.74.05.1010", "opd": None},
        "after": {"role": "camat", "region": "12.74.05", "opd": None},
    }
    page = client.get(f"/pengguna/{lurah.pk}/").content.decode()
    assert "peran/wilayah/OPD pengguna diubah" in page


def test_the_admin_cannot_lock_themselves_or_the_city_out(client, cast):
    client.force_login(cast["admin"])
    own = client.post(f"/pengguna/{cast['admin'].pk}/", {"role": "viewer", "region": "", "opd": ""})
    assert own.status_code == 400 and "akun Anda sendiri" in own.content.decode()
    client.post(f"/pengguna/{cast['admin'].pk}/status/", {"active": "0"})
    assert User.objects.get(username="admin").role == "admin" and User.objects.get(username="admin").is_active
    assert not AuditEvent.objects.filter(action__in=["user_changed", "user_deactivated"]).exists()


def test_the_last_active_admin_stays(cast):
    from django.core.exceptions import ValidationError

    from tepat.accounts.actions import do_create_user, do_set_active

    second, _ = do_create_user("admin2", role="admin", acting_user=None)
    do_set_active("admin2", False, acting_user=None)
    with pytest.raises(ValidationError) as problem:
        do_set_active("admin", False, acting_user=second)
    assert problem.value.error_dict["is_active"][0].code == "last_admin"


def test_a_reset_password_replaces_the_old_one_and_ends_sessions(client, cast):
    other = type(client)()
    assert login(other, "lurah").status_code == 302
    client.force_login(cast["admin"])
    response = client.post(f"/pengguna/{cast['lurah'].pk}/sandi/")
    password = response.context["password"]
    assert password in response.content.decode()
    assert other.get("/keluarga/").status_code == 302  # the lurah's open session ended
    assert login(type(client)(), "lurah").status_code == 200  # old password refused
    assert login(type(client)(), "lurah", password).status_code == 302
    assert AuditEvent.objects.filter(action="password_reset", target="lurah", user=cast["admin"]).count() == 1


def test_a_deactivated_user_cannot_log_in_and_loses_the_open_session_until_reactivated(client, cast):
    other = type(client)()
    assert login(other, "opd").status_code == 302
    client.force_login(cast["admin"])
    response = client.post(f"/pengguna/{cast['opd'].pk}/status/", {"active": "0"}, follow=True)
    assert "dinonaktifkan" in response.content.decode()
    assert other.get("/keluarga/")["Location"].startswith("/login/")
    assert login(type(client)(), "opd").status_code == 200
    assert client.get("/pengguna/?status=nonaktif").context["page"].paginator.count == 1
    client.post(f"/pengguna/{cast['opd'].pk}/status/", {"active": "1"})
    assert login(type(client)(), "opd").status_code == 302
    assert list(AuditEvent.objects.filter(target="opd").order_by("at", "pk").values_list("action", flat=True)) == [
        "user_created",
        "user_deactivated",
        "user_reactivated",
    ]


def test_the_user_list_filters_and_paginates(client, cast, settings):
    settings.TEPAT_PAGE_SIZE = 3
    client.force_login(cast["admin"])
    page = client.get("/pengguna/").context["page"]
    assert page.paginator.count == len(cast) and page.paginator.num_pages == 3
    assert [u.username for u in client.get("/pengguna/?peran=lurah").context["page"]] == ["lurah", "other_lurah"]


def _views(client, user, urls):
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 200


def test_a_nik_search_lists_who_saw_or_exported_that_person(client, cast, registry):
    """The analyst opened family P1, the lurah exported desil 1 (includes P1), camat looked at P2 only,
    other_lurah listed Tanjungbalai Kota I (not P1)."""
    p1, p2 = registry["P1"], registry["P2"]
    _views(client, cast["analyst"], [f"/keluarga/{p1.pk}/", "/keluarga/?q=1274054202850001"])
    _views(client, cast["lurah"], ["/keluarga/unduh.csv?desil=1"])
    _views(client, cast["camat"], [f"/keluarga/{p2.pk}/"])
    _views(client, cast["other_lurah"], ["/keluarga/"])
    client.force_login(cast["admin"])
    response = client.get("/log-akses/?nik=1274054202850001")  # P1's wife
    rows = [(a.user.username, a.what) for a in response.context["page"]]
    assert sorted(rows) == sorted(
        [
            ("analyst", f"keluarga {p1.pk}"),
            ("analyst", "daftar keluarga q=1274054202850001"),
            ("lurah", "daftar keluarga (csv) desil=1"),
            ("admin", f"log akses: keluarga {p1.pk}"),
        ]
    )
    body = response.content.decode()
    assert "Siti" in body and "127405******0001" in body  # the member found, masked for the admin
    assert "daftar keluarga q=127405******0001" in body and "q=1274054202850001</td>" not in body
    assert PersonalDataAccess.objects.filter(user=cast["admin"], what=f"log akses: keluarga {p1.pk}").count() == 1
    by_head = client.get("/log-akses/?nik=1274050101800002")  # P2's head
    assert {a.user.username for a in by_head.context["page"]} == {"camat", "lurah", "admin"}


def test_a_list_view_counts_only_when_the_family_was_on_the_page_shown(client, cast, registry, settings):
    settings.TEPAT_PAGE_SIZE = 1
    _views(
        client, cast["lurah"], ["/keluarga/?page=2", "/keluarga/?page=9"]
    )  # Pantai Johor by id: P1, P2; page 9 shows the last
    client.force_login(cast["admin"])
    p1_log = client.get("/log-akses/?nik=1274050101800001").context["page"].paginator.object_list
    p2_log = client.get("/log-akses/?nik=1274050101800002").context["page"].paginator.object_list
    assert [a.what for a in p1_log if a.user.username == "lurah"] == []
    assert sorted(a.what for a in p2_log if a.user.username == "lurah") == [
        "daftar keluarga page=2",
        "daftar keluarga page=9",
    ]


def test_a_bad_nik_or_date_is_named_and_the_other_filters_still_apply(client, cast, registry):
    _views(client, cast["analyst"], [f"/keluarga/{registry['P1'].pk}/"])
    client.force_login(cast["admin"])
    response = client.get("/log-akses/?nik=12345&dari=2026-13-40&pengguna=analyst")
    body = response.content.decode()
    assert "NIK / No KK: harus 16 angka." in body and "Dari tanggal: tanggal tidak valid (2026-13-40)" in body
    assert [a.user.username for a in response.context["page"]] == ["analyst"]
    unknown = client.get("/log-akses/?nik=9999999999999999")
    assert (
        unknown.context["page"].paginator.count == 0 and "Tidak ada keluarga atau anggota" in unknown.content.decode()
    )


def test_the_log_filters_by_user_and_date_and_paginates(client, cast, registry, settings):
    settings.TEPAT_PAGE_SIZE = 2
    _views(client, cast["analyst"], [f"/keluarga/{f.pk}/" for f in registry.values()])
    _views(client, cast["lurah"], ["/keluarga/"])
    PersonalDataAccess.objects.filter(user=cast["lurah"]).update(at=timezone.now() - timedelta(days=10))
    client.force_login(cast["admin"])
    page = client.get("/log-akses/?pengguna=analyst").context["page"]
    assert page.paginator.count == 3 and page.paginator.num_pages == 2
    old_day = (timezone.localdate() - timedelta(days=10)).isoformat()
    dated = client.get(f"/log-akses/?dari={old_day}&sampai={old_day}").context["page"]
    assert [a.user.username for a in dated] == ["lurah"]
    today = client.get(f"/log-akses/?dari={timezone.localdate().isoformat()}").context["page"]
    assert {a.user.username for a in today.object_list} == {"analyst"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_download_has_the_filtered_rows_and_is_logged(client, cast, registry, kind):
    _views(client, cast["analyst"], [f"/keluarga/{registry['P1'].pk}/", "/keluarga/?q=1274050101800003"])
    client.force_login(cast["admin"])
    response = client.get(f"/log-akses/unduh.{kind}?pengguna=analyst")
    if kind == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        header, *data = [list(row) for row in sheet.iter_rows(values_only=True)]
        rows = [dict(zip(header, row)) for row in data]
    assert {r["apa"] for r in rows} == {f"keluarga {registry['P1'].pk}", "daftar keluarga q=127405******0003"}
    assert {r["pengguna"] for r in rows} == {"analyst"}
    logged = PersonalDataAccess.objects.get(user=cast["admin"], kind="export")
    assert logged.what == f"log akses ({kind}) pengguna=analyst" and logged.records == 2
    assert client.get("/log-akses/unduh.pdf").status_code == 404


def test_the_pages_switch_to_english(client, cast):
    client.force_login(cast["admin"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    users = client.get("/pengguna/").content.decode()
    assert "Add user" in users and "Last login" in users and "Tambah pengguna" not in users
    log = client.get("/log-akses/?nik=1").content.decode()
    assert "Personal data access log" in log and "NIK / No KK: must be 16 digits." in log and "Accountability" in log
    detail = client.get(f"/pengguna/{cast['lurah'].pk}/").content.decode()
    assert "Deactivate" in detail and "Nonaktifkan" not in detail


@hypothesis_settings(deadline=None)
@given(
    page=st.one_of(st.none(), st.text(max_size=6), st.integers(-3, 40).map(str)),
    families=st.integers(0, 120),
    filters=st.dictionaries(
        st.sampled_from(["desil", "kecamatan", "q", "deprivation"]), st.text(max_size=8), max_size=3
    ),
)
def test_a_list_text_gives_back_its_filter_and_the_page_the_list_showed(page, families, filters):
    """Property: the family list logs `daftar keluarga <request.GET.urlencode()>`; parsing it gives the same
    filter without the page, and the page Django's paginator showed (get_page), whatever the page text."""
    params = QueryDict(mutable=True)
    for key, value in filters.items():
        params[key] = value
    if page is not None:
        params["page"] = page
    download, query, asked = _list_text(f"daftar keluarga {params.urlencode()}")
    paginator = Paginator(range(families), 10)
    assert not download and "page" not in QueryDict(query)
    assert FamilyFilter.from_query(QueryDict(query)) == FamilyFilter.from_query(params)
    assert shown_page(asked, paginator.num_pages) == paginator.get_page(page).number
