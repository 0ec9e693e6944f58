"""A csv checked and written in family-aligned chunks (TEPAT_IMPORT_CHUNK_ROWS) gives the registry, report and
history of one checked at once: a family split across chunks, a NIK repeated in a later chunk, rejected rows in
several chunks, a re-import (dry run, held by the missing guard, confirmed) with a family gone, one changed, one
new, a member moved to a family of a later chunk; and an error in a later chunk writes nothing.

The chunks are written while the next ones are checked (a thread of their own): a held import has written some
before the guard could be decided, and must leave nothing behind."""

from __future__ import annotations

import os
import tempfile
import threading

import pytest

from tepat.registry import writer
from tepat.registry.importer import chunks, parts, pipeline
from tepat.registry.importer.messages import ImportFatal
from tepat.registry.models import BatchStatus, Change, ChangeAction, Family, ImportBatch, Member
from tests.files import family_rows, write_csv


def first_file() -> list[dict[str, str]]:
    rows = [row for n in range(1, 7) for row in family_rows(f"P{n}", base=n, size=3 + n % 2)]
    late = rows.pop(4)  # P2's head, moved to the end: its family is read across every chunk
    rows[9]["nik"] = rows[0]["nik"]  # P3's child repeats P1's head, two chunks later
    rows[14]["tanggal_lahir"] = "31-02-2000"  # one rejected row in a later chunk
    rows[17]["nik"] = "1274050101"  # P6's head: the whole family is rejected (headless)
    return [*rows, late]


def second_file() -> list[dict[str, str]]:
    """The next export: P4 gone (missing), P1's floor and P2's wife's work changed, a new P7; P3's child gone
    (missing); P1's child listed in P5 (rejected: registered in another family, so held, not missing, though
    P5 is checked chunks after P1) and P5's child rejected (held)."""
    rows = [row for row in first_file() if row["id_keluarga_p3ke"] != "P4"]
    for row in rows:
        if row["id_keluarga_p3ke"] == "P1":
            row["jenis_lantai"] = "Keramik"
        if row["id_keluarga_p3ke"] == "P2" and row["nama"] == "Siti":
            row["pekerjaan"] = "PEDAGANG"
    moved = next(row for row in rows if row["id_keluarga_p3ke"] == "P1" and row["nama"] == "Anak 0")
    rows.remove(moved)
    rows.remove(next(row for row in rows if row["id_keluarga_p3ke"] == "P3" and row["nama"] == "Anak 0"))
    next(row for row in rows if row["id_keluarga_p3ke"] == "P5" and row["nama"] == "Anak 0")["tanggal_lahir"] = "x"
    return [*rows, {**moved, "id_keluarga_p3ke": "P5"}, *family_rows("P7", base=7)]


def registry() -> dict[str, object]:
    """The registry and its history, batches named by their order (1, 2) rather than their id."""
    order = {batch: n for n, batch in enumerate(ImportBatch.objects.order_by("id").values_list("id", flat=True), 1)}
    families = sorted(
        (key, head, floor, order.get(missing))
        for key, head, floor, missing in Family.objects.values_list(
            "source_key", "kepala_keluarga", "jenis_lantai", "missing_since"
        )
    )
    members = sorted(Member.objects.values_list("source_key", "family__source_key", "is_active", "tanggal_lahir"))
    changes = sorted(
        (c.family.source_key, c.member.source_key if c.member else "", c.action, str(c.fields), order[c.batch_id])
        for c in Change.objects.select_related("family", "member")
    )
    return {"families": families, "members": members, "changes": changes}


def run_both(import_file, tmp_path) -> tuple[list[dict], dict[str, object]]:
    """The first file; the second as a dry run, held (it flags P4: 1 of 5), then confirmed."""
    second = write_csv(tmp_path / "b.csv", second_file())
    reports = [import_file(write_csv(tmp_path / "a.csv", first_file())).report]
    reports.append(import_file(second, dry_run=True).report)
    before = registry()
    reports.append(import_file(second).report)
    assert registry() == before, "a held import wrote something"
    reports.append(import_file(second, allow_missing=True).report)
    return [{k: v for k, v in r.items() if k != "file"} for r in reports], registry()


def forget_everything() -> None:
    Change.objects.all().delete()
    Member.objects.all().delete()
    Family.objects.all().delete()
    ImportBatch.objects.all().delete()


def test_chunked_import_equals_the_import_at_once(import_file, tmp_path, monkeypatch):
    monkeypatch.setenv("TEPAT_IMPORT_CHUNK_ROWS", "0")
    at_once, registry_at_once = run_both(import_file, tmp_path)
    forget_everything()
    monkeypatch.setenv("TEPAT_IMPORT_CHUNK_ROWS", "4")
    chunked, registry_chunked = run_both(import_file, tmp_path)
    codes = {(issue["row"], issue["code"]) for issue in at_once[0]["rejected"]}
    assert {"nik_duplicate_in_file", "birthdate_invalid", "family_head_rejected"} <= {code for _, code in codes}
    assert at_once[0]["families"]["new"] == 5 and at_once[3]["families"]["missing"] == 1
    assert at_once[2]["held"]["missing"] == 1 and at_once[2]["families"]["updated"] == 1
    assert at_once[1]["members"] == at_once[3]["members"]  # the dry run counts what the import then does
    assert at_once[3]["members"]["missing"] == 1 and at_once[3]["members"]["updated"] == 1
    assert chunked == at_once
    assert registry_chunked == registry_at_once
    assert sum(member[1] == "P2" for member in registry_chunked["members"]) == 3
    lost = {change[1] for change in registry_chunked["changes"] if change[2] == ChangeAction.MISSING}
    assert lost == {"", "1274050303100003"}  # P4 (a family) and P3's child; not P1's child nor P5's


def test_an_error_in_a_later_chunk_leaves_nothing_written(import_file, tmp_path, monkeypatch):
    """The registry writer fails on the third chunk (a fault injected around the real writer): the families and
    members of the first two chunks are not kept, and the spilled chunks are removed."""
    monkeypatch.setenv("TEPAT_IMPORT_CHUNK_ROWS", "4")
    spill = tmp_path / "spill"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    written, real = [], writer.insert_records

    def failing(table, frame):
        written.append(table)
        if len(written) == 5:
            raise OSError("disk full")
        return real(table, frame)

    monkeypatch.setattr(writer, "insert_records", failing)
    with pytest.raises(OSError, match="disk full"):
        import_file(write_csv(tmp_path / "a.csv", first_file()))
    assert written == ["registry_family", "registry_member"] * 2 + ["registry_family"]
    assert not Family.objects.exists() and not Member.objects.exists() and not Change.objects.exists()
    assert list(spill.iterdir()) == []


def test_chunks_are_written_while_the_later_ones_are_checked(import_file, tmp_path, monkeypatch):
    """The checks of the third chunk wait for the first chunk's families to be written: an importer that checked
    the whole file before writing anything would never get there, and the wait would fail."""
    monkeypatch.setenv("TEPAT_IMPORT_CHUNK_ROWS", "4")
    written, checked = threading.Event(), []
    real_insert, real_check = writer.insert_records, pipeline._check

    def insert(table, frame):
        done = real_insert(table, frame)
        written.set()
        return done

    def check(frame, *args):
        checked.append(frame.height)
        if len(checked) == 3 and not written.wait(timeout=60):
            raise AssertionError("nothing was written before the third chunk was checked")
        return real_check(frame, *args)

    monkeypatch.setattr(writer, "insert_records", insert)
    monkeypatch.setattr(pipeline, "_check", check)
    batch = import_file(write_csv(tmp_path / "a.csv", first_file()))
    assert batch.status == BatchStatus.DONE and len(checked) > 3
    assert batch.report["families"]["new"] == 5 and Family.objects.count() == 5


def test_a_file_problem_found_in_a_later_chunk_fails_the_import_and_writes_nothing(import_file, tmp_path, monkeypatch):
    """The checking thread meets an unreadable third chunk once two are written: the import fails with the file's
    problem in its report, as one found before writing, and keeps nothing; the spilled chunks are removed."""
    monkeypatch.setenv("TEPAT_IMPORT_CHUNK_ROWS", "4")
    spill = tmp_path / "spill"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    real_chunks, real_insert, written = chunks.chunks, writer.insert_records, []

    def unreadable_third(*args):
        for number, frame in enumerate(real_chunks(*args)):
            if number == 2:
                _wait_until(lambda: written.count("registry_member") == 2)
                raise ImportFatal("file_unreadable", detail="baris 9 / line 9")
            yield frame

    def insert(table, frame):
        written.append(table)
        return real_insert(table, frame)

    monkeypatch.setattr(chunks, "chunks", unreadable_third)
    monkeypatch.setattr(writer, "insert_records", insert)
    batch = import_file(write_csv(tmp_path / "a.csv", first_file()))
    assert batch.status == BatchStatus.FAILED and batch.report["fatal"]["code"] == "file_unreadable"
    assert "line 9" in batch.report["fatal"]["message"]
    assert not Family.objects.exists() and not Member.objects.exists() and not Change.objects.exists()
    assert list(spill.iterdir()) == []


def _wait_until(condition, seconds: float = 60) -> None:
    stop = threading.Event()
    for _ in range(int(seconds * 10)):
        if condition():
            return
        stop.wait(0.1)
    raise AssertionError("the chunks before were not written meanwhile")


def test_the_spill_of_a_killed_import_is_removed_by_the_next(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed = tmp_path / f"{parts.PREFIX}999999999-abc"  # no such process
    killed.mkdir()
    (killed / "0-members.arrow").write_bytes(b"spilled")
    running = tmp_path / f"{parts.PREFIX}{os.getpid()}-abc"
    running.mkdir()
    spilled = parts.Parts(spill=True)
    assert not killed.exists() and running.exists()
    spilled.close()
