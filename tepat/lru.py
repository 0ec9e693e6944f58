"""A small in-process least-recently-used memo, shared by the caches of registry frames, indicator
tables, pockets and dashboard panels (each keyed by the registry state, so a write invalidates it)."""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRU(Generic[V]):
    """At most `size` values; `get(key, build)` calls `build()` only on a miss. Not thread-safe beyond
    what a dict is: two concurrent misses may both build, and the last one is kept."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = self._values[key] = build()
        while len(self._values) > self.size:
            self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        self._values.clear()
