"""The linkage engine without Django: normalisation (property-tested), accuracy on generated data with
known truth against the exact-NIK floor, family links by members, a stored model reused."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tepat.demo.generate import linkage_frames
from tepat.engine.linkage import (
    cross_source_accuracy,
    duplicate_accuracy,
    exact_nik_pairs,
    family_pairs,
    link_persons,
    normalised_name,
    prepare,
)

names = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ .,'-")), max_size=40)


def _norm(values: list[str]) -> list[str | None]:
    return pl.DataFrame({"nama": values}).select(normalised_name())["nama"].to_list()


@given(st.lists(names, min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_normalised_names_are_idempotent_and_ignore_case_and_punctuation(values):
    once = _norm(values)
    assert _norm([v or "" for v in once]) == once
    assert _norm([v.upper().replace(".", " ") for v in values]) == once


def test_abbreviations_and_spellings_become_one_name():
    assert len(set(_norm(["M. Rizki Lubis", "Muhamad RIZKY lubis", "MOHD. rizky  Lubis", "muh rizki lubis"]))) == 1
    assert _norm(["", " . "]) == [None, None]


@pytest.fixture(scope="module")
def city():
    p3ke, dtsen = linkage_frames(2500, seed=21, identity_noise=0.15)
    both = pl.concat([p3ke, dtsen])
    return both, link_persons(both)


def test_persons_registered_twice_under_two_niks_are_found(city):
    both, result = city
    found = duplicate_accuracy(result.pairs, both, threshold=0.99)
    assert found["true"] >= 50, "the generator writes within-source duplicates"
    assert found["precision"] >= 0.9 and found["recall"] >= 0.95, found
    assert both.filter(pl.col("source") == "dtsen")["nik"].drop_nulls().is_unique().all()  # no NIK finds them


def test_links_beat_the_exact_nik_floor_with_high_precision(city):
    both, result = city
    floor = cross_source_accuracy(
        exact_nik_pairs(both).with_columns(pl.lit("cross_source").alias("kind"), pl.lit(1.0).alias("probability")), both
    )
    found = cross_source_accuracy(result.pairs, both, threshold=0.99)
    assert floor["recall_nik_differs"] == 0 and floor["recall"] < 0.97
    assert found["precision"] >= 0.98 and found["recall"] >= 0.95 and found["recall_nik_differs"] >= 0.95
    weights = result.pairs.filter(pl.col("method") == "probabilistic")["weights"].head(1).str.json_decode()
    assert set(weights.struct.fields) == {
        "nik",
        "nama",
        "tanggal_lahir",
        "jenis_kelamin",
        "alamat",
        "hubungan",
        "no_kk",
    }
    total = result.pairs.head(1)
    assert total["probability"][0] == pytest.approx(2 ** total["match_weight"][0] / (1 + 2 ** total["match_weight"][0]))


def test_families_link_by_their_members_even_with_a_new_no_kk(city):
    both, result = city
    families = family_pairs(result.pairs, both, 0.5)
    truth = both.group_by("source", "family_id").agg(pl.col("truth").first())
    left, right = (truth.filter(pl.col("source") == s).drop("source") for s in ("dtsen", "p3ke"))
    expected = left.join(right, on="truth", suffix="_r").height
    assert families.height >= 0.95 * expected and (families["share"] >= 0.5).all()
    kk = both.group_by("family_id").agg(pl.col("no_kk").first())
    changed = (
        families.join(kk.rename({"family_id": "left_family", "no_kk": "a"}), on="left_family")
        .join(kk.rename({"family_id": "right_family", "no_kk": "b"}), on="right_family")
        .filter(pl.col("a") != pl.col("b"))
    )
    assert changed.height > 0  # split families (new No KK) are still found


def test_a_stored_model_scores_without_training_and_gives_the_same_pairs(city):
    both, result = city
    again = link_persons(both, model=result.model)
    assert again.stats["seconds"]["train"] < result.stats["seconds"]["train"]
    assert again.pairs.sort("left_id", "right_id")["probability"].to_list() == pytest.approx(
        result.pairs.sort("left_id", "right_id")["probability"].to_list()
    )


def test_prepare_keeps_one_row_per_record_and_drops_bad_niks():
    frame = pl.DataFrame(
        {"record_id": [1, 2], "source": ["p3ke", "dtsen"], "nik": ["12345", "1274010101900001"], "nama": ["A", "B"]}
    )
    out = prepare(frame)
    assert out["unique_id"].to_list() == [1, 2] and out["nik"].to_list() == [None, "1274010101900001"]


def test_duplicates_within_one_source_are_found_with_a_stored_model(city):
    both, result = city
    p3ke = both.filter(pl.col("source") == "p3ke")
    copies = (
        both.filter(pl.col("source") == "dtsen")
        .head(40)
        .with_columns(pl.lit("p3ke").alias("source"), pl.col("record_id") + 10**7)
    )
    found = link_persons(pl.concat([p3ke, copies]), model=result.model).pairs
    duplicates = found.filter((pl.col("kind") == "duplicate") & (pl.col("probability") >= 0.99))
    truth = pl.concat([p3ke, copies]).select("record_id", "truth")
    same = (
        duplicates.join(truth.rename({"record_id": "left_id", "truth": "a"}), on="left_id")
        .join(truth.rename({"record_id": "right_id", "truth": "b"}), on="right_id")
        .filter(pl.col("a") == pl.col("b"))
    )
    assert (
        same.height >= 38 and same.height >= 0.9 * duplicates.height
    )  # the rest: twins (same birth date and KK), see docs
    assert set(found["left_source"].unique()) == {"p3ke"}


def test_realisasi_rows_without_nik_find_their_person_by_name_birth_date_and_kelurahan(city):
    from tepat.engine.linkage.evaluate import recipient_accuracy
    from tepat.engine.linkage.recipients import link_recipients

    both, result = city
    p3ke, dtsen = (both.filter(pl.col("source") == s) for s in ("p3ke", "dtsen"))
    rows = dtsen.sample(150, seed=2).select("record_id", "nama", "tanggal_lahir", "kelurahan", "truth")
    recipients = rows.with_columns(-pl.col("record_id"))
    pairs = link_recipients(recipients, p3ke, model=result.model, keep=0.5)
    assert set(pairs["kind"]) == {"realisasi"} and (pairs["left_id"] < 0).all()
    found = recipient_accuracy(pairs, recipients, p3ke, 0.5)
    assert found["precision"] >= 0.95 and found["recall"] >= 0.9, found
