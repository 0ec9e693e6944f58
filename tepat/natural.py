"""Sorting addresses as people read them: numbers inside text compare as numbers ("No. 38" before
"No. 146"), letters without regard to case.

    sorted(["Jl. Kota No. 146", "Jl. Kota No. 38"], key=natural_key)  # No. 38 first
"""

from __future__ import annotations

import re

_PARTS = re.compile(r"([0-9]+)")  # ASCII digits only ("²" is a digit to str.isdigit but not to int)


def natural_key(text: str | None) -> tuple:
    """A sort key: digit runs as integers, the rest case-folded; empty text sorts last.
    Guarantee: comparable between any two texts (numbers and words never meet in one position)."""
    if not text or not text.strip():
        return ((2, 0, ""),)
    parts = _PARTS.split(text.strip())
    return tuple((0, int(part), "") if _PARTS.fullmatch(part) else (1, 0, part.casefold()) for part in parts if part)
