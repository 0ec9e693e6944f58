"""The one deprivation catalogue: its data agrees with the rules and the import profiles, every reader uses
it, and each deprivation is right on hand-made families (one that has it, one that does not, the edges)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tepat.engine.rules import default_schema, parse
from tepat.engine.rules.nodes import Field, walk
from tepat.engine import deprivations
from tepat.engine.deprivations import catalogue
from tepat.indicators import registry

TODAY = date(2026, 6, 30)
FAMILY_FIELDS = sorted({f for d in catalogue().values() for f in d.fields})
MEMBER_FIELDS = sorted({f for d in catalogue().values() for f in d.member_fields})


def born(age: int) -> date:
    """A birth date giving `age` whole years on TODAY."""
    return date(TODAY.year - age, 1, 15)


def adult(works: str = "Ya", school: str = "Tidak bersekolah lagi", age: int = 35, active: bool = True) -> dict:
    return {"age": age, "status_bekerja": works, "partisipasi_sekolah": school, "is_active": active}


def child(school: str = "Masih sekolah", age: int = 10, active: bool = True, works: str = "Tidak") -> dict:
    return {"age": age, "status_bekerja": works, "partisipasi_sekolah": school, "is_active": active}


# (deprivation, case, family fields, members, expected: True deprived / False not / None unknown)
CASES = [
    ("perumahan", "earth floor", {"jenis_lantai": "Tanah"}, [adult()], True),
    ("perumahan", "bamboo roof only", {"jenis_lantai": "Semen", "jenis_atap": "Bambu"}, [adult()], True),
    (
        "perumahan",
        "sound house",
        {"jenis_lantai": "Semen", "jenis_dinding": "Tembok", "jenis_atap": "Genteng"},
        [adult()],
        False,
    ),
    ("perumahan", "nothing recorded", {}, [adult()], None),
    ("air", "rainwater", {"sumber_air_minum": "Air Hujan"}, [adult()], True),
    ("air", "bored well", {"sumber_air_minum": "Sumur Bor"}, [adult()], False),
    ("sanitasi", "shared toilet", {"fasilitas_bab": "Umum/Bersama"}, [adult()], True),
    ("sanitasi", "own toilet", {"fasilitas_bab": "Milik Sendiri"}, [adult()], False),
    (
        "energi",
        "PLN but cooks with wood",
        {"sumber_penerangan": "Listrik PLN meteran", "bahan_bakar_memasak": "Arang/Kayu"},
        [adult()],
        True,
    ),
    (
        "energi",
        "no PLN, gas",
        {"sumber_penerangan": "Listrik non-PLN", "bahan_bakar_memasak": "Listrik/Gas"},
        [adult()],
        True,
    ),
    (
        "energi",
        "PLN and gas",
        {"sumber_penerangan": "Listrik PLN meteran", "bahan_bakar_memasak": "Listrik/Gas"},
        [adult()],
        False,
    ),
    ("pendidikan", "a child out of school", {}, [adult(), child("Tidak bersekolah lagi")], True),
    ("pendidikan", "a child never at school", {}, [adult(), child("Tidak/belum pernah sekolah", age=7)], True),
    (
        "pendidikan",
        "18-year-old out of school (upper edge)",
        {},
        [adult(), child("Tidak bersekolah lagi", age=18)],
        True,
    ),
    ("pendidikan", "every child at school", {}, [adult(), child(), child(age=16)], False),
    ("pendidikan", "no school-age member: adults out of school", {}, [adult(), adult(age=60)], False),
    (
        "pendidikan",
        "19-year-old out of school (past the age)",
        {},
        [adult(), child("Tidak bersekolah lagi", age=19)],
        False,
    ),
    ("pendidikan", "6-year-old not yet at school", {}, [adult(), child("Tidak/belum pernah sekolah", age=6)], False),
    (
        "pendidikan",
        "the child out of school has left the family",
        {},
        [adult(), child("Tidak bersekolah lagi", active=False)],
        False,
    ),
    ("pendidikan", "attainment only (P3KE): unknown", {}, [adult(school=""), child(school="")], None),
    ("pekerjaan", "no working-age member works", {}, [adult("Tidak"), adult("Tidak", age=50)], True),
    ("pekerjaan", "one works, one does not", {}, [adult("Ya"), adult("Tidak", age=25)], False),
    ("pekerjaan", "only the 60-year-old works", {}, [adult("Tidak"), adult("Ya", age=60)], True),
    ("pekerjaan", "no working-age member at all", {}, [adult("Tidak", age=70), child()], False),
    ("pekerjaan", "status written in capitals", {}, [adult("YA")], False),
    ("pekerjaan", "work status not recorded (P3KE): unknown", {}, [adult(""), child(works="")], None),
    ("stunting", "at risk", {"resiko_stunting": "Beresiko Stunting"}, [adult()], True),
    ("stunting", "not at risk", {"resiko_stunting": "Tidak Beresiko Stunting"}, [adult()], False),
    ("jaminan_kesehatan", "no PBI", {"penerima_pbi": "Tidak"}, [adult()], True),
    ("jaminan_kesehatan", "PBI", {"penerima_pbi": "Ya"}, [adult()], False),
    ("jaminan_kesehatan", "not recorded (P3KE)", {}, [adult()], None),
]


def frames(cases: list[tuple]) -> tuple[pl.DataFrame, pl.DataFrame]:
    families, members = [], []
    for number, (_, _, fields, people, _) in enumerate(cases, start=1):
        families.append(
            {
                "family_id": number,
                "kecamatan": "12.09.01",
                "kelurahan": "12.09.01.2001",
                "desil": 1,
                **dict.fromkeys(FAMILY_FIELDS),
                **fields,
            }
        )
        for person in people:
            row = {"family_id": number, "tanggal_lahir": born(person["age"]), "is_active": person["is_active"]}
            members.append({**row, **{f: person[f] or None for f in MEMBER_FIELDS}})
    family_schema = {"family_id": pl.Int64, "kecamatan": pl.String, "kelurahan": pl.String, "desil": pl.Int64}
    family_schema |= dict.fromkeys(FAMILY_FIELDS, pl.String)
    member_schema = {"family_id": pl.Int64, "tanggal_lahir": pl.Date, "is_active": pl.Boolean}
    member_schema |= dict.fromkeys(MEMBER_FIELDS, pl.String)
    return pl.DataFrame(families, schema=family_schema), pl.DataFrame(members, schema=member_schema)


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return registry.family_table(*frames(CASES), TODAY)


@pytest.mark.parametrize(
    "number, case", [(n, c) for n, c in enumerate(CASES, start=1)], ids=[f"{c[0]}: {c[1]}" for c in CASES]
)
def test_each_deprivation_on_hand_made_families(table, number, case):
    key, _, _, _, expected = case
    assert table.filter(pl.col("family_id") == number)[key].item() is expected


def test_every_deprivation_has_a_family_with_it_and_one_without():
    for key in catalogue():
        outcomes = {case[4] for case in CASES if case[0] == key}
        assert {True, False} <= outcomes, key


def _fields_read(rule: str) -> tuple[set[str], set[str]]:
    schema = default_schema()
    names = {n.name for n in walk(parse(rule).root) if isinstance(n, Field) and not schema.get(n.name).derived}
    return {n for n in names if schema.get(n).level == "family"}, {n for n in names if schema.get(n).level == "member"}


def test_the_catalogue_lists_the_fields_its_rules_read_and_the_layouts_that_carry_them():
    from tepat.programs.rule_help import field_sources

    sources = field_sources()
    for d in catalogue().values():
        family, member = _fields_read(d.rule)
        assert (set(d.fields), set(d.member_fields)) == (family, member), d.key
        carried = set.intersection(*(set(sources.get(f, ())) for f in family | member))
        assert set(d.layouts) == carried, d.key


def test_labels_are_the_translations_the_pages_show():
    from django.utils import translation

    with translation.override("en"):
        for d in catalogue().values():
            assert translation.gettext(d.label.id) == d.label.en, d.key


def test_indicators_alkire_foster_and_allocation_read_the_catalogue():
    from tepat.engine import allocation as al
    from tepat.programs.allocation import deprivation_rules

    assert {k: d.rule for k, d in registry.dimensions().items()} == {k: d.rule for k, d in catalogue().items()}
    assert set(registry.af_defaults()["indicators"]) <= set(catalogue())
    rules = deprivation_rules()
    assert set(rules) == {"rumah", "air", "sanitasi", "energi", "pendidikan", "pekerjaan"} <= set(al.DEPRIVATIONS)
    assert all(rules[name] == d.rule for name, d in deprivations.by_program_key().items() if name in rules)
    assert rules["rumah"] == catalogue()["perumahan"].rule


def test_the_rule_editor_lists_the_catalogue():
    from tepat.programs.rule_help import picker

    groups = picker(*frames(CASES[:1]))
    listed = {f["name"]: f["means"] for group in groups for f in group["fields"] if "means" in f}
    assert all(listed[f"deprivasi_{k}"] == d.rule for k, d in catalogue().items())
