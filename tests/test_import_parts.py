"""The shaped chunks of an import as a stream between the checking thread and the writing one (importer.parts):
read in the order added, each as soon as it is there; the checks' error after the parts added before it; and
closing stops the checks and removes the spilled files."""

from __future__ import annotations

import contextlib
import tempfile
import threading

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tepat.registry.importer.parts import Closed, Parts


def chunk(number: int, rows: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    families = pl.DataFrame({"source_key": [f"F{number}-{n}" for n in range(rows)]})
    members = pl.DataFrame({"source_key": [f"M{number}-{n}" for n in range(rows * 2)], "chunk": [number] * rows * 2})
    return families, members


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(0, 5), max_size=6), fails_at=st.none() | st.integers(0, 6), spill=st.booleans())
def test_the_parts_come_in_order_then_the_checks_error(sizes, fails_at, spill):
    parts = Parts(spill=spill, expected=len(sizes))

    def fill(into: Parts) -> None:
        for number, rows in enumerate(sizes):
            if number == fails_at:
                raise ValueError(f"chunk {number}")
            into.add(*chunk(number, rows))

    parts.produce(fill)
    seen = []
    failing = fails_at is not None and fails_at < len(sizes)
    try:
        with pytest.raises(ValueError, match=f"chunk {fails_at}") if failing else contextlib.nullcontext():
            for families, members in parts:
                seen.append((families.height, members.height))
                assert members["chunk"].to_list() == [len(seen) - 1] * members.height
        kept = sizes[:fails_at] if failing else sizes
        assert seen == [(rows, rows * 2) for rows in kept]
        assert parts.heights == {"families": sum(kept), "members": 2 * sum(kept)}
        if not failing:
            assert len(parts) == len(sizes) and [f.height for f, _ in parts] == sizes  # read again, as a held import
    finally:
        parts.close()


def test_a_part_is_read_while_the_next_is_still_being_made():
    parts, second = Parts(spill=True, expected=2), threading.Event()

    def fill(into: Parts) -> None:
        into.add(*chunk(0, 2))
        assert second.wait(timeout=30), "the first part was not read before the second was made"
        into.add(*chunk(1, 3))

    parts.produce(fill)
    heights = []
    for families, _ in parts:
        heights.append(families.height)
        second.set()
    parts.close()
    assert heights == [2, 3]


def test_closing_stops_the_checks_and_removes_the_spill(tmp_path, monkeypatch):
    """Checks that would never end on their own (a part after a part): closing stops them at their next part."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    parts, stopped = Parts(spill=True, expected=2), []

    def fill(into: Parts) -> None:
        number = 0
        try:
            while True:
                into.add(*chunk(number, 1))
                number += 1
        except Closed:
            stopped.append(number)
            raise

    parts.produce(fill)
    assert next(iter(parts))[0].height == 1
    closing = threading.Thread(target=parts.close)
    closing.start()
    closing.join(timeout=30)
    assert not closing.is_alive() and stopped
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(Closed):
        parts.add(*chunk(0, 1))
