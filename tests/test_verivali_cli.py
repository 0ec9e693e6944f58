"""`tepat verivali list | xlsform | ingest | berita-acara` on a campaign: output, files and exit codes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from tepat.cli import main
from tepat.registry.models import Family
from tepat.verivali.models import Visit
from tests.files import family_rows, write_xlsx
from tepat.verivali.odk.central_export import submission, write_odk_csv, write_odk_zip


def run(*args):
    return CliRunner().invoke(main, ["verivali", *[str(a) for a in args]])


@pytest.fixture
def campaign(cast, import_file, tmp_path):
    from tepat.regions.models import Region
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign

    rows = family_rows("JOHOR1", base=1) + family_rows("JOHOR2", base=2, desil="3")
    import_file(write_xlsx(tmp_path / "registry.xlsx", rows), cast["analyst"])
    campaign = do_create_campaign(
        {
            "name": "Verivali CLI",
            "period_start": dt.date(2026, 11, 1),
            "period_end": dt.date(2026, 12, 31),
            "max_desil": 2,
        },
        kelurahan=[Region.objects.get(code="12.74.05.1010")],
        acting_user=cast["analyst"],
    )
    do_assign_campaign(campaign_families(campaign), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    return campaign


def test_list_prints_each_campaign_id_first_with_its_counts(campaign, cast, tmp_path):
    write_odk_zip(tmp_path / "a.zip", [submission(Family.objects.get(source_key="JOHOR1").pk, "uuid:1")])
    assert run("ingest", campaign.pk, tmp_path / "a.zip", "--user", "analyst").exit_code == 0
    result = run("list")
    assert result.exit_code == 0
    header, line = result.output.splitlines()
    assert header.startswith("id\tnama\tperiode")
    # id, name, period, 1 kelurahan, 1 family (desil 1 only), 1 assigned, 1 visited, 0 proposals
    assert line.split("\t")[:8] == [str(campaign.pk), "Verivali CLI", "2026-11-01..2026-12-31", "1", "1", "1", "1", "0"]


def test_xlsform_writes_a_form_that_pyxform_converts(campaign, tmp_path):
    from pyxform.xls2xform import convert

    out = tmp_path / "form.xlsx"
    result = run("xlsform", campaign.pk, "--out", out)
    assert result.exit_code == 0 and "1 keluarga, 3 anggota, 1 pendata" in result.output
    xform = convert(out.read_bytes(), file_type=".xlsx").xform
    johor = Family.objects.get(source_key="JOHOR1")
    assert f"<name>{johor.pk}</name>" in xform and "Budi · Jl. Contoh No. 1 · RT -/RW -" in xform
    assert "1274050101800001" not in xform  # no NIK in a form that travels on phones


def test_ingest_exit_codes_and_the_json_report(campaign, tmp_path):
    family = Family.objects.get(source_key="JOHOR1")
    good = write_odk_zip(tmp_path / "good.zip", [submission(family.pk, "uuid:1")])
    bad = write_odk_zip(tmp_path / "bad.zip", [submission(family.pk, "uuid:2", keberadaan="entah")])
    report = tmp_path / "report.json"
    first = run("ingest", campaign.pk, good, bad, "--user", "analyst", "--report", report)
    assert first.exit_code == 2
    assert (
        "good.zip (odk): 1 kiriman, 1 diterima" in first.output
        and "[tepat_verivali_1.csv:kunjungan-keberadaan]" not in first.output.split("bad.zip")[0]
    )
    assert "baris 2 [tepat_verivali_1.csv:kunjungan-keberadaan] unknown_choice" in first.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [d["accepted"] for d in data] == [1, 0] and data[1]["rejected"][0]["column"] == "kunjungan-keberadaan"
    again = run("ingest", campaign.pk, good, "--user", "analyst", "--json")
    assert again.exit_code == 0 and json.loads(again.output)[0]["duplicates"] == 1 and Visit.objects.count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["ingest", 999, "{file}", "--user", "analyst"], "kampanye 999 tidak ada"),
        (["ingest", "{campaign}", "{file}", "--user", "enumerator"], "bukan analis"),
        (["xlsform", 999, "--out", "{out}"], "kampanye 999 tidak ada"),
        (["berita-acara", 999, "--out", "{out}.pdf"], "musyawarah 999 tidak ada"),
        (["berita-acara", 1, "--out", "{out}.txt"], ".pdf atau .docx"),
    ],
)
def test_mistakes_say_why_and_exit_2(campaign, tmp_path, args, message):
    file = write_odk_csv(tmp_path / "a.csv", [submission(1, "uuid:1")])
    values = {"file": file, "campaign": campaign.pk, "out": tmp_path / "x"}
    result = run(*[str(a).format(**values) for a in args])
    assert result.exit_code == 2 and message in result.output and not Visit.objects.exists()


def test_an_unreadable_file_exits_2_and_writes_nothing(campaign, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    result = run("ingest", campaign.pk, broken, "--user", "analyst")
    assert result.exit_code == 2 and "GAGAL / FAILED [file_unreadable]" in result.output and not Visit.objects.exists()
