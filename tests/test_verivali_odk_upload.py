"""The upload page for ODK/Kobo exports and the XLSForm download: analysts and admins only, every row reported."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tepat.accounts.models import PersonalDataAccess
from tepat.registry.models import Family
from tepat.verivali.models import Visit
from tepat.verivali.odk.central_export import submission, write_odk_zip
from tests.test_verivali_odk_ingest import campaign  # noqa: F401  (fixture)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_analyst_uploads_an_odk_zip_and_sees_accepted_and_rejected_rows(campaign, cast, tmp_path):
    family = Family.objects.get(source_key="JOHOR1")
    path = write_odk_zip(
        tmp_path / "odk.zip",
        [submission(family.pk, "uuid:web1"), submission(family.pk, "uuid:web2", keberadaan="entah")],
    )
    page = client_for(cast["analyst"]).post(
        reverse("verivali_ingest", args=[campaign.pk]), {"file": SimpleUploadedFile("kiriman.zip", path.read_bytes())}
    )
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="ingest-summary"' in html
    assert "<b>1</b> diterima" in html and "1 ditolak" in html and "kunjungan-keberadaan" in html and "entah" in html
    assert Visit.objects.get().received_by == cast["analyst"]
    again = client_for(cast["analyst"]).post(
        reverse("verivali_ingest", args=[campaign.pk]), {"file": SimpleUploadedFile("kiriman.zip", path.read_bytes())}
    )
    html = again.content.decode()  # the accepted row is recognised; the refused one is refused again
    assert "1 sudah pernah masuk" in html and "1 ditolak" in html and Visit.objects.count() == 1


def test_a_broken_upload_gets_one_message_and_nothing_is_written(campaign, cast):
    page = client_for(cast["admin"]).post(
        reverse("verivali_ingest", args=[campaign.pk]),
        {"file": SimpleUploadedFile("rusak.xlsx", b"PK\x03\x04 cut short")},
    )
    assert 'data-testid="ingest-fatal"' in page.content.decode() and "terpotong" in page.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", ["enumerator", "lurah", "camat", "opd", "viewer"])
def test_other_roles_do_not_find_the_upload_or_the_form(campaign, cast, who):
    client = client_for(cast[who])
    assert client.get(reverse("verivali_ingest", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("verivali_xlsform", args=[campaign.pk])).status_code == 404


def test_the_xlsform_download_is_logged_as_an_export_of_names(campaign, cast):
    from pyxform.xls2xform import convert

    response = client_for(cast["analyst"]).get(reverse("verivali_xlsform", args=[campaign.pk]))
    assert response.status_code == 200 and f"tepat_verivali_{campaign.pk}.xlsx" in response["Content-Disposition"]
    assert "Budi" in convert(response.content, file_type=".xlsx").xform
    access = PersonalDataAccess.objects.get(user=cast["analyst"])
    assert access.kind == "export" and access.records == 2 and "XLSForm" in access.what
