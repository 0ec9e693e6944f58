"""Web pages a user goes through: login and throttling, language, uploading an import, family filters."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tepat.registry import progress as live
from tepat.registry import writer
from tepat.registry.models import Family, ImportBatch
from tests.files import family_rows, write_csv, write_xlsx


def login(client, username, password="rahasia-123"):
    return client.post("/login/", {"username": username, "password": password})


def test_login_with_the_right_password_reaches_home(client, cast):
    response = login(client, "analyst")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Registri keluarga" in client.get("/").content.decode()


def test_login_is_locked_after_repeated_failures(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        assert login(client, "analyst", "salah").status_code == 200
    response = login(client, "analyst")  # even the right password is refused while locked
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_the_interface_switches_to_english(client, cast):
    client.force_login(cast["analyst"])
    assert "Keluarga" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Family registry" in body and "Families" in body


def test_uploading_a_file_imports_it_and_shows_the_report(client, cast, tmp_path):
    rows = family_rows()
    rows[1]["nik"] = "123"
    path = write_xlsx(tmp_path / "p3ke.xlsx", rows)
    client.force_login(cast["analyst"])
    upload = SimpleUploadedFile("p3ke.xlsx", path.read_bytes())
    response = client.post("/impor/", {"file": upload, "format": "auto"})
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/impor/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "p3ke-individu" in page and "nik_length" in page
    assert Family.objects.count() == 1 and batch.user == cast["analyst"]
    report = client.get(f"/impor/{batch.pk}/laporan.json").json()
    assert report["members"]["new"] == 2 and report["rejected"][0]["row"] == 6
    xlsx = client.get(f"/impor/{batch.pk}/laporan.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_an_unusable_upload_says_why_and_writes_nothing(client, cast):
    client.force_login(cast["analyst"])
    client.post("/impor/", {"file": SimpleUploadedFile("data.xlsx", b"%PDF-1.4 nope"), "format": "auto"})
    batch = ImportBatch.objects.get()
    page = client.get(f"/impor/{batch.pk}/").content.decode()
    assert batch.status == "failed" and "PDF" in page
    assert not Family.objects.exists()


def test_progress_fragment_polls_until_the_import_is_finished(client, cast, tmp_path):
    client.force_login(cast["analyst"])
    batch = ImportBatch.objects.create(
        file_name="x.xlsx", stored_path=str(tmp_path / "x.xlsx"), status="running", progress=40, stage="menulis"
    )
    fragment = client.get(f"/impor/{batch.pk}/progres/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment
    ImportBatch.objects.filter(pk=batch.pk).update(status="done", progress=100)
    finished = client.get(f"/impor/{batch.pk}/progres/", HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in finished.content.decode() and finished["HX-Refresh"] == "true"


def test_the_fragment_shows_the_progress_a_running_import_saved_outside_its_transaction(client, cast, tmp_path):
    """The batch row says what it said when the import's write transaction began; the page shows the stage and
    percentage the import saved since (tepat.registry.progress), and the row's once it is finished."""
    client.force_login(cast["analyst"])
    batch = ImportBatch.objects.create(
        file_name="x.csv", stored_path=str(tmp_path / "x.csv"), status="running", progress=10, stage="memeriksa"
    )
    live.save(batch.pk, "menulis anggota 2/3", 76)
    fragment = client.get(f"/impor/{batch.pk}/progres/").content.decode()
    assert "76%" in fragment and "menulis anggota 2/3" in fragment
    assert "76%" in client.get(f"/impor/{batch.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "writing members 2/3" in client.get(f"/impor/{batch.pk}/progres/").content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status="done", progress=100)
    assert "100%" in client.get(f"/impor/{batch.pk}/progres/").content.decode()


def test_an_import_saves_its_progress_outside_the_database_while_it_writes(import_file, tmp_path, monkeypatch):
    monkeypatch.setenv("TEPAT_IMPORT_CHUNK_ROWS", "4")
    seen, real = [], writer.insert_records

    def insert(table, frame):
        seen.append(live.read(ImportBatch.objects.get().pk))
        return real(table, frame)

    monkeypatch.setattr(writer, "insert_records", insert)
    rows = [row for n in range(1, 5) for row in family_rows(f"P{n}", base=n)]
    batch = import_file(write_csv(tmp_path / "a.csv", rows))
    assert seen[0]["stage"].startswith("menulis keluarga 1/") and seen[0]["progress"] >= 10
    assert seen[-1]["stage"].startswith("menulis anggota") and seen[-1]["progress"] > seen[0]["progress"]
    assert live.read(batch.pk) is None  # forgotten once the import is finished


@pytest.fixture
def families(import_file, cast, tmp_path):
    rows = family_rows("A", base=1) + family_rows("B", base=2, desil="3", jenis_lantai="Semen", penerima_pkh="Ya")
    rows += family_rows("C", base=3, kode="1274011001", desil="2")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"A", "B", "C"}),
        ("?kecamatan=12.74.05", {"A", "B"}),
        ("?kelurahan=12.74.01.1001", {"C"}),
        ("?desil=3", {"B"}),
        ("?deprivation=lantai_tanah", {"A", "C"}),
        ("?receipt=penerima_pkh&receipt_value=Ya", {"B"}),
        ("?receipt=penerima_pkh&receipt_value=Tidak", {"A", "C"}),
    ],
)
def test_family_filters(client, cast, families, query, expected):
    client.force_login(cast["analyst"])
    page = client.get("/keluarga/" + query).content.decode()
    shown = {f.source_key for f in Family.objects.all() if f'/keluarga/{f.pk}/"' in page}
    assert shown == expected


def test_the_family_list_follows_the_registry(client, cast, families):
    """The list's ids and count are kept per registry version: a deactivated family leaves the next view."""
    from tepat.registry.actions import do_deactivate_family

    client.force_login(cast["analyst"])
    assert "3 keluarga" in client.get("/keluarga/").content.decode()
    gone = Family.objects.get(source_key="B")
    do_deactivate_family(gone, acting_user=cast["analyst"], reason="pindah")
    page = client.get("/keluarga/").content.decode()
    assert "2 keluarga" in page and f'/keluarga/{gone.pk}/"' not in page
    assert f'/keluarga/{gone.pk}/"' in client.get("/keluarga/?inactive=1").content.decode()


def test_family_page_shows_members_source_and_history(client, cast, families):
    from tepat.registry.actions import do_deactivate_member
    from tepat.registry.models import Member

    child = Member.objects.filter(family__source_key="A", hubungan_dengan_kepala_keluarga="Anak").first()
    do_deactivate_member(child, acting_user=cast["analyst"], reason="meninggal dunia")
    client.force_login(cast["analyst"])
    page = client.get(f"/keluarga/{child.family_id}/").content.decode()
    assert "meninggal dunia" in page and "P3KE" in page and "a.xlsx" in page
    assert child.nama in page and "nonaktif" in page


def test_login_never_redirects_to_another_site(client, cast):
    response = client.post("/login/?next=https://example.org/", {"username": "analyst", "password": "rahasia-123"})
    assert response["Location"] == "/"


def test_an_admin_sees_rejected_niks_masked_in_the_import_report(client, cast, tmp_path):
    rows = family_rows()
    rows[1]["nik"] = "1274059902850001"  # an invalid date inside the NIK
    client.force_login(cast["admin"])
    client.post(
        "/impor/",
        {"file": SimpleUploadedFile("p3ke.xlsx", write_xlsx(tmp_path / "p.xlsx", rows).read_bytes()), "format": "auto"},
    )
    batch = ImportBatch.objects.get()
    page = client.get(f"/impor/{batch.pk}/").content.decode()
    assert "1274059902850001" not in page and "127405******0001" in page
    assert client.get(f"/impor/{batch.pk}/laporan.json").json()["rejected"][0]["value"] == "127405******0001"
    client.force_login(cast["analyst"])
    assert "1274059902850001" in client.get(f"/impor/{batch.pk}/").content.decode()


def test_history_shows_booleans_and_empties_as_words_in_each_language(client, cast, import_file, tmp_path):
    """Issue 14: the history read `is_active : True → ∅` (False shown as empty)."""
    from tepat.registry.actions import do_deactivate_member
    from tepat.registry.models import Member
    from tests.files import family_rows, write_xlsx

    import_file(write_xlsx(tmp_path / "h.xlsx", family_rows("H", base=7)), cast["analyst"])
    member = Member.objects.filter(hubungan_dengan_kepala_keluarga="Anak").first()
    do_deactivate_member(member, acting_user=cast["analyst"], reason="pindah")
    client.force_login(cast["analyst"])
    page = client.get(f"/keluarga/{member.family_id}/").content.decode()
    assert "<b>is_active</b>: ya → tidak" in page and "∅" not in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "<b>is_active</b>: yes → no" in client.get(f"/keluarga/{member.family_id}/").content.decode()
