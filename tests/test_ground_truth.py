"""Generated files with injected faults: the importer finds exactly the faults the generator put in."""

from __future__ import annotations

import polars as pl
import pytest

from tepat.demo.generate import generate


def found(report) -> set[tuple[int, str]]:
    return {(i["row"], i["code"]) for i in report["rejected"] + report["warnings"]}


def truth(path) -> set[tuple[int, str]]:
    frame = pl.read_csv(path, infer_schema=False)
    return {(int(row), code) for row, code in frame.select("row", "code").iter_rows()}


@pytest.mark.parametrize(
    "fmt, suffix",
    [("p3ke-individu", "xlsx"), ("p3ke-individu", "csv"), ("p3ke-keluarga", "xlsx"), ("dtsen-keluarga", "csv")],
)
def test_every_injected_fault_is_reported_at_its_row_and_nothing_else(import_file, tmp_path, fmt, suffix):
    result = generate(300, fmt, tmp_path / f"data.{suffix}", seed=11, error_rate=0.05)
    report = import_file(result.path).report
    assert report["format"] == fmt
    assert found(report) == truth(result.truth_path)
    assert len(truth(result.truth_path)) > 5


def test_dtsen_member_table_faults_after_its_family_table(import_file, tmp_path):
    families = generate(300, "dtsen-keluarga", tmp_path / "k.csv", seed=5)
    assert import_file(families.path).report["rejected"] == []
    members = generate(300, "dtsen-anggota", tmp_path / "a.csv", seed=5, error_rate=0.05)
    report = import_file(members.path).report
    assert found(report) == truth(members.truth_path)
    assert report["members"]["new"] == members.members - report["members"]["rejected"]
