"""The FGT page: survey microdata in, P0/P1/P2 out as the CLI computes them, labelled as survey estimates."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

# Four people, line 100: two poor (gaps 0.5 and 0.25), one exactly at the line (not poor), one above.
# P0 = 2/4 = 50 %, P1 = (0.5 + 0.25)/4 = 18.75 %, P2 = (0.25 + 0.0625)/4 = 7.8125 %.
MICRODATA = b"kecamatan,pengeluaran_per_kapita\nA,50\nA,75\nB,100\nB,150\n"


def post(client, body=MICRODATA, **fields):
    data = {"file": SimpleUploadedFile("susenas.csv", body, content_type="text/csv"), "line": "100", **fields}
    return client.post("/indikator/fgt/", data)


def test_the_page_gives_the_hand_computed_figures_by_group(client, cast):
    client.force_login(cast["analyst"])
    response = post(client, by="kecamatan")
    body = response.content.decode()
    assert response.status_code == 200 and "Estimasi survei, bukan hitungan registri" in body
    table = body[body.index('data-testid="fgt-result"') :]
    assert "50,00" in table and "18,75" in table and "7,81" in table  # overall, Indonesian decimals
    assert '<td>A</td><td class="num">100,00</td>' in table  # both people of A are poor


def test_the_result_downloads_as_xlsx(client, cast):
    client.force_login(cast["analyst"])
    response = post(client, download="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("kelompok", "p0", "se_p0", "p1") and rows[1][0] == "semua" and rows[1][1] == 50.0


def test_bad_microdata_gets_a_message_naming_the_problem(client, cast):
    client.force_login(cast["analyst"])
    negative = post(client, body=b"pengeluaran_per_kapita,bobot\n50,1\n75,-2\n", weight="bobot")
    assert negative.status_code == 422 and "bobot" in negative.content.decode()
    missing = post(client, weight="tidak_ada")
    assert missing.status_code == 422 and "tidak_ada" in missing.content.decode()


def test_only_the_secretariat_runs_it(client, cast):
    for role in ("camat", "lurah", "viewer", "opd", "enumerator"):
        client.force_login(cast[role])
        assert client.get("/indikator/fgt/").status_code == 404


def test_an_xlsx_file_reads_like_the_csv(client, cast):
    """The page once answered an xlsx upload with a raw codec error."""
    book = openpyxl.Workbook()
    for row in [("kecamatan", "pengeluaran_per_kapita"), ("A", 50), ("A", 75), ("B", 100), ("B", 150)]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(cast["analyst"])
    upload = SimpleUploadedFile(
        "susenas.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    body = client.post("/indikator/fgt/", {"file": upload, "line": "100", "by": "kecamatan"}).content.decode()
    table = body[body.index('data-testid="fgt-result"') :]
    assert "50,00" in table and "18,75" in table and "codec" not in body


def test_a_broken_spreadsheet_is_named_in_both_languages(client, cast):
    client.force_login(cast["analyst"])
    upload = SimpleUploadedFile(
        "susenas.ods", b"not a spreadsheet", content_type="application/vnd.oasis.opendocument.spreadsheet"
    )
    response = client.post("/indikator/fgt/", {"file": upload, "line": "100"})
    body = response.content.decode()
    assert response.status_code == 422 and "susenas.ods" in body and "lembar kerja" in body


def test_the_page_takes_the_survey_design(client, cast, tmp_path):
    from tests.test_indicators_cli import clustered_csv, design_se_p0

    client.force_login(cast["analyst"])
    body = clustered_csv(tmp_path / "klaster.csv").read_bytes()
    naive = post(client, body=body, download="xlsx")
    design = post(client, body=body, strata="strata", psu="psu", download="xlsx")
    se = [
        list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))[1][2]
        for r in (naive, design)
    ]
    assert abs(se[1] - design_se_p0()) < 1e-9 and se[1] > 1.5 * se[0]
    page = post(client, body=body, strata="strata", psu="psu").content.decode()
    assert "strata / psu" in page
