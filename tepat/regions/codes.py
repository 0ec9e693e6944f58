"""Kemendagri region-code format rules. Pure functions, no database."""

from __future__ import annotations

import re

# Segment lengths of a Kemendagri code: province NN, kab/kota NN, kecamatan NN, kelurahan/desa NNNN.
LEVEL_PATTERNS = {
    "provinsi": re.compile(r"^\d{2}$"),
    "kabkota": re.compile(r"^\d{2}\.\d{2}$"),
    "kecamatan": re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    "kelurahan": re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}
PARENT_LEVEL = {"kabkota": "provinsi", "kecamatan": "kabkota", "kelurahan": "kecamatan"}
BPS_LENGTH = {"provinsi": 2, "kabkota": 4, "kecamatan": 7, "kelurahan": 10}


def level_of(code: str) -> str | None:
    for level, pattern in LEVEL_PATTERNS.items():
        if pattern.match(code):
            return level
    return None


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def dotted(digits: str) -> str | None:
    """'1209201001' -> '12.09.20.1001'; None when the digits do not form a code."""
    digits = re.sub(r"\D", "", digits or "")
    cuts = {2: (2,), 4: (2, 2), 6: (2, 2, 2), 10: (2, 2, 2, 4)}.get(len(digits))
    if not cuts:
        return None
    parts, start = [], 0
    for size in cuts:
        parts.append(digits[start : start + size])
        start += size
    return ".".join(parts)
