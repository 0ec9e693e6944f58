"""`tepat indicators fgt`: survey estimates from a microdata csv; bad weights exit 2."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tepat.cli import main


def test_fgt_prints_weighted_percentages_by_group(tmp_path):
    path = tmp_path / "susenas.csv"
    path.write_text(
        "pengeluaran_per_kapita,bobot,kecamatan\n300000,2,A\n500000,1,A\n200000,1,B\n400000,3,B\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        main, ["indicators", "fgt", str(path), "--line", "400000", "--weight", "bobot", "--by", "kecamatan", "--json"]
    )
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


# Two strata of three clusters (PSUs) of four people; poverty is shared within a cluster, so the design's
# standard error is larger than the one that treats every row as independent.
CLUSTERS = {
    ("S1", "c1"): 50,
    ("S1", "c2"): 500,
    ("S1", "c3"): 60,
    ("S2", "c4"): 500,
    ("S2", "c5"): 70,
    ("S2", "c6"): 600,
}


def clustered_csv(path):
    rows = [f"{spend + i},{stratum},{psu}" for (stratum, psu), spend in CLUSTERS.items() for i in range(4)]
    path.write_text("pengeluaran_per_kapita,strata,psu\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def design_se_p0() -> float:
    """By hand: linearised ratio variance, sum over strata of n_h/(n_h-1) * sum_c (u_c - mean_h u)^2, / N^2."""
    people = [(stratum, psu, spend < 100) for (stratum, psu), spend in CLUSTERS.items() for _ in range(4)]
    p = sum(poor for *_, poor in people) / len(people)
    variance = 0.0
    for stratum in ("S1", "S2"):
        totals = [sum(poor - p for s, c, poor in people if c == psu) for (s, psu) in CLUSTERS if s == stratum]
        mean = sum(totals) / len(totals)
        variance += len(totals) / (len(totals) - 1) * sum((u - mean) ** 2 for u in totals)
    return 100 * variance**0.5 / len(people)


def test_the_survey_design_widens_the_standard_error_of_clustered_data(tmp_path):
    path = clustered_csv(tmp_path / "klaster.csv")
    naive = json.loads(CliRunner().invoke(main, ["indicators", "fgt", str(path), "--line", "100", "--json"]).output)
    run = CliRunner().invoke(
        main, ["indicators", "fgt", str(path), "--line", "100", "--strata", "strata", "--psu", "psu", "--json"]
    )
    assert run.exit_code == 0, run.output
    design = json.loads(run.output)
    assert design["p0"] == naive["p0"] == 50.0 and (design["strata"], design["psu"]) == ("strata", "psu")
    assert abs(design["se_p0"] - design_se_p0()) < 1e-9
    assert design["se_p0"] > 1.5 * naive["se_p0"]
    text = (
        CliRunner()
        .invoke(main, ["indicators", "fgt", str(path), "--line", "100", "--strata", "strata", "--psu", "psu"])
        .output
    )
    assert f"P0 {design['se_p0']:.2f}" in text


def test_an_unknown_design_column_is_named(tmp_path):
    path = clustered_csv(tmp_path / "klaster.csv")
    result = CliRunner().invoke(main, ["indicators", "fgt", str(path), "--line", "100", "--psu", "klaster"])
    assert result.exit_code == 2 and "klaster" in result.output
