"""Hypothesis strategies for well-typed rule trees over the fields of tests/engine/data.py."""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

from tepat.engine.rules.nodes import Aggregate, And, Compare, InList, Literal, Node, Not, Or
from tepat.engine.rules.nodes import Field as F
from tepat.engine.rules.parser import parse_tree
from tepat.engine.rules.schema import FAMILY, MEMBER, default_schema
from tests.engine.data import KELURAHAN, PARTISIPASI

ALL_OPS = ("==", "!=", "<", "<=", ">", ">=")
EQUALITY = ("==", "!=")
SNIPPET_NAMES = {
    FAMILY: ("lantai_tanah", "dinding_tidak_layak", "air_tidak_layak", "rumah_tidak_layak"),
    MEMBER: ("balita", "usia_sekolah", "usia_kerja", "lansia"),
}

whole = st.integers(-2, 6)
numbers: dict[str, dict[str, st.SearchStrategy]] = {
    FAMILY: {
        "desil": whole,
        "desil_nasional": whole,
        "jumlah_anggota": st.integers(0, 5),
        "luas_lantai": st.sampled_from([12.5, 20, 20.0, 30.25, 36, 50.5]),
    },
    MEMBER: {"umur": st.integers(-1, 90) | st.sampled_from([4.5, 5.0, 17.5, 18.0, 59.99, 60.01])},
}
odd_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=6)


def _domain(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(default_schema().get(name).domain)


texts: dict[str, dict[str, st.SearchStrategy[str]]] = {
    FAMILY: {
        "jenis_lantai": _domain("jenis_lantai"),
        "jenis_dinding": _domain("jenis_dinding"),
        "sumber_air_minum": _domain("sumber_air_minum"),
        "penerima_pkh": _domain("penerima_pkh"),
        "kelurahan": st.sampled_from((*KELURAHAN, "12.74.02.1001")),
        "kecamatan": st.sampled_from([code[:8] for code in KELURAHAN]),
    },
    MEMBER: {
        "jenis_kelamin": _domain("jenis_kelamin"),
        "pendidikan": _domain("pendidikan"),
        "partisipasi_sekolah": st.sampled_from(PARTISIPASI) | odd_text,
        "pekerjaan": st.sampled_from(("BURUH HARIAN LEPAS", "buruh harian  lepas", "Pedagang", " PEDAGANG")) | odd_text,
    },
}
FIELD_PAIRS = {
    FAMILY: [("desil", "desil_nasional"), ("jumlah_anggota", "desil"), ("jenis_lantai", "jenis_dinding")],
    MEMBER: [("umur", "umur"), ("pendidikan", "pendidikan")],
}


def _maybe_flipped(op: str, field: Node, value: Node) -> st.SearchStrategy[Compare]:
    return st.sampled_from([Compare(op, field, value), Compare(op, value, field)])


@st.composite
def number_comparison(draw, level: str) -> Compare:
    name = draw(st.sampled_from(sorted(numbers[level])))
    value = Literal(draw(numbers[level][name]), "number")
    return draw(_maybe_flipped(draw(st.sampled_from(ALL_OPS)), F(name), value))


@st.composite
def text_comparison(draw, level: str) -> Compare:
    name = draw(st.sampled_from(sorted(texts[level])))
    value = Literal(draw(texts[level][name]), "text")
    return draw(_maybe_flipped(draw(st.sampled_from(EQUALITY)), F(name), value))


@st.composite
def field_pair(draw, level: str) -> Compare:
    left, right = draw(st.sampled_from(FIELD_PAIRS[level]))
    numeric = left in numbers[level]
    return Compare(draw(st.sampled_from(ALL_OPS if numeric else EQUALITY)), F(left), F(right))


@st.composite
def in_list(draw, level: str) -> InList:
    pool = {
        **{n: (s, "number") for n, s in numbers[level].items()},
        **{n: (s, "text") for n, s in texts[level].items()},
    }
    name = draw(st.sampled_from(sorted(pool)))
    values, kind = pool[name]
    items = draw(st.lists(values, min_size=1, max_size=3))
    return InList(F(name), tuple(Literal(v, kind) for v in items), draw(st.booleans()))


booleans = st.builds(Literal, st.booleans(), st.just("bool"))


def snippet(level: str) -> st.SearchStrategy[Node]:
    return st.sampled_from([parse_tree(name) for name in SNIPPET_NAMES[level]])


@cache
def condition(level: str, depth: int) -> st.SearchStrategy[Node]:
    """A well-typed condition of `level` nested at most `depth` deep."""
    leaves = [
        number_comparison(level),
        text_comparison(level),
        field_pair(level),
        in_list(level),
        snippet(level),
        booleans,
    ]
    if level == FAMILY and depth > 0:
        member = condition(MEMBER, depth - 1)
        leaves += [
            st.builds(Aggregate, st.sampled_from(["any", "all"]), member),
            st.builds(
                lambda c, op, k: Compare(op, Aggregate("count", c), Literal(k, "number")),
                member,
                st.sampled_from(ALL_OPS),
                st.integers(0, 3),
            ),
        ]
    if depth == 0:
        return st.one_of(leaves)
    sub = condition(level, depth - 1)
    compounds = [
        st.builds(Not, sub),
        st.builds(And, st.lists(sub, min_size=2, max_size=3).map(tuple)),
        st.builds(Or, st.lists(sub, min_size=2, max_size=3).map(tuple)),
        st.builds(Compare, st.sampled_from(EQUALITY), sub, sub | booleans),
        st.builds(lambda c, v: InList(c, (Literal(v, "bool"),)), sub, st.booleans()),
    ]
    return st.one_of(*leaves, *compounds)


def rules(depth: int = 3) -> st.SearchStrategy[Node]:
    return condition(FAMILY, depth)
