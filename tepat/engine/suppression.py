"""Small-cell suppression of one count table with its totals: see tepat.engine.disclosure (linked
tables, LP audit). Kept so `from tepat.engine.suppression import suppress` goes on working."""
from __future__ import annotations

from tepat.engine.disclosure import SMALL_CELL, Suppressed, suppress

__all__ = ["SMALL_CELL", "Suppressed", "suppress"]
