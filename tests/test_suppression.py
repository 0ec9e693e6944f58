"""Small-cell suppression: no count under 5 is shown, and totals cannot give one back."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tepat.engine.suppression import suppress

tables = st.integers(1, 6).flatmap(lambda w: st.lists(st.lists(st.integers(0, 40), min_size=w, max_size=w), min_size=1, max_size=6))


def extended(result):
    rows = [list(cells) + [total] for cells, total in zip(result.cells, result.row_totals)]
    return rows + [list(result.column_totals) + [result.total]]


@given(tables)
def test_no_small_count_is_shown(cells):
    result = suppress(cells)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if 0 < value < 5:
                assert result.cells[r][c] is None


@given(tables)
def test_no_line_has_a_single_hidden_value(cells):
    shown = extended(suppress(cells))
    lines = shown + [list(column) for column in zip(*shown)]
    for line in lines:
        assert sum(value is None for value in line) != 1


def test_a_table_without_small_counts_is_shown_whole():
    result = suppress([[10, 20], [30, 0]])
    assert result.cells == [[10, 20], [30, 0]] and result.total == 60 and result.row_totals == [30, 30]


def test_one_small_count_hides_a_partner_in_its_row_and_column():
    result = suppress([[3, 20, 25], [15, 30, 40]])
    assert result.cells[0][0] is None and result.cells[0][1] is None  # smallest partner in the row
    assert result.cells[1][0] is None  # and in the column
