"""Disclosure control: no hidden cell of a release can be computed to fewer than 5 values from
everything published (the LP audit), checked against independent audits; the issue's two examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tepat.engine.disclosure import (
    SMALL_CELL,
    DisclosureRisk,
    LinkedTables,
    audit,
    checked,
    line_rule,
    protect,
    released,
    suppress,
    table,
)
from tests.disclosure_check import enumerated_counts, linprog_failures, linprog_ranges

ISSUE_TABLE = [[6, 8, 10, 9], [3, 7, 3, 3], [6, 5, 8, 7], [12, 5, 6, 5]]
small_values = st.one_of(st.integers(0, 4), st.integers(5, 30))
tables = st.integers(1, 5).flatmap(
    lambda w: st.lists(st.lists(small_values, min_size=w, max_size=w), min_size=1, max_size=5)
)
common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def shown_grid(result):
    rows = [list(cells) + [total] for cells, total in zip(result.cells, result.row_totals)]
    return rows + [list(result.column_totals) + [result.total]]


def hidden_of(tables_: LinkedTables, result) -> set[int]:
    grid, height = shown_grid(result), len(result.cells)
    keys = {
        (r if r < height else "total", c if c < len(grid[0]) - 1 else "total"): grid[r][c]
        for r in range(len(grid))
        for c in range(len(grid[0]))
    }
    return {tables_.index[key] for key, value in keys.items() if value is None}


def test_the_issue_table_hides_every_small_count_and_none_can_be_computed():
    result = suppress(ISSUE_TABLE)
    assert all(result.cells[r][c] is None for r, row in enumerate(ISSUE_TABLE) for c, v in enumerate(row) if 0 < v < 5)
    tables_ = table(ISSUE_TABLE)
    hidden = hidden_of(tables_, result)
    assert not linprog_failures(tables_.values, tables_.equations, hidden)
    assert result.cells[1][1] is None or result.row_totals[1] is not None  # something is still published
    assert sum(v is not None for row in shown_grid(result) for v in row) >= 9


def test_the_old_line_rule_gives_back_the_issue_cell_and_the_audit_refuses_it():
    tables_ = table(ISSUE_TABLE)
    old = line_rule(tables_)
    cell = tables_.index[(1, 0)]  # x10 = 3
    assert cell in old.hidden and not old.audit.passed
    interval = next(i for i in old.audit.intervals if i.cell == cell)
    assert interval.low == pytest.approx(3) and interval.high == pytest.approx(3)  # computed exactly
    assert cell in linprog_failures(tables_.values, tables_.equations, set(old.hidden))  # the independent audit agrees
    with pytest.raises(DisclosureRisk, match="audit failed"):
        checked(tables_, set(old.hidden))
    with pytest.raises(DisclosureRisk):
        released(tables_, protector=line_rule)


def test_a_table_without_small_counts_is_shown_whole():
    result = suppress([[10, 20], [30, 0]])
    assert result.cells == [[10, 20], [30, 0]] and result.total == 60 and result.row_totals == [30, 30]


@common
@given(tables)
def test_random_tables_pass_the_independent_audit(cells):
    result = suppress(cells)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if 0 < value < SMALL_CELL:
                assert result.cells[r][c] is None
    tables_ = table(cells)
    assert not linprog_failures(tables_.values, tables_.equations, hidden_of(tables_, result))


def hierarchy(draw_counts: list[list[list[int]]]) -> LinkedTables:
    """city > kecamatan > kelurahan, each region a row of categories with its total; built here, apart from release.py."""
    tables_ = LinkedTables()
    width = len(draw_counts[0][0])
    for k, kecamatan in enumerate(draw_counts):
        for j, row in enumerate(kecamatan):
            for c, value in enumerate(row):
                tables_.cell(("kel", k, j, c), value)
            tables_.cell(("kel", k, j, "t"), sum(row), weight=2)
            tables_.sum(("kel", k, j, "t"), [("kel", k, j, c) for c in range(width)])
        for c in [*range(width), "t"]:
            tables_.cell(
                ("kec", k, c),
                sum(tables_.values[tables_.index[("kel", k, j, c)]] for j in range(len(kecamatan))),
                weight=3,
            )
            tables_.sum(("kec", k, c), [("kel", k, j, c) for j in range(len(kecamatan))])
        tables_.sum(("kec", k, "t"), [("kec", k, c) for c in range(width)])
    for c in [*range(width), "t"]:
        tables_.cell(
            ("kota", c), sum(tables_.values[tables_.index[("kec", k, c)]] for k in range(len(draw_counts))), weight=9
        )
        tables_.sum(("kota", c), [("kec", k, c) for k in range(len(draw_counts))])
    tables_.sum(("kota", "t"), [("kota", c) for c in range(width)])
    return tables_


hierarchies = st.integers(1, 4).flatmap(
    lambda w: st.lists(
        st.lists(st.lists(small_values, min_size=w, max_size=w), min_size=1, max_size=4), min_size=1, max_size=3
    )
)


@common
@given(hierarchies)
def test_random_hierarchies_pass_the_independent_audit(counts):
    tables_ = hierarchy(counts)
    result = protect(tables_)
    assert result.audit.passed and tables_.primary() <= result.hidden
    assert not linprog_failures(tables_.values, tables_.equations, set(result.hidden))


@common
@given(hierarchies, st.data())
def test_the_audit_matches_linprog_on_any_pattern(counts, data):
    tables_ = hierarchy(counts)
    hidden = set(data.draw(st.sets(st.sampled_from(range(len(tables_.values))), max_size=12)))
    exact = {i.cell: (i.low, i.high) for i in audit(tables_, hidden, exact=True).intervals}
    for cell, (low, high) in linprog_ranges(tables_.values, tables_.equations, hidden).items():
        assert exact[cell][0] == pytest.approx(low, abs=1e-6)
        assert exact[cell][1] == pytest.approx(high, abs=1e-6) if not math.isinf(high) else math.isinf(exact[cell][1])
    assert audit(tables_, hidden).passed == audit(tables_, hidden, exact=True).passed  # the shortcut decides the same


tiny = st.integers(2, 3).flatmap(
    lambda w: st.lists(st.lists(st.integers(0, 6), min_size=w, max_size=w), min_size=2, max_size=2)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny, st.data())
def test_the_audit_counts_the_values_an_enumeration_finds(cells, data):
    tables_ = table(cells)
    hidden = set(data.draw(st.sets(st.sampled_from(range(len(tables_.values))), max_size=6)))
    cap = sum(map(sum, cells)) + SMALL_CELL
    counted = enumerated_counts(tables_.values, tables_.equations, hidden, cap)
    for interval in audit(tables_, hidden, exact=True).intervals:
        assert min(interval.possible, SMALL_CELL) == min(counted[interval.cell], SMALL_CELL)


def test_frozen_cells_stay_shown_and_start_cells_stay_hidden():
    tables_ = table(ISSUE_TABLE)
    first = protect(tables_)
    shown = frozenset(range(len(tables_.values))) - first.hidden
    again = protect(tables_, start=first.hidden, frozen=shown)
    assert again.hidden == first.hidden and again.audit.passed


def test_a_threshold_below_two_hides_nothing():
    assert suppress(ISSUE_TABLE, threshold=0).cells == ISSUE_TABLE


def test_inconsistent_sums_are_refused():
    tables_ = LinkedTables()
    tables_.cell("a", 2)
    tables_.cell("t", 3)
    with pytest.raises(ValueError, match="parts sum to 2"):
        tables_.sum("t", ["a"])
