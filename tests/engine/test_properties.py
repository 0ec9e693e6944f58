"""Property-based: random well-typed rules give the same result on polars (eager and lazy), DuckDB
and the plain Python reference evaluator; rendering round-trips; garbage never crashes the parser."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tepat.engine.rules import RuleError, check, evaluate, parse, render
from tepat.engine.rules.nodes import Node
from tests.engine.data import REFERENCE_DATES, Dataset, make_dataset, result_rows
from tests.engine.reference import reference_rows
from tests.engine.strategies import rules

SIZES = ((1, 30, 90), (2, 60, 240), (3, 6, 10))


@dataclass
class Prepared:
    data: Dataset
    family_rows: list[dict[str, Any]]
    member_rows: list[dict[str, Any]]


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> list[Prepared]:
    import duckdb

    connection = duckdb.connect()
    folder = tmp_path_factory.mktemp("datasets")
    prepared = []
    for seed, families, members in SIZES:
        data = make_dataset(seed, families, members, folder, connection)
        prepared.append(Prepared(data, data.families.to_dicts(), data.members.to_dicts()))
    return prepared


def all_backends(rule, prepared: Prepared, reference: date) -> dict[str, list[tuple[Any, ...]]]:
    data = prepared.data
    return {
        "polars": result_rows(evaluate(rule, data.families, data.members, reference)),
        "polars-lazy": result_rows(evaluate(rule, data.families.lazy(), data.members.lazy(), reference)),
        "duckdb": result_rows(evaluate(rule, data.duck_families, data.duck_members, reference)),
    }


common = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@common
@given(root=rules(), which=st.integers(0, len(SIZES) - 1), reference=st.sampled_from(REFERENCE_DATES))
def test_backends_agree_with_the_reference_evaluator(
    datasets: list[Prepared], root: Node, which: int, reference: date
) -> None:
    rule = parse(render(root))
    prepared = datasets[which]
    expected = reference_rows(rule, prepared.family_rows, prepared.member_rows, reference)
    for backend, rows in all_backends(rule, prepared, reference).items():
        assert rows == expected, backend


@common
@given(root=rules())
def test_render_then_parse_round_trips(root: Node) -> None:
    result = check(render(root))
    assert result.ok, result.errors
    assert result.ast == root


VOCABULARY = [
    "desil",
    "desl",
    "jenis_lantai",
    "umur",
    "kecamatan",
    "jumlah_anggota",
    "lantai_tanah",
    "balita",
    "ada_anggota",
    "semua_anggota",
    "jumlah_anggota_yang",
    "count_members",
    "foo",
    "and",
    "dan",
    "or",
    "atau",
    "not",
    "bukan",
    "in",
    "true",
    "false",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "(",
    ")",
    "[",
    "]",
    ",",
    "1",
    "2.5",
    "-3",
    "1.2.3",
    '"Tanah"',
    '"Tanh"',
    "'Ya'",
    '"',
    "'",
    "\\",
    "&",
    "é",
    "\n",
]


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=120) | st.lists(st.sampled_from(VOCABULARY), max_size=25).map(" ".join))
def test_garbage_raises_nothing_but_rule_error(datasets: list[Prepared], text: str) -> None:
    result = check(text)
    assert result.ok == (not result.errors)
    try:
        rule = parse(text)
    except RuleError as error:
        assert error.issues and all(0 <= issue.offset <= len(text) for issue in error.issues)
        return
    prepared = datasets[0]
    reference = REFERENCE_DATES[0]
    expected = reference_rows(rule, prepared.family_rows, prepared.member_rows, reference)
    assert all(rows == expected for rows in all_backends(rule, prepared, reference).values())
