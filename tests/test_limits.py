"""Hostile files are refused before their cells are read, with a stable code, the number that tripped
the limit and exit 2; each crash class found by fuzzing (bare CR in a quoted cell, a >128 KB cell,
undecodable bytes) is now read or refused, never a traceback. Small versions of the real-size files
of bench/hostile.py, with the limits lowered where the real ones need megabytes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings as hsettings, strategies as st

from tepat.cli import main
from tepat.engine.spatial.geojson import BoundaryError, parse_json
from tepat.registry.importer.limits import Limits
from tepat.registry.importer.messages import ImportFatal
from tepat.registry.importer.profiles import load_profiles
from tepat.registry.importer.read import read_table
from tepat.registry.models import Family, ImportBatch
from tests.files import family_rows, write_csv
from tests.hostile_files import (
    csv_with_columns,
    csv_with_cr_in_quotes,
    csv_with_long_field,
    odk_zip_with_attachment,
    xlsx_with_rows,
)


def cli_import(path: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["import", str(path), "--report", str(tmp_path / "r.json")])
    report = json.loads((tmp_path / "r.json").read_text()) if (tmp_path / "r.json").exists() else {}
    return result, report


@pytest.fixture
def limits(settings):
    def lower(**changes):
        settings.TEPAT_IMPORT_LIMITS = replace(Limits(), **changes)

    return lower


@pytest.mark.django_db
@pytest.mark.parametrize("columns", [1_000, 2_000])
def test_a_csv_with_too_many_columns_is_refused_naming_the_count(tmp_path, columns):
    result, report = cli_import(csv_with_columns(tmp_path / "wide.csv", columns), tmp_path)
    assert result.exit_code == 2
    assert report["fatal"]["code"] == "too_many_columns"
    assert f"{columns:,}" in report["fatal"]["message"] and "300" in report["fatal"]["message"]
    assert ImportBatch.objects.get().status == "failed" and not Family.objects.exists()


@pytest.mark.django_db
def test_the_column_limit_is_a_setting(tmp_path, limits):
    limits(columns=2_000)
    result, report = cli_import(csv_with_columns(tmp_path / "wide.csv", 1_000, rows=2), tmp_path)
    assert result.exit_code == 0 and report["members"]["new"] == 2


@pytest.mark.django_db
def test_an_xlsx_declaring_more_rows_than_the_limit_is_refused_before_parsing(tmp_path, limits):
    limits(rows=1_000)
    result, report = cli_import(xlsx_with_rows(tmp_path / "rows.xlsx", 1_500), tmp_path)
    assert result.exit_code == 2 and report["fatal"]["code"] == "too_many_rows"
    assert "1,501" in report["fatal"]["message"] and "1,000" in report["fatal"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("dimension", [False, 4], ids=["no dimension", "a lying dimension"])
def test_an_xlsx_whose_dimension_lies_is_counted_before_parsing(tmp_path, limits, dimension):
    limits(rows=1_000)
    result, report = cli_import(xlsx_with_rows(tmp_path / "rows.xlsx", 1_500, dimension=dimension), tmp_path)
    assert result.exit_code == 2 and report["fatal"]["code"] == "too_many_rows"
    assert (
        "1,501 baris" in report["fatal"]["message"]
    )  # the sheet's rows counted in its XML, not taken from the dimension


@pytest.mark.django_db
def test_a_file_read_whole_is_held_to_a_sheets_rows_while_a_csv_may_be_longer(tmp_path, monkeypatch):
    """The row limit (5M: a 1M-family csv) is for files read in chunks; an xlsx is also held to a sheet's rows."""
    monkeypatch.setattr("tepat.registry.importer.limits.SHEET_ROWS", 3)  # stands for the format's 1,048,576
    monkeypatch.setattr("tepat.registry.importer.read.SHEET_ROWS", 3)
    rows = family_rows()
    result, report = cli_import(xlsx_with_rows(tmp_path / "rows.xlsx", 5), tmp_path)
    assert (
        result.exit_code == 2
        and report["fatal"]["code"] == "too_many_rows"
        and "batasnya 3" in report["fatal"]["message"]
    )
    result, report = cli_import(write_csv(tmp_path / "rows.csv", rows * 2), tmp_path)
    assert result.exit_code == 0, result.output


@pytest.mark.django_db
def test_a_csv_with_more_rows_than_the_limit_is_refused(tmp_path, limits):
    limits(rows=2)
    result, report = cli_import(write_csv(tmp_path / "three.csv", family_rows()), tmp_path)
    assert result.exit_code == 2 and report["fatal"]["code"] == "too_many_rows"


@pytest.mark.django_db
def test_a_zip_bomb_xlsx_is_refused_from_its_directory(tmp_path):
    path = xlsx_with_rows(tmp_path / "bomb.xlsx", 3, padding=64 << 20, level=9)  # 64 MB of whitespace in a ~70 KB file
    assert path.stat().st_size < 200_000
    result, report = cli_import(path, tmp_path)
    assert result.exit_code == 2 and report["fatal"]["code"] == "unzipped_too_large"
    assert "64 MB" in report["fatal"]["message"] and "TEPAT_IMPORT_MAX_UNZIP_RATIO" in report["fatal"]["message"]


@pytest.mark.django_db
def test_a_small_xlsx_of_ordinary_rows_imports(tmp_path):
    result, report = cli_import(xlsx_with_rows(tmp_path / "ok.xlsx", 1), tmp_path)
    assert result.exit_code == 0 and report["members"]["new"] == 1


@pytest.mark.django_db
def test_a_cell_over_128_kb_is_refused_naming_the_line(tmp_path):
    result, report = cli_import(csv_with_long_field(tmp_path / "long.csv", 130), tmp_path)
    assert result.exit_code == 2 and report["fatal"]["code"] == "field_too_long"
    assert "Baris 3" in report["fatal"]["message"] and "Line 3" in report["fatal"]["message"]


@pytest.mark.django_db
def test_a_long_cell_under_the_limit_is_read(tmp_path):
    result, report = cli_import(csv_with_long_field(tmp_path / "long.csv", 100), tmp_path)
    assert result.exit_code == 0 and report["members"]["new"] == 3


@pytest.mark.django_db
@pytest.mark.parametrize("at_row", [2, 3])
def test_a_bare_cr_inside_a_quoted_cell_is_read(tmp_path, at_row):
    result, report = cli_import(csv_with_cr_in_quotes(tmp_path / "cr.csv", at_row), tmp_path)
    assert result.exit_code == 0, result.output
    assert report["members"]["new"] == 3 and report["rejected"] == []
    assert Family.objects.get().alamat == "Jl. Contoh No. 1"  # the CR is whitespace, collapsed like any other


@pytest.mark.django_db
def test_undecodable_utf16_is_refused_as_unreadable(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(b"\xff\xfe" + "nik;nama\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate half
    result, report = cli_import(path, tmp_path)
    assert (
        result.exit_code == 2
        and report["fatal"]["code"] == "file_unreadable"
        and "UTF-16" in report["fatal"]["message"]
    )


def test_geojson_nested_too_deep_is_refused_before_parsing():
    with pytest.raises(BoundaryError) as refused:
        parse_json(b"[" * 50_000 + b"]" * 50_000)
    assert refused.value.problems[0].code == "too_deep" and "50000" in str(refused.value)


def test_geojson_brackets_inside_strings_do_not_count():
    text = '{"type": "FeatureCollection", "name": "' + "[" * 100 + '", "features": [{"type": "Feature"}]}'
    assert parse_json(text)["name"].startswith("[[[")


@pytest.mark.django_db
def test_an_odk_zip_with_an_attachment_over_the_limit_is_refused_by_its_declared_size(tmp_path, settings):
    from tepat.verivali.odk.tables import ExportUnreadable, read_export

    settings.TEPAT_ODK_MAX_ATTACHMENT_MB = 2
    path = odk_zip_with_attachment(tmp_path / "odk.zip", 3 << 20)
    with pytest.raises(ExportUnreadable) as refused:
        read_export(path)
    assert refused.value.code == "attachment_too_large" and "foto.jpg" in refused.value.message_en


# --- fuzzing: whatever the bytes, the reader answers or refuses with a code ----------------------------

PROFILES = list(load_profiles().values())


def _base(tmp: Path) -> bytes:
    return write_csv(tmp / "base.csv", family_rows(), title=False).read_bytes()


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2000), st.binary(min_size=0, max_size=6)), min_size=1, max_size=6))
def test_mutated_csv_is_read_or_refused_never_a_crash(tmp_path_factory, edits):
    tmp = tmp_path_factory.mktemp("fuzz")
    data = bytearray(_base(tmp))
    for at, inserted in edits:
        at = min(at, len(data))
        data[at : at + len(inserted)] = inserted
    path = tmp / "fuzz.csv"
    path.write_bytes(bytes(data))
    try:
        table = read_table(path, PROFILES)
        if hasattr(table.frame, "collect"):
            from tepat.registry.importer.canonical import collect

            collect(table.frame.lazy())
    except ImportFatal as refused:
        assert refused.code in (
            "file_unreadable",
            "file_type",
            "file_empty",
            "header_not_found",
            "field_too_long",
            "too_many_columns",
        )


@hsettings(max_examples=25, deadline=None)
@given(rows=st.integers(0, 40), chunk=st.integers(1, 300), stop=st.integers(0, 60))
def test_rows_are_counted_across_chunk_boundaries(tmp_path_factory, rows, chunk, stop):
    from tepat.registry.importer.read import count_rows

    path = xlsx_with_rows(tmp_path_factory.mktemp("count") / "c.xlsx", rows, cells=3)
    counted, whole = count_rows(path, "xl/worksheets/sheet1.xml", stop, chunk_size=chunk)
    if whole:
        assert counted == rows + 1
    else:
        assert stop < counted <= rows + 1
