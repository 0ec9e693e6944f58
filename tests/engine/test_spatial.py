"""Contiguity, hotspots and ranking (tepat.engine.spatial) on hand-checked grids, on every backend.

The grid used below (5 x 5 unit squares, code "ij" = column i, row j):

    row 4   1 1 1 1 1
    row 3   1 1 1 1 1
    row 2   1 1 1 1 1
    row 1   9 9 1 1 1
    row 0   9 9 1 1 1      <- a clear 2 x 2 pocket of high values in the south-west corner
"""

from __future__ import annotations

import narwhals.stable.v2 as nw
import polars as pl
import pytest
from shapely.geometry import box

from tepat.engine.spatial import Contiguity, Label, RegionValue, counts, flag_counts, hotspots, neighbours, rank, shares
from tests.engine.data import BACKENDS, Backends

GRID = {f"{i}{j}": box(i, j, i + 1, j + 1) for i in range(5) for j in range(5)}
POCKET = {"00", "01", "10", "11"}


def grid_values(high: float = 9.0, low: float = 1.0, jitter: bool = True) -> dict[str, float]:
    """The pocket high; elsewhere low, with a small deterministic wobble so values vary."""
    return {code: high if code in POCKET else low + (0.1 * (int(code) % 3) if jitter else 0) for code in GRID}


def test_queen_counts_corners_and_rook_does_not():
    queen, rook = neighbours(GRID, Contiguity.QUEEN), neighbours(GRID, Contiguity.ROOK)
    assert queen["00"] == ["01", "10", "11"] and rook["00"] == ["01", "10"]
    assert len(queen["22"]) == 8 and len(rook["22"]) == 4


def test_local_moran_finds_the_pocket_as_high_high():
    found = hotspots(grid_values(), neighbours(GRID), "moran")
    high = {code for code, spot in found.significant().items() if spot.label == Label.HH}
    assert high == POCKET
    assert all(spot.p < 0.05 and spot.statistic > 0 for code, spot in found.spots.items() if code in POCKET)
    assert not any(spot.label in (Label.HL, Label.LH) for spot in found.spots.values())


def test_getis_ord_finds_the_pocket_as_a_hot_spot():
    found = hotspots(grid_values(), neighbours(GRID), "getis")
    hot = {code for code, spot in found.spots.items() if spot.label in (Label.HOT_99, Label.HOT_95)}
    assert "00" in hot and hot <= POCKET | {"20", "21", "02", "12", "22"}
    assert found.spots["00"].statistic > 0 and found.spots["44"].label not in (Label.HOT_99, Label.HOT_95)


def test_rook_needs_shared_edges_so_the_inner_corner_loses_significance():
    found = hotspots(grid_values(), neighbours(GRID, Contiguity.ROOK), "moran", contiguity=Contiguity.ROOK)
    high = {code for code, spot in found.significant().items() if spot.label == Label.HH}
    assert {"00", "01", "10"} <= high <= POCKET


def test_a_high_value_ringed_by_the_lowest_is_high_low():
    ring = {"11", "12", "13", "21", "23", "31", "32", "33"}
    values = {code: 0.0 if code in ring else 5.0 + 0.1 * (int(code) % 3) for code in GRID}
    values["22"] = 20.0
    found = hotspots(values, neighbours(GRID), "moran")
    assert found.spots["22"].label == Label.HL


def test_results_repeat_with_the_fixed_seed():
    first = hotspots(grid_values(), neighbours(GRID), "moran")
    second = hotspots(grid_values(), neighbours(GRID), "moran")
    assert [s.p for s in first.spots.values()] == [s.p for s in second.spots.values()]


def test_islands_and_missing_values_take_no_part():
    polygons = {**GRID, "far": box(50, 50, 51, 51)}
    values = {**grid_values(), "far": 100.0, "44": None}
    found = hotspots(values, neighbours(polygons), "moran")
    assert found.spots["far"].label == Label.ISLAND and found.spots["44"].label == Label.NO_VALUE
    assert {c for c, s in found.significant().items() if s.label == Label.HH} == POCKET


def test_constant_values_or_too_few_regions_give_a_note_and_nothing_significant():
    flat = hotspots(grid_values(high=1.0, low=1.0, jitter=False), neighbours(GRID), "getis")
    assert flat.note and not flat.significant()
    few = {code: GRID[code] for code in ("00", "01", "10")}
    small = hotspots({"00": 1.0, "01": 2.0, "10": 3.0}, neighbours(few), "moran")
    assert small.note and "3" in small.note and not small.significant()


def test_unknown_method_raises():
    with pytest.raises(KeyError):
        hotspots(grid_values(), neighbours(GRID), "kriging")


FAMILIES = pl.DataFrame(
    {
        "family_id": list(range(1, 13)),
        "kelurahan": ["A"] * 6 + ["B"] * 4 + ["C"] * 2,
        "desil": [1, 1, 1, 2, 3, None, 1, 4, 4, 4, 1, 1],
        "air": [
            "Air Hujan",
            "Sumur Bor",
            None,
            "Air Hujan",
            "Air Hujan",
            "Sumur Bor",
            "Sumur Bor",
            "Sumur Bor",
            "Air Hujan",
            None,
            None,
            None,
        ],
    }
)


@pytest.fixture(params=BACKENDS)
def native(request, backends: Backends):
    return backends.native(FAMILIES, request.param)


def test_shares_and_counts_by_hand(native):
    desil1 = nw.col("desil") == 1
    assert shares(native, desil1) == [
        RegionValue("A", 6, 3, 50.0),
        RegionValue("B", 4, 1, 25.0),
        RegionValue("C", 2, 2, 100.0),
    ]
    assert [v.value for v in counts(native, desil1)] == [3.0, 1.0, 2.0]
    rain, known = nw.col("air") == "Air Hujan", ~nw.col("air").is_null()
    assert shares(native, rain, known=known) == [
        RegionValue("A", 5, 3, 60.0),
        RegionValue("B", 3, 1, 100 / 3),
        RegionValue("C", 0, 0, None),
    ]
    found = flag_counts(native, {"desil1": desil1, "rain": nw.col("air") == "Air Hujan"})
    assert found == {
        "A": {"n": 6, "desil1": 3, "rain": 3},
        "B": {"n": 4, "desil1": 1, "rain": 1},
        "C": {"n": 2, "desil1": 2, "rain": 0},
    }


def test_ranking_orders_highest_first_and_shares_ties():
    values = [
        RegionValue("A", 10, 5, 50.0),
        RegionValue("B", 10, 8, 80.0),
        RegionValue("C", 20, 10, 50.0),
        RegionValue("D", 0, 0, None),
    ]
    ranked = rank(values)
    assert [(r.rank, r.code) for r in ranked] == [(1, "B"), (2, "A"), (2, "C"), (None, "D")]


def test_ranking_suppresses_small_cells_and_their_complements():
    values = [
        RegionValue("A", 40, 20, 50.0),
        RegionValue("B", 30, 3, 10.0),
        RegionValue("C", 50, 30, 60.0),
        RegionValue("D", 25, 10, 40.0),
    ]
    ranked = {r.code: r for r in rank(values, threshold=5)}
    assert ranked["B"].suppressed and ranked["B"].value is None and ranked["B"].rank is None
    hidden = [code for code, r in ranked.items() if r.suppressed]
    assert len(hidden) >= 2  # one other kelurahan hides too, so the city total does not give B away
    shown = [r for r in rank(values, threshold=5) if not r.suppressed]
    assert [r.rank for r in shown] == list(range(1, len(shown) + 1))
    assert rank(values)[0].code == "C" and not any(r.suppressed for r in rank(values))
