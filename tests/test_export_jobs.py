"""Big downloads as jobs (tepat.jobs.exports) and the batch-by-batch csv/xlsx writers."""

from __future__ import annotations

import io
import os
import time

import openpyxl
import polars as pl
import pytest

from tepat.accounts.models import AccessKind, PersonalDataAccess
from tepat.jobs import exports
from tepat.jobs.models import Job, JobStatus
from tepat.jobs.run import execute
from tepat.registry.spreadsheet import csv_bytes, write_csv_batches, write_xlsx_batches, xlsx_bytes_fast
from tests.files import family_rows, write_xlsx

JOHOR_HEAD = "1274050101800001"


@pytest.fixture
def registry(import_file, cast, tmp_path):
    rows = family_rows("JOHOR", base=1) + family_rows("KOTA", base=2, kode="1274011001", alamat="Jl. Kota")
    import_file(write_xlsx(tmp_path / "a.xlsx", rows), cast["analyst"])


def _sheet(body: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_a_big_family_export_is_a_job_its_owner_downloads_once_made(client, cast, registry, settings, monkeypatch):
    monkeypatch.setattr("tepat.registry.exports.BATCH", 1)  # one family per batch: the keyset walk and the progress
    client.force_login(cast["admin"])  # sees both families, NIK masked
    small = client.get("/keluarga/unduh.csv")
    assert small.status_code == 200 and small.content.count(b"\n") == 3  # header + 2 families, written at once
    assert not Job.objects.filter(kind="export").exists()

    settings.TEPAT_EXPORT_JOB_ROWS, settings.TEPAT_IMPORT_RUNNER = 1, "worker"  # queued, as with `tepat serve`
    asked = client.get("/keluarga/unduh.xlsx", {"desil": ""})
    job = Job.objects.get(kind="export")
    assert asked.status_code == 302 and asked["Location"] == f"/unduhan/{job.pk}/"
    waiting = client.get(asked["Location"]).content.decode()
    assert f'hx-get="/unduhan/{job.pk}/progres/"' in waiting and "<progress" in waiting and "<script>" not in waiting
    assert client.get(f"/unduhan/{job.pk}/berkas").status_code == 404  # not made yet
    logged = PersonalDataAccess.objects.filter(kind=AccessKind.EXPORT).count()

    execute(Job.objects.select_related("user").get(pk=job.pk))  # what the worker does
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["records"] == 2
    fragment = client.get(f"/unduhan/{job.pk}/progres/").content.decode()
    assert 'data-testid="export-link"' in fragment and "hx-get" not in fragment
    response = client.get(f"/unduhan/{job.pk}/berkas")
    rows = _sheet(b"".join(response.streaming_content))
    assert rows[0][:2] == ("sumber", "id_keluarga") and len(rows) == 3
    nik = rows[0].index("nik_kepala_keluarga")
    assert all("*" in row[nik] for row in rows[1:]) and JOHOR_HEAD not in str(rows)
    entry = PersonalDataAccess.objects.filter(kind=AccessKind.EXPORT).order_by("-pk").first()
    assert PersonalDataAccess.objects.filter(kind=AccessKind.EXPORT).count() == logged + 1
    assert (entry.user, entry.what, entry.records, entry.unmasked) == (
        cast["admin"],
        "daftar keluarga (xlsx) desil=",
        2,
        False,
    )

    client.force_login(cast["analyst"])  # anyone else, even a wider role: 404
    for url in (f"/unduhan/{job.pk}/", f"/unduhan/{job.pk}/progres/", f"/unduhan/{job.pk}/berkas"):
        assert client.get(url).status_code == 404


def test_made_files_are_removed_after_the_grace_period(client, cast, registry, settings):
    settings.TEPAT_EXPORT_JOB_ROWS = 0  # the "sync" runner: made at once and answered with the file
    client.force_login(cast["lurah"])
    body = client.get("/keluarga/unduh.csv").content
    assert body.count(b"\n") == 2  # the lurah's one family
    job = Job.objects.get(kind="export", status=JobStatus.DONE)
    folder = exports.folder(job)
    old = time.time() - (settings.TEPAT_EXPORT_KEEP_HOURS * 3600 + 60)
    os.utime(folder, (old, old))
    assert exports.sweep() == 1 and not folder.exists()
    assert 'data-testid="export-gone"' in client.get(f"/unduhan/{job.pk}/").content.decode()
    assert client.get(f"/unduhan/{job.pk}/berkas").status_code == 404


def test_the_writers_stream_batches_into_the_same_file_as_the_whole_frame():
    whole = pl.DataFrame(
        {
            "nama": ["BUDI", "=1+1", "SITI;@SUM(A1)", None, "a & <b>", "x\x01y"],
            "desil": [1, 2, None, 4, 5, 6],
            "alamat": ["Jl. 1", "", "Jl. 3", "Jl. 4", "\tJl. 5", "Jl. 6"],
        }
    )
    batches = [whole[:2], whole[2:2], whole[2:5], whole[5:]]
    csv = io.BytesIO()
    assert write_csv_batches(csv, batches) == 6 and csv.getvalue() == csv_bytes(whole)
    book = io.BytesIO()
    assert write_xlsx_batches(book, {"Keluarga": iter(batches)}) == 6
    assert _sheet(book.getvalue()) == _sheet(xlsx_bytes_fast({"Keluarga": whole}))
    cells = _sheet(book.getvalue())
    assert len(cells) == 7 and cells[2][0] == "'=1+1" and cells[5][0] == "a & <b>" and cells[3][1] is None
    header_only = io.BytesIO()
    assert write_xlsx_batches(header_only, {"Keluarga": [whole[:0]]}) == 0
    assert _sheet(header_only.getvalue()) == [("nama", "desil", "alamat")]
