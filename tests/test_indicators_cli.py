"""`tepat indicators fgt`: survey estimates from a microdata csv; bad weights exit 2."""
from __future__ import annotations

import json

from click.testing import CliRunner

from tepat.cli import main


def test_fgt_prints_weighted_percentages_by_group(tmp_path):
    path = tmp_path / "susenas.csv"
    path.write_text("pengeluaran_per_kapita,bobot,kecamatan\n300000,2,A\n500000,1,A\n200000,1,B\n400000,3,B\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["indicators", "fgt", str(path), "--line", "400000", "--weight", "bobot", "--by", "kecamatan", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "survey_estimate"
    assert round(data["p0"], 2) == round(300 / 7, 2)  # 400,000 exactly at the line is not poor
    assert round(data["p1"], 4) == round(100 * (2 * 0.25 + 1 * 0.5) / 7, 4)
    assert {g["group"]: round(g["p0"], 2) for g in data["groups"]} == {"A": 66.67, "B": 25.0}


def test_negative_weights_are_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("pengeluaran_per_kapita,bobot\n300000,-2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["indicators", "fgt", str(path), "--line", "400000", "--weight", "bobot"])
    assert result.exit_code == 2 and "bobot" in result.output
