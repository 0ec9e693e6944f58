"""A small in-process least-recently-used memo, shared by the caches of registry frames, indicator
tables, pockets and dashboard panels (each keyed by the data versions it reads, so a write invalidates it)."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_ALL: weakref.WeakSet[LRU] = weakref.WeakSet()


class LRU(Generic[V]):
    """At most `size` values; `get(key, build)` calls `build()` only on a miss.

    Guarantee: concurrent misses of one key in one process build once (the others wait for that value:
    no stampede of threads each building its own copy); misses of different keys build in parallel.
    A build that raises leaves the key absent, and the next caller builds again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}
        _ALL.add(self)

    def get(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = build()
            with self._lock:
                self._values[key] = value
                self._building.pop(key, None)
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def clear_all() -> None:
    """Empty every LRU of this process, as a fresh process starts (tests call it before each test: their data
    versions restart with every rolled-back transaction)."""
    for memo in list(_ALL):
        memo.clear()
