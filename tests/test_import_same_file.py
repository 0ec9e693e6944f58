"""Re-importing the very file of the last import of its source is answered from that import's report."""

from __future__ import annotations

from tepat.registry.actions import do_deactivate_member
from tepat.registry.models import Change, Member
from tests.files import family_rows, write_xlsx


def rows():
    data = family_rows("P1", base=1) + family_rows("P2", base=2, size=4)
    data[2]["nik"] = "123"  # one rejected child
    return data


def test_the_same_file_is_answered_from_the_stored_batch(import_file, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", rows())
    first = import_file(path)
    again = import_file(path, dry_run=True)
    assert again.report["same_as"] == first.pk and again.report["dry_run"] is True
    assert again.report["families"] == {"new": 0, "updated": 0, "unchanged": 2, "missing": 0, "rejected": 0}
    assert again.report["members"] == {"new": 0, "updated": 0, "unchanged": 6, "missing": 0, "rejected": 1}
    assert again.report["rejected"] == first.report["rejected"] and again.report["coverage"] == ["12.74.05.1010"]
    third = import_file(path)
    assert third.report["same_as"] == first.pk and third.registry_mark == first.registry_mark


def test_the_answer_is_what_the_full_import_finds(import_file, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", rows())
    import_file(path)
    shortcut = import_file(path).report
    copy = tmp_path / "b.xlsx"
    copy.write_bytes(path.read_bytes() + b"\0")  # the same rows, another sha256: computed in full
    computed = import_file(copy).report
    assert "same_as" not in computed
    for key in ("families", "members", "rejected", "warnings", "coverage"):
        assert shortcut[key] == computed[key], key


def test_any_change_since_means_a_full_import(import_file, cast, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", rows())
    import_file(path)
    do_deactivate_member(Member.objects.get(nik="1274054202850001"), acting_user=cast["admin"], reason="pindah")
    report = import_file(path).report
    assert "same_as" not in report and report["members"]["unchanged"] == 6
    other = write_xlsx(
        tmp_path / "b.xlsx", family_rows("P1", base=1, jenis_lantai="Semen") + family_rows("P2", base=2, size=4)
    )
    import_file(other)
    assert "same_as" not in import_file(path).report  # the last import of the source had another file
    assert Change.objects.filter(action="update").exists()
