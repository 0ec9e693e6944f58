"""Upload history on the realisasi and ODK ingest pages: every upload listed within scope, with its report as xlsx / csv."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tepat.accounts.models import PersonalDataAccess
from tepat.jobs.models import Job
from tepat.registry.models import Family
from tepat.verivali.odk.central_export import submission, write_odk_zip
from tests.files import write_csv
from tests.test_interventions import HEADER, registry, row  # noqa: F401  (fixture)
from tests.test_verivali_odk_ingest import campaign  # noqa: F401  (fixture)

UNKNOWN_NIK = "1274059999990001"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cells(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(r) for r in book.active.iter_rows(values_only=True)]


@pytest.fixture
def realisasi_upload(registry, cast, tmp_path):
    path = write_csv(tmp_path / "r.csv", [row(), row(nik=UNKNOWN_NIK)], header=HEADER, title=False)
    page = client_for(cast["opd"]).post(
        reverse("realisasi"), {"file": SimpleUploadedFile("salur-maret.csv", path.read_bytes())}
    )
    assert "nik_unknown" in page.content.decode()
    return Job.objects.get(kind="realisasi")


def test_a_realisasi_upload_is_listed_and_its_xlsx_names_the_row_and_code(realisasi_upload, cast):
    client = client_for(cast["opd"])
    html = client.get(reverse("realisasi")).content.decode()
    listed = html.split(f'data-testid="upload-{realisasi_upload.pk}"')[1].split("</tr>")[0]
    assert "salur-maret.csv" in listed and "opd" in listed and ">1</td>" in listed and "selesai" in listed
    response = client.get(reverse("realisasi_report", args=[realisasi_upload.pk, "xlsx"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    header, *rows = cells(response)
    assert header == (
        "jenis / kind",
        "baris / row",
        "lembar / sheet",
        "kolom / column",
        "nilai / value",
        "kode / code",
        "pesan",
        "message",
    )
    assert rows == [
        (
            "ditolak / rejected",
            3,
            None,
            "nik",
            UNKNOWN_NIK,
            "nik_unknown",
            "NIK tidak ada di registri",
            "NIK is not in the registry",
        )
    ]
    csv = client.get(reverse("realisasi_report", args=[realisasi_upload.pk, "csv"])).content.decode("utf-8-sig")
    assert '"3"' in csv and '"nik_unknown"' in csv
    logged = PersonalDataAccess.objects.filter(user=cast["opd"], kind="export")
    assert logged.count() == 2 and "salur-maret.csv" in logged.first().what and logged.first().records == 1


def test_another_opd_neither_sees_nor_downloads_the_upload(realisasi_upload, cast):
    from tepat.accounts.actions import do_create_user
    from tepat.accounts.models import Opd

    Opd.objects.get_or_create(code="perkim", defaults={"name": "Dinas Perkim"})
    other = do_create_user(
        "opd-perkim", role="opd", region_code=None, opd_code="perkim", acting_user=None, password="rahasia-123"
    )[0]
    client = client_for(other)
    assert "salur-maret.csv" not in client.get(reverse("realisasi")).content.decode()
    assert client.get(reverse("realisasi_report", args=[realisasi_upload.pk, "xlsx"])).status_code == 404
    assert not PersonalDataAccess.objects.filter(user=other, kind="export").exists()
    assert (
        client_for(cast["opd"]).get(reverse("realisasi_report", args=[realisasi_upload.pk, "pdf"])).status_code == 404
    )


def test_a_masking_role_gets_the_identity_number_masked(realisasi_upload, cast):
    client = client_for(cast["admin"])  # a city-wide role: sees every upload, NIK masked
    assert "salur-maret.csv" in client.get(reverse("realisasi")).content.decode()
    response = client.get(reverse("realisasi_report", args=[realisasi_upload.pk, "xlsx"]))
    text = "\n".join(str(v) for r in cells(response) for v in r)
    assert UNKNOWN_NIK not in text and "127405******0001" in text
    assert PersonalDataAccess.objects.get(user=cast["admin"], kind="export").unmasked is False


def test_an_odk_ingest_is_listed_per_campaign_with_its_report(campaign, cast, tmp_path):
    family = Family.objects.get(source_key="JOHOR1")
    path = write_odk_zip(
        tmp_path / "odk.zip", [submission(family.pk, "uuid:h1"), submission(family.pk, "uuid:h2", keberadaan="entah")]
    )
    client = client_for(cast["analyst"])
    client.post(
        reverse("verivali_ingest", args=[campaign.pk]),
        {"file": SimpleUploadedFile("kiriman-juni.zip", path.read_bytes())},
    )
    job = Job.objects.get(kind="odk")
    html = client.get(reverse("verivali_ingest", args=[campaign.pk])).content.decode()
    listed = html.split(f'data-testid="upload-{job.pk}"')[1].split("</tr>")[0]
    assert "kiriman-juni.zip" in listed and ">1</td>" in listed
    header, *rows = cells(client.get(reverse("verivali_ingest_report", args=[campaign.pk, job.pk, "xlsx"])))
    [rejected] = [r for r in rows if r[0] == "ditolak / rejected"]
    [stored] = job.result["rejected"]  # the row, sheet and column the page showed
    assert rejected[1:4] == (stored["row"], stored["sheet"], stored["column"]) and stored["row"] >= 2
    assert (
        rejected[5] == "unknown_choice"
        and "keberadaan" in rejected[3]
        and rejected[6] == stored["message_id"]
        and rejected[7] == stored["message_en"]
    )
    assert PersonalDataAccess.objects.get(user=cast["analyst"], kind="export").records == len(rows)
    assert client.get(reverse("verivali_ingest_report", args=[campaign.pk + 999, job.pk, "xlsx"])).status_code == 404


def test_other_roles_cannot_download_an_ingest_report(campaign, cast, tmp_path):
    path = write_odk_zip(tmp_path / "odk.zip", [submission(Family.objects.get(source_key="JOHOR1").pk, "uuid:h3")])
    client_for(cast["analyst"]).post(
        reverse("verivali_ingest", args=[campaign.pk]), {"file": SimpleUploadedFile("k.zip", path.read_bytes())}
    )
    job = Job.objects.get(kind="odk")
    for who in ("opd", "lurah", "enumerator"):
        assert (
            client_for(cast[who]).get(reverse("verivali_ingest_report", args=[campaign.pk, job.pk, "xlsx"])).status_code
            == 404
        )


def test_a_refused_file_is_listed_and_its_report_gives_the_reason(campaign, cast):
    client = client_for(cast["admin"])
    client.post(
        reverse("verivali_ingest", args=[campaign.pk]),
        {"file": SimpleUploadedFile("rusak.xlsx", b"PK\x03\x04 cut short")},
    )
    job = Job.objects.get(kind="odk")
    listed = (
        client.get(reverse("verivali_ingest", args=[campaign.pk]))
        .content.decode()
        .split(f'data-testid="upload-{job.pk}"')[1]
    )
    assert "rusak.xlsx" in listed.split("</tr>")[0] and "gagal" in listed.split("</tr>")[0]
    [(kind, row, *_, code, pesan, message)] = cells(
        client.get(reverse("verivali_ingest_report", args=[campaign.pk, job.pk, "xlsx"]))
    )[1:]
    assert (
        kind == "gagal / failed"
        and row is None
        and code == job.result["fatal"]["code"]
        and "terpotong" in pesan
        and message
    )
