"""No headless families: a family whose head row is rejected is not written, in first imports and re-imports."""

from __future__ import annotations

import csv
import io

from tepat.registry.models import Change, Family, Member
from tests.files import family_rows, write_xlsx

ROW = lambda index: index + 5  # noqa: E731  title block (3) + header (1) + 1-based data row


def rejected(report) -> list[tuple[int, str, str]]:
    return [(i["row"], i["column"], i["code"]) for i in report["rejected"]]


def test_a_family_whose_head_is_rejected_is_not_written(import_file, tmp_path):
    rows = family_rows("P1", base=1) + family_rows("P2", base=2, size=4)
    rows[3]["nik"] = rows[0]["nik"]  # P2's head repeats P1's head NIK
    report = import_file(write_xlsx(tmp_path / "a.xlsx", rows)).report
    assert rejected(report) == [
        (ROW(3), "nik", "nik_duplicate_in_file"),
        *[(ROW(i), "id_keluarga_p3ke", "family_head_rejected") for i in (4, 5, 6)],
    ]
    assert report["rejected"][1]["message"] == (
        f"Kepala keluarga baris {ROW(3)} ditolak; keluarga ini tidak diimpor / The family head on row {ROW(3)} was rejected; this family is not imported"
    )
    assert list(Family.objects.values_list("source_key", flat=True)) == ["P1"]
    assert Member.objects.count() == 3 and report["families"]["rejected"] == 1 and report["members"]["rejected"] == 4


def test_a_second_head_rejected_does_not_take_the_family_along(import_file, tmp_path):
    rows = family_rows("P1", base=1)
    rows[1]["hubungan_dengan_kepala_keluarga"] = "Kepala Keluarga"
    report = import_file(write_xlsx(tmp_path / "a.xlsx", rows)).report
    assert [code for _, _, code in rejected(report)] == ["family_many_heads"]
    assert Family.objects.get().kepala_keluarga == "Budi"


def test_in_a_reimport_the_stored_family_stays_as_it_was(import_file, tmp_path):
    import_file(write_xlsx(tmp_path / "a.xlsx", family_rows("P1", base=1) + family_rows("P2", base=2)))
    rows = family_rows("P1", base=1) + family_rows("P2", base=2, jenis_lantai="Semen", pekerjaan="Buruh")
    rows[3]["nik"] = "12740501018"  # P2's head unreadable this time
    report = import_file(write_xlsx(tmp_path / "b.xlsx", rows)).report
    assert report["families"] == {"new": 0, "updated": 0, "unchanged": 1, "missing": 0, "rejected": 1}
    assert report["members"]["missing"] == 0 and report["members"]["updated"] == 0
    family = Family.objects.get(source_key="P2")
    assert family.jenis_lantai == "Tanah" and family.kepala_keluarga == "Budi" and family.missing_since is None
    assert set(family.members.values_list("pekerjaan", flat=True)) == {"Nelayan"} and not Change.objects.exists()


def reject_a_head(path) -> str:
    """Give the head of a family of several people the NIK of the file's first person (as in issue 10). Returns its key."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("id_keluarga_p3ke"))
    header, rows = lines[start].split(","), list(csv.reader(lines[start + 1 :]))
    key, nik, relation = (header.index(n) for n in ("id_keluarga_p3ke", "nik", "hubungan_dengan_kepala_keluarga"))
    index = next(
        i
        for i, row in enumerate(rows[100:], 100)
        if row[relation] == "Kepala Keluarga" and rows[i + 1][key] == row[key]
    )
    rows[index][nik] = rows[0][nik]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text("\n".join(lines[: start + 1]) + "\n" + out.getvalue(), encoding="utf-8")
    return rows[index][key]


def test_no_target_list_or_download_shows_a_family_without_a_head(import_file, cast, client, tmp_path):
    from tepat.accounts.actions import ensure_shipped_opds
    from tepat.demo.generate import generate
    from tepat.programs.actions import do_freeze_target_list, do_save_rule
    from tepat.programs.catalogue import ensure_catalogue
    from tepat.programs.models import Program

    ensure_shipped_opds()
    ensure_catalogue(2026)
    path = generate(300, "p3ke-individu", tmp_path / "p3ke.csv", seed=1, error_rate=0.03).path  # the file of issue 10
    family = reject_a_head(path)
    report = import_file(path, cast["analyst"]).report
    assert {i["value"] for i in report["rejected"] if i["code"] == "family_head_rejected"} == {family}
    assert not Family.objects.filter(source_key=family).exists()
    assert not Family.objects.filter(kepala_keluarga="").exists()
    program = Program.objects.get(code="air_bersih")
    do_save_rule(program, "desil <= 4", acting_user=cast["analyst"], reason="semua")
    target = do_freeze_target_list(program, acting_user=cast["analyst"])
    assert target.entries.count() == Family.objects.count() > 250
    client.force_login(cast["analyst"])
    for url, name, nik in (
        (f"/sasaran/{target.pk}/unduh.csv", "kepala_keluarga", "nik_kepala_keluarga"),
        ("/keluarga/unduh.csv", "kepala_keluarga", "nik_kepala_keluarga"),
    ):
        rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
        assert len(rows) == Family.objects.count()
        assert all(row[name].strip() and row[nik].strip() for row in rows), url
