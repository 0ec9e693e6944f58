"""Random and array helpers: seeded streams, categorical draws, group ranks, dates."""

from __future__ import annotations

import numpy as np


def _rng(seed: int, stream: int) -> np.random.Generator:
    """Independent generator per (seed, stream): changing one stage never shifts another."""
    return np.random.default_rng([seed, stream])


def _draw(rng: np.random.Generator, probs: tuple | np.ndarray, n: int) -> np.ndarray:
    """n category codes from probs (normalised); O(n log k)."""
    cdf = np.cumsum(np.asarray(probs, dtype=float))
    return np.searchsorted(cdf / cdf[-1], rng.random(n), side="right").astype(np.int64)


def _draw_cond(rng: np.random.Generator, group: np.ndarray, table: tuple) -> np.ndarray:
    """One code per row from ``table[group[row]]``; loops over groups, never rows."""
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int64)
    for g, probs in enumerate(table):
        mask = group == g
        cdf = np.cumsum(np.asarray(probs, dtype=float))
        out[mask] = np.searchsorted(cdf / cdf[-1], u[mask], side="right")
    return out


def _group_rank(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rank within equal keys in array order, position of the key's first element); O(n log n)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    idx = np.arange(len(keys))
    first = np.maximum.accumulate(np.where(np.r_[True, sk[1:] != sk[:-1]], idx, 0))
    rank, first_pos = np.empty_like(idx), np.empty_like(idx)
    rank[order], first_pos[order] = idx - first, order[first]
    return rank, first_pos


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers since 1970-01-01."""
    dt = days.astype("datetime64[D]")
    months = dt.astype("datetime64[M]")
    mi = months.astype(np.int64)
    day = (dt - months.astype("datetime64[D]")).astype(np.int64) + 1
    return mi // 12 + 1970, mi % 12 + 1, day
