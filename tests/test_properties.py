"""Property-based tests for header and value normalisation, NIK parsing and the csv reader."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tepat.registry.importer.canonical import normalize_categories
from tepat.registry.importer.checks import identity_code, nik_date_parts
from tepat.registry.importer.context import stdnum_prefixes
from tepat.registry.importer.profiles import load_domains, load_profiles, normalize_header
from tepat.registry.importer.read import read_csv

PREFIXES = sorted(stdnum_prefixes() | {"1274"})
ALIASES = sorted(
    {(alias, canonical) for p in load_profiles().values() for canonical, names in p.columns.items() for alias in names}
)
TODAY = dt.date(2026, 11, 28)


def scramble(draw, text: str) -> str:
    """The same header as a person might type it: case, spaces, punctuation."""
    out = []
    for char in text:
        char = char.upper() if draw(st.booleans()) else char.lower()
        if char in "_ ":
            char = draw(st.sampled_from(["_", " ", "  ", "-", " _", "."]))
        out.append(char)
    return draw(st.sampled_from(["", " ", "\t"])) + "".join(out) + draw(st.sampled_from(["", " ", "  "]))


@given(st.data())
def test_header_spelling_drift_maps_to_the_same_canonical_field(data):
    alias, canonical = data.draw(st.sampled_from(ALIASES))
    profile = next(p for p in load_profiles().values() if canonical in p.columns and alias in p.columns[canonical])
    assert profile.aliases[normalize_header(scramble(data.draw, alias))] == canonical


@given(st.text())
def test_normalize_header_is_idempotent(text):
    once = normalize_header(text)
    assert normalize_header(once) == once
    assert set(once) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")


def nik_frame(values, sex=None):
    data = {"nik": values, "_numeric_nik": [False] * len(values)}
    if sex is not None:
        data["jenis_kelamin"] = sex
    return pl.DataFrame(data)


def code_of(nik: str, sex: str) -> str | None:
    frame = nik_frame([nik], [sex])
    return frame.select(identity_code("nik", frozenset(PREFIXES), "nik", TODAY, has_sex=True)).item()


births = st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY)


@given(st.sampled_from(PREFIXES), st.integers(1, 99), births, st.booleans(), st.integers(1, 9999))
def test_a_well_formed_nik_passes_and_gives_back_its_birth_date(prefix, kecamatan, born, female, serial):
    day = born.day + (40 if female else 0)
    nik = f"{prefix}{kecamatan:02d}{day:02d}{born:%m%y}{serial:04d}"
    assert code_of(nik, "Perempuan" if female else "Laki-laki") is None
    _, parsed = nik_date_parts(pl.col("nik"), TODAY)
    assert nik_frame([nik]).select(parsed).item() == born


@given(st.sampled_from(PREFIXES), births, st.integers(1, 9999), st.integers(-3, 3).filter(lambda d: d != 0))
def test_a_nik_of_the_wrong_length_is_reported_as_such(prefix, born, serial, delta):
    nik = f"{prefix}01{born:%d%m%y}{serial:04d}"
    nik = nik[: 16 + delta] if delta < 0 else nik + "7" * delta
    assert code_of(nik, "Laki-laki") == "nik_length"


@given(births, st.integers(1, 9999))
def test_a_womans_nik_without_the_plus_forty_is_a_sex_mismatch(born, serial):
    assert code_of(f"127401{born:%d%m%y}{serial:04d}", "Perempuan") == "nik_sex_mismatch"


@given(st.text(alphabet="0123456789E+,.e", min_size=1, max_size=20).filter(lambda t: not t.isdigit()))
def test_anything_but_digits_never_passes(text):
    assert code_of(text, "Laki-laki") is not None


@given(st.data())
def test_known_values_in_any_case_and_spacing_normalise_to_the_domain(data):
    domains, _ = load_domains()
    field = data.draw(st.sampled_from(sorted(domains)))
    value = data.draw(st.sampled_from(domains[field]))
    typed = "".join(c.upper() if data.draw(st.booleans()) else c.lower() for c in value)
    frame = normalize_categories(pl.DataFrame({field: [typed]}))
    assert frame[field][0] == value


cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"), max_size=30
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell), min_size=1, max_size=8), st.sampled_from([",", ";"]))
def test_the_csv_reader_keeps_every_cell_and_numbers_rows(tmp_path_factory, rows, delimiter):
    header = ["id_keluarga_p3ke", "nik", "nama"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["JUDUL"])
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    table = read_csv(path, list(load_profiles().values()))
    table.frame = table.frame.lazy().collect()
    kept = [(i, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    assert table.frame["_row"].to_list() == [i + 3 for i, _ in kept]
    for column, position in zip(header, range(3)):
        got = [v or "" for v in table.frame[column].to_list()]
        assert got == [r[position] for _, r in kept]


@given(st.lists(st.text(alphabet="0123456789", max_size=20), max_size=20))
def test_the_vectorised_mask_equals_the_scalar_one(values):
    from tepat.accounts.masking import mask, mask_expr

    masked = pl.DataFrame({"nik": values}, schema={"nik": pl.String}).select(mask_expr("nik"))["nik"].to_list()
    assert masked == [mask(v) for v in values]


def test_every_domain_value_survives_normalisation_in_upper_and_lower_case():
    domains, _ = load_domains()
    for field, values in domains.items():
        typed = [v.upper() for v in values] + [v.lower() for v in values] + list(values)
        frame = normalize_categories(pl.DataFrame({field: typed}))
        assert frame[field].to_list() == list(values) * 3, field
