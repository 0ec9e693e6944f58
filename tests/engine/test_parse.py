"""The language: keywords in both languages, literals, precedence, snippets, rendering."""

from __future__ import annotations

import pytest

from tepat.engine.rules import SNIPPETS, check, default_schema, parse, render
from tepat.engine.rules.nodes import Aggregate, And, Compare, Field, InList, Literal, Not, Or, Snippet
from tepat.engine.rules.tokens import tokenize


def tree(text: str):
    return parse(text).root


def test_indonesian_and_english_keywords_give_the_same_tree() -> None:
    assert tree("lantai_tanah dan bukan air_tidak_layak atau desil == 1") == tree(
        "lantai_tanah AND NOT air_tidak_layak or desil == 1"
    )


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    root = tree("not lantai_tanah and air_tidak_layak or desil == 1")
    assert isinstance(root, Or)
    first = root.items[0]
    assert isinstance(first, And) and isinstance(first.items[0], Not)


def test_literals() -> None:
    root = tree("luas_lantai >= -2.5 and desil in [1, 2,] and penerima_pkh == 'Ya' and true")
    assert isinstance(root, And)
    assert root.items[0] == Compare(">=", Field("luas_lantai"), Literal(-2.5, "number"))
    assert root.items[1] == InList(Field("desil"), (Literal(1, "number"), Literal(2, "number")))
    assert root.items[2] == Compare("==", Field("penerima_pkh"), Literal("Ya", "text"))
    assert root.items[3] == Literal(True, "bool")


def test_true_and_one_are_different_literals() -> None:
    assert Literal(1, "number") != Literal(True, "bool")


def test_escaped_quotes_in_text() -> None:
    (token, _) = tokenize(r'"a \"b\" \\ c"')
    assert token.value == 'a "b" \\ c'


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("any_member", "ada_anggota"),
        ("all_members", "semua_anggota"),
        ("count_members", "jumlah_anggota_yang"),
    ],
)
def test_english_aggregate_aliases(alias: str, canonical: str) -> None:
    suffix = " >= 1" if canonical == "jumlah_anggota_yang" else ""
    assert tree(f"{alias}(umur < 5){suffix}") == tree(f"{canonical}(umur < 5){suffix}")


def test_not_in() -> None:
    assert tree("desil not in [1]") == InList(Field("desil"), (Literal(1, "number"),), negated=True)
    assert tree("desil bukan in [1]") == tree("desil not in [1]")


def test_snippets_are_expanded_at_parse_time() -> None:
    root = tree("lantai_tanah")
    assert root == Snippet("lantai_tanah", Compare("==", Field("jenis_lantai"), Literal("Tanah", "text")))
    nested = tree("rumah_tidak_layak")
    assert isinstance(nested, Snippet) and isinstance(nested.body, Or)
    assert [item.name for item in nested.body.items] == ["lantai_tanah", "dinding_tidak_layak", "atap_tidak_layak"]


def test_member_snippets_inside_aggregates() -> None:
    root = tree("ada_anggota(balita)")
    assert root == Aggregate("any", Snippet("balita", Compare("<", Field("umur"), Literal(5, "number"))))


def test_every_snippet_checks_and_names_no_field() -> None:
    schema = default_schema()
    for name in SNIPPETS:
        assert schema.get(name) is None, name
        result = check(name)
        if not result.ok and result.errors[0].code == "member_field_outside_aggregate":
            result = check(f"ada_anggota({name})")
        assert result.ok, (name, result.errors)


def test_conditions_are_labelled_by_their_source_text() -> None:
    rule = parse("desil  <= 2 dan\n (lantai_tanah atau air_tidak_layak) dan desil <= 2")
    assert [label for label, _ in rule.conditions()] == [
        "desil <= 2",
        "(lantai_tanah atau air_tidak_layak)",
        "desil <= 2 (2)",
    ]
    assert rule.junction == "and"
    assert parse("lantai_tanah or air_tidak_layak").junction == "or"


@pytest.mark.parametrize(
    "text",
    [
        'desil <= 2 and ada_anggota(umur >= 7 and umur <= 18 and partisipasi_sekolah == "Tidak Sekolah")',
        "(lantai_tanah or air_tidak_layak) and (desil == 1 or desil == 2)",
        "not (lantai_tanah and air_tidak_layak)",
        "(desil <= 2) == (desil_nasional <= 2)",
        "jumlah_anggota_yang(lansia) >= 2 or semua_anggota(umur >= 60)",
        "luas_lantai < 0.00001",
        r'ada_anggota(nama == "A \"B\" \\ C")',
    ],
)
def test_render_then_parse_gives_the_same_tree(text: str) -> None:
    root = tree(text)
    assert tree(render(root)) == root
