"""Linked tables: every published count is a cell; sums tie cells together across tables and levels.

A release is one `LinkedTables`: cells with their true counts, equations `total = sum(parts)` (a row
total, a column total, a kecamatan = the sum of its kelurahan, ...) and groups of cells that are shown
or hidden together (a family count and its people count; the cells behind one Alkire-Foster row).
No Django, no polars: plain lists, so the audit can be recomputed from this description alone.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

SMALL_CELL = (
    5  # the one threshold: counts 1..SMALL_CELL-1 are primary; every hidden cell keeps >= SMALL_CELL possible values
)


class InconsistentTables(ValueError):
    """An equation does not hold on the true counts (the tables cannot be published as linked)."""


@dataclass
class LinkedTables:
    keys: list[Hashable] = field(default_factory=list)
    values: list[int] = field(default_factory=list)
    sensitive: list[bool] = field(default_factory=list)  # a count 1..SMALL_CELL-1 here is primary
    weight: list[float] = field(default_factory=list)  # cost of hiding it as a complement (higher: avoided)
    equations: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)  # (total, parts)
    groups: list[tuple[int, ...]] = field(default_factory=list)
    index: dict[Hashable, int] = field(default_factory=dict)

    def cell(self, key: Hashable, value: int, *, sensitive: bool = True, weight: float = 1.0) -> int:
        """Add a cell (a count >= 0) under a unique key; returns its position."""
        if key in self.index:
            raise ValueError(f"duplicate cell {key!r}")
        if value < 0 or int(value) != value:
            raise ValueError(f"cell {key!r}: a count must be a whole number >= 0, not {value!r}")
        self.index[key] = len(self.keys)
        self.keys.append(key)
        self.values.append(int(value))
        self.sensitive.append(sensitive)
        self.weight.append(weight)
        return self.index[key]

    def sum(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        """Declare `total = sum(parts)`. Guarantee: raises InconsistentTables when the counts disagree."""
        t, ps = self.index[total], tuple(self.index[p] for p in parts)
        if self.values[t] != sum(self.values[p] for p in ps):
            raise InconsistentTables(
                f"{total!r} = {self.values[t]} but its parts sum to {sum(self.values[p] for p in ps)}"
            )
        self.equations.append((t, ps))

    def together(self, keys: Iterable[Hashable]) -> None:
        """These cells are shown or hidden together."""
        group = tuple(self.index[k] for k in keys)
        if len(group) > 1:
            self.groups.append(group)

    def primary(self, small: int = SMALL_CELL) -> set[int]:
        """Sensitive cells counting 1..small-1."""
        return {i for i, (v, s) in enumerate(zip(self.values, self.sensitive)) if s and 0 < v < small}

    def closed(self, hidden: set[int]) -> set[int]:
        """`hidden` with every group that has a hidden cell hidden whole. Cost: O(hidden x group size)."""
        hidden = set(hidden)
        member = self._members()
        queue = [c for c in hidden if c in member]
        while queue:
            for group in member[queue.pop()]:
                for other in self.groups[group]:
                    if other not in hidden:
                        hidden.add(other)
                        queue.append(other)
        return hidden

    def _members(self) -> dict[int, list[int]]:
        """cell -> the groups it belongs to (rebuilt when groups were added)."""
        cached = self.__dict__.get("_member_cache")
        if cached is None or cached[0] != len(self.groups):
            member: dict[int, list[int]] = {}
            for g, group in enumerate(self.groups):
                for c in group:
                    member.setdefault(c, []).append(g)
            cached = self.__dict__["_member_cache"] = (len(self.groups), member)
        return cached[1]

    def lines(self) -> list[tuple[int, ...]]:
        """Each equation as the cells it ties (total first)."""
        return [(t, *ps) for t, ps in self.equations]
