"""Generator (issue 16): NIK and No KK in separate number spaces; identity noise for a second register
with its truth, consistent between the DTSEN family and member files."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from tepat.demo.generate import generate, linkage_frames
from tepat.demo.generate.regions import _parse_regions, load_tanjungbalai_regions
from tepat.demo.generate.universe import _universe
from tepat.engine.linkage import normalised_name


def test_no_kk_never_equals_a_nik():
    u = _universe(60_000, 2024, _parse_regions(load_tanjungbalai_regions(None)))
    assert not set(u.fam["no_kk"].tolist()) & set(u.per["nik"].tolist())


def test_identity_noise_changes_only_some_persons_and_the_truth_names_them():
    p3ke, dtsen = linkage_frames(3000, seed=4, identity_noise=0.2)
    assert p3ke["truth"].is_unique().all() and set(dtsen["truth"]) == set(p3ke["truth"])
    dtsen = dtsen.unique("truth", keep="first", maintain_order=True)  # within-source duplicates: next test
    joined = p3ke.join(dtsen, on="truth", suffix="_d")
    changed = joined.filter(
        (pl.col("nik") != pl.col("nik_d")).fill_null(True)
        | (pl.col("nama") != pl.col("nama_d"))
        | (pl.col("tanggal_lahir") != pl.col("tanggal_lahir_d"))
    )
    assert 0.12 < changed.height / joined.height < 0.28
    assert dtsen["nik"].null_count() > 0 and dtsen["nik"].drop_nulls().is_unique().all()
    assert (joined["no_kk"] != joined["no_kk_d"]).sum() > 0  # families with a new No KK
    typos = joined.filter(pl.col("nik_d").is_not_null() & (pl.col("nik") != pl.col("nik_d")))
    assert typos.height and not typos["nik_d"].is_in(p3ke["nik"].implode()).any()  # never another person's NIK
    variants = joined.filter(pl.col("nama") != pl.col("nama_d"))
    normalised = variants.select(normalised_name("nama").alias("a"), normalised_name("nama_d").alias("b"))
    assert (normalised["a"] == normalised["b"]).sum() > 0  # M. / MUHAMAD / ... normalise back
    swapped = joined.filter(pl.col("tanggal_lahir") != pl.col("tanggal_lahir_d"))
    assert (
        (swapped["tanggal_lahir"].dt.day() == swapped["tanggal_lahir_d"].dt.month())
        & (swapped["tanggal_lahir"].dt.month() == swapped["tanggal_lahir_d"].dt.day())
    ).any()


def test_some_persons_are_registered_twice_in_dtsen_under_a_second_nik():
    p3ke, dtsen = linkage_frames(3000, seed=4, identity_noise=0.2)
    twice = dtsen.filter(pl.col("truth").is_duplicated()).sort("truth", "record_id")
    first, second = twice.gather_every(2), twice.gather_every(2, offset=1)
    assert 0.01 < first.height / p3ke.height < 0.03  # rate 0.2 x DUPLICATE_SHARE 0.1
    assert (first["family_id"] == second["family_id"]).all() and (first["no_kk"] == second["no_kk"]).all()
    assert (first["nik"] != second["nik"]).all() and not second["nik"].is_in(p3ke["nik"].implode()).any()
    assert (second["tanggal_lahir"] == p3ke.join(second.select("truth"), on="truth")["tanggal_lahir"]).all()


@pytest.mark.django_db
def test_noisy_dtsen_files_import_and_join_by_no_kk(import_file, tmp_path):
    keluarga = generate(80, "dtsen-keluarga", tmp_path / "k.csv", seed=9, identity_noise=0.3)
    anggota = generate(80, "dtsen-anggota", tmp_path / "a.csv", seed=9, identity_noise=0.3)
    truth = pl.read_csv(anggota.identity_path)
    assert truth.height == anggota.rows and set(truth.columns) == {"row", "id_individu", "noise", "family_new_kk"}
    twice = truth.filter(pl.col("noise") == "duplicate")
    assert (
        twice.height
        and twice["id_individu"].is_in(truth["id_individu"].head(truth.height - twice.height).implode()).all()
    )
    assert truth["family_new_kk"].any()
    assert import_file(keluarga.path).report["families"]["new"] == 80
    report = import_file(anggota.path).report
    missing = truth.filter(pl.col("noise") == "nik_missing").height
    assert {issue["code"] for issue in report["rejected"]} <= {"required_missing"}
    assert len(report["rejected"]) == missing  # only the rows whose NIK is missing, each named


def test_identity_noise_is_for_dtsen_formats_only(tmp_path):
    from tepat.cli import main

    with pytest.raises(ValueError):
        generate(5, "p3ke-individu", tmp_path / "p.csv", identity_noise=0.1)
    out = CliRunner().invoke(
        main,
        [
            "generate",
            "--families",
            "5",
            "--format",
            "p3ke-individu",
            "--out",
            str(tmp_path / "p.csv"),
            "--identity-noise",
            "0.1",
        ],
    )
    assert out.exit_code == 2 and "DTSEN" in out.output
