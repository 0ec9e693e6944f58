"""Coverage-aware "missing": the partial-file guard (CLI and page), coverage in the report, and revert."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tepat.cli import main
from tepat.registry.actions import do_deactivate_family, do_revert_batch
from tepat.registry.importer.diff import REVERTED_REASON
from tepat.registry.importer.messages import RevertRefused
from tepat.registry.models import BatchStatus, Change, Family, ImportBatch, Member
from tests.files import family_rows, write_xlsx

JOHOR, KOTA = "1274051010", "1274011001"  # Pantai Johor (Datuk Bandar), Tanjungbalai Kota I (TB Selatan)


def families(count: int, start: int = 1, kode: str = JOHOR, **overrides) -> list[dict]:
    rows = []
    for number in range(start, start + count):
        rows += family_rows(
            f"F{kode[-4:]}{number:03d}", base=number + (500 if kode == KOTA else 0), size=2, kode=kode, **overrides
        )
    return rows


def state() -> dict:
    """What a user sees of the registry: every field of every family and member, active or not."""
    skip = {"id", "version", "updated_at"}
    family_fields = [f.attname for f in Family._meta.concrete_fields if f.attname not in skip]
    member_fields = [f.attname for f in Member._meta.concrete_fields if f.attname not in skip]
    return {
        "families": sorted(Family.objects.values_list(*family_fields)),
        "members": sorted(Member.objects.values_list(*member_fields)),
    }


@pytest.fixture
def registry(import_file, cast, tmp_path):
    """20 families in Pantai Johor and 5 in Tanjungbalai Kota I."""
    return import_file(write_xlsx(tmp_path / "all.xlsx", families(20) + families(5, kode=KOTA)), cast["analyst"])


def test_a_partial_file_is_held_before_writing_with_its_numbers(registry, import_file, cast, tmp_path):
    before = state()
    batch = import_file(write_xlsx(tmp_path / "part.xlsx", families(3)), cast["analyst"])
    assert batch.status == BatchStatus.HELD
    held = batch.report["held"]
    assert (held["families_in_file"], held["kelurahan"], held["registry_active"], held["missing"]) == (3, 1, 20, 17)
    assert (
        "3 keluarga di 1 kelurahan" in held["message"]
        and "17 (85%)" in held["message"]
        and "full export" in held["message"]
    )
    assert state() == before and not Change.objects.exists()


def test_families_outside_the_coverage_are_untouched(registry, import_file, cast, tmp_path):
    report = import_file(write_xlsx(tmp_path / "johor.xlsx", families(19)), cast["analyst"]).report
    assert report["coverage"] == ["12.74.05.1010"]
    assert report["families"]["missing"] == 1 and report["missing_check"]["registry_active"] == 20  # 5% < 10%: written
    assert not Family.objects.filter(kelurahan__code="12.74.01.1001", missing_since__isnull=False).exists()


def test_the_threshold_is_a_setting(registry, import_file, cast, tmp_path, settings):
    settings.TEPAT_MISSING_THRESHOLD = 0.9
    batch = import_file(write_xlsx(tmp_path / "part.xlsx", families(3)), cast["analyst"])
    assert batch.status == BatchStatus.DONE and batch.report["families"]["missing"] == 17


def test_the_cli_refuses_a_partial_file_unless_allowed(registry, tmp_path):
    path = write_xlsx(tmp_path / "part.xlsx", families(3))
    refused = CliRunner().invoke(main, ["import", str(path)])
    assert refused.exit_code == 2 and "17 (85%)" in refused.output and "--allow-missing" in refused.output
    assert not Family.objects.filter(missing_since__isnull=False).exists()
    allowed = CliRunner().invoke(main, ["import", str(path), "--allow-missing"])
    assert allowed.exit_code == 0, allowed.output
    assert Family.objects.filter(missing_since__isnull=False).count() == 17


def test_the_page_writes_a_held_import_only_after_the_confirmation(registry, client, cast, tmp_path):
    client.force_login(cast["analyst"])
    path = write_xlsx(tmp_path / "part.xlsx", families(3))
    with path.open("rb") as upload:
        response = client.post("/impor/", {"file": upload, "format": "auto"}, follow=True)
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == BatchStatus.HELD and "17" in response.content.decode()
    client.post(f"/impor/{batch.pk}/lanjutkan/", {})  # the box not ticked
    batch.refresh_from_db()
    assert batch.status == BatchStatus.HELD and not Family.objects.filter(missing_since__isnull=False).exists()
    client.post(f"/impor/{batch.pk}/lanjutkan/", {"full_export": "on"})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.report["confirmed"]["by"] == "analyst"
    assert Family.objects.filter(missing_since=batch).count() == 17


def test_the_upload_page_explains_missing_before_upload(client, cast):
    client.force_login(cast["analyst"])
    text = client.get("/impor/").content.decode()
    assert "tidak ada lagi" in text and "10%" in text and "cakupan" in text


def test_a_revert_puts_back_what_the_import_created_changed_and_flagged(registry, import_file, cast, tmp_path):
    before = state()
    rows = families(18, jenis_lantai="Semen", pekerjaan="Buruh") + families(
        2, start=40
    )  # 18 changed, 2 flagged missing, 2 new
    batch = import_file(write_xlsx(tmp_path / "newer.xlsx", rows), cast["analyst"])
    assert batch.report["families"] == {"new": 2, "updated": 18, "unchanged": 0, "missing": 2, "rejected": 0}
    counts = do_revert_batch(batch, acting_user=cast["admin"], reason="berkas tahun lalu")
    assert (
        counts["deactivated"]["family"] == 2
        and counts["restored"]["family"] == 18
        and counts["unflagged"]["family"] == 2
    )
    after = state()
    created = {f.source_key for f in Family.objects.filter(first_batch=batch)}
    assert {k[2] for k in after["families"]} - {k[2] for k in before["families"]} == created
    kept = [row for row in after["families"] if row[2] not in created]
    assert kept == before["families"]  # every old family exactly as before, missing flags and batch included
    old_members = [
        row for row in after["members"] if row[0] in {f.pk for f in Family.objects.exclude(first_batch=batch)}
    ]
    assert old_members == before["members"] and counts["restored"]["member"] == 36
    assert all(
        not f.is_active and f.inactive_reason == REVERTED_REASON for f in Family.objects.filter(first_batch=batch)
    )
    assert Change.objects.filter(batch=batch, action="update").count() > 0  # the import's history is kept
    undo = Family.objects.get(source_key="F1010001").changes.get(action="revert", member=None)
    assert (
        undo.fields == {"jenis_lantai": ["Semen", "Tanah"]}
        and undo.user == cast["admin"]
        and "berkas tahun lalu" in undo.reason
    )
    batch.refresh_from_db()
    assert batch.reverted_by == cast["admin"] and batch.report["reverted"]["reason"] == "berkas tahun lalu"


def test_a_reverted_import_file_brings_its_records_back_when_imported_again(registry, import_file, cast, tmp_path):
    path = write_xlsx(tmp_path / "newer.xlsx", families(20) + families(2, start=40))
    batch = import_file(path, cast["analyst"])
    do_revert_batch(batch, acting_user=cast["admin"], reason="salah unggah")
    again = import_file(path, cast["analyst"]).report
    assert "same_as" not in again and again["families"]["updated"] == 2
    assert Family.objects.get(source_key="F1010040").is_active


def test_a_revert_is_refused_while_later_work_depends_on_it(registry, import_file, cast, tmp_path):
    first = import_file(
        write_xlsx(tmp_path / "b.xlsx", families(20, jenis_lantai="Semen") + families(5, kode=KOTA)), cast["analyst"]
    )
    second = import_file(
        write_xlsx(tmp_path / "c.xlsx", families(20, jenis_lantai="Bambu") + families(5, kode=KOTA)), cast["analyst"]
    )
    with pytest.raises(RevertRefused, match=str(second.pk)):
        do_revert_batch(first, acting_user=cast["admin"], reason="x")
    do_deactivate_family(Family.objects.get(source_key="F1010001"), acting_user=cast["admin"], reason="meninggal")
    with pytest.raises(RevertRefused) as refused:
        do_revert_batch(second, acting_user=cast["admin"], reason="x")
    assert refused.value.code == "later_changes"
    assert Family.objects.get(source_key="F1010002").jenis_lantai == "Bambu"  # nothing written
    with pytest.raises(RevertRefused):
        do_revert_batch(second, acting_user=cast["admin"], reason="  ")


def test_batch_list_and_revert_on_the_command_line(registry, import_file, cast, tmp_path):
    batch = import_file(
        write_xlsx(tmp_path / "b.xlsx", families(20, jenis_lantai="Semen") + families(5, kode=KOTA)), cast["analyst"]
    )
    listed = CliRunner().invoke(main, ["batch", "list"])
    assert listed.exit_code == 0 and f"{batch.pk:>5}  done" in listed.output and "b.xlsx" in listed.output
    assert CliRunner().invoke(main, ["batch", "revert", str(batch.pk)]).exit_code == 2  # --reason is required
    done = CliRunner().invoke(main, ["batch", "revert", str(batch.pk), "--reason", "uji", "--user", "admin"])
    assert done.exit_code == 0 and "dikembalikan: 20 keluarga" in done.output
    assert set(Family.objects.values_list("jenis_lantai", flat=True)) == {"Tanah"}
    again = CliRunner().invoke(main, ["batch", "revert", str(batch.pk), "--reason", "lagi"])
    assert again.exit_code == 2 and "not_revertible" in again.output
    assert f"{batch.pk:>5}  reverted" in CliRunner().invoke(main, ["batch", "list"]).output


def test_the_revert_button_is_for_importers_and_asks_a_reason(registry, client, cast):
    client.force_login(cast["viewer"])
    assert client.post(f"/impor/{registry.pk}/batalkan/", {"reason": "x"}).status_code == 404
    client.force_login(cast["analyst"])
    assert "revert-form" in client.get(f"/impor/{registry.pk}/").content.decode()
    client.post(f"/impor/{registry.pk}/batalkan/", {"reason": ""})
    assert Family.objects.filter(is_active=True).count() == 25
    page = client.post(f"/impor/{registry.pk}/batalkan/", {"reason": "uji coba salah"}, follow=True).content.decode()
    assert "dibatalkan" in page and not Family.objects.filter(is_active=True).exists()


def test_a_revert_puts_back_a_missing_flag_that_the_import_had_cleared(registry, import_file, cast, tmp_path):
    flagged = import_file(write_xlsx(tmp_path / "b.xlsx", families(19) + families(5, kode=KOTA)), cast["analyst"])
    back = import_file(write_xlsx(tmp_path / "c.xlsx", families(20) + families(5, kode=KOTA)), cast["analyst"])
    assert back.report["families"]["updated"] == 1 and Family.objects.get(source_key="F1010020").missing_since is None
    do_revert_batch(back, acting_user=cast["admin"], reason="uji")
    family = Family.objects.get(source_key="F1010020")
    assert family.missing_since == flagged and family.batch == registry


def test_a_revert_restores_numbers_regions_and_assets(import_file, cast, tmp_path):
    from tests.files import write_csv

    header = [
        "nomor_kartu_keluarga",
        "kode_desa_kelurahan",
        "alamat",
        "nama_kepala_keluarga",
        "desil_nasional",
        "luas_lantai",
        "memiliki_kulkas",
    ]
    row = {
        "nomor_kartu_keluarga": "1274050101200001",
        "kode_desa_kelurahan": JOHOR,
        "alamat": "Jl. A",
        "nama_kepala_keluarga": "Budi",
        "desil_nasional": "2",
        "luas_lantai": "",
        "memiliki_kulkas": "Tidak",
    }
    import_file(write_csv(tmp_path / "k1.csv", [row], header=header, delimiter=",", title=False), cast["analyst"])
    before = state()
    changed = {
        **row,
        "kode_desa_kelurahan": KOTA,
        "desil_nasional": "5",
        "luas_lantai": "36.5",
        "memiliki_kulkas": "Ya",
    }
    batch = import_file(
        write_csv(tmp_path / "k2.csv", [changed], header=header, delimiter=",", title=False), cast["analyst"]
    )
    assert batch.report["families"]["updated"] == 1 and Family.objects.get().aset == {"aset_kulkas": "Ya"}
    do_revert_batch(batch, acting_user=cast["admin"], reason="uji")
    assert state() == before


def test_a_dry_run_is_never_held_but_says_the_real_import_would_be(registry, tmp_path):
    path = write_xlsx(tmp_path / "part.xlsx", families(3))
    result = CliRunner().invoke(main, ["import", str(path), "--dry-run"])
    assert result.exit_code == 0 and "a real import would be held" in result.output
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == BatchStatus.DONE and batch.report["missing_check"]["over_threshold"] is True
    assert batch.report["families"]["missing"] == 17 and not Family.objects.filter(missing_since__isnull=False).exists()
