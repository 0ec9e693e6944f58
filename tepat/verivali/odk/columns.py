"""Column names and cell values of ODK Central and KoboToolbox exports, reduced to the form's field names.

No Django here. ODK Central joins a field's group path with `-` (`kunjungan-keluarga`,
`meta-instanceID`, `lokasi-gps-Latitude`; none with "Remove group names"); KoboToolbox with the
separator the analyst chose, `/` by default (`kunjungan/keluarga`, `kunjungan.keluarga`), only when
"include groups in headers" is on, and writes a geopoint as `gps` plus `_gps_latitude` ...
(`lokasi/_gps_latitude` with groups). Kobo's metadata columns start with `_` (`_id`, `_uuid`,
`_submission_time`, `_index`, `_parent_index`). `field_key` strips the known group prefixes so every
spelling gives the same key; values are parsed leniently but never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, UTC

SEPARATORS = ("/", "-", ".", ":", "|", "\\")  # Kobo lets the analyst pick any; never "_" (inside names)
# Geopoint parts: ODK Central writes `gps-Latitude`, Kobo `_gps_latitude` (and `_gps_precision`).
GEO_PARTS = {
    "latitude": "latitude",
    "longitude": "longitude",
    "altitude": "altitude",
    "accuracy": "accuracy",
    "precision": "accuracy",
}
_ODK_GEO = re.compile(r"^(?P<name>.+)-(?P<part>latitude|longitude|altitude|accuracy)$", re.IGNORECASE)
_KOBO_GEO = re.compile(r"^_(?P<name>.+)_(?P<part>latitude|longitude|altitude|precision)$", re.IGNORECASE)


def strip_groups(column: str, groups: Iterable[str]) -> str:
    """Remove leading `<group>/` or `<group>-` segments for every known group (any depth, any order)."""
    known = {g.lower() for g in groups}
    rest = column.strip()
    while True:
        for separator in SEPARATORS:
            head, found, tail = rest.partition(separator)
            if found and tail and head.lower() in known:
                rest = tail
                break
        else:
            return rest


def field_key(column: str, groups: Iterable[str]) -> str:
    """The field a column holds, lower case: 'kunjungan-keluarga' and 'kunjungan/keluarga' -> 'keluarga'.

    Geopoint parts become '<field>_<part>' ('lokasi-gps-Latitude' and '_lokasi/gps_latitude' ->
    'gps_latitude'; Kobo's 'precision' is ODK's 'accuracy'). Metadata columns keep their name
    ('_uuid', 'submissiondate', 'instanceid'). Idempotent: field_key(field_key(c)) == field_key(c).
    """
    groups = tuple(groups)
    rest = strip_groups(column, groups)
    kobo = _KOBO_GEO.match(rest) or _KOBO_GEO.match(column.strip())
    if kobo:
        return f"{_last(strip_groups(kobo['name'], groups))}_{GEO_PARTS[kobo['part'].lower()]}"
    odk = _ODK_GEO.match(rest)
    if odk:
        return f"{_last(strip_groups(odk['name'], groups))}_{GEO_PARTS[odk['part'].lower()]}"
    return _last(rest)


def _last(name: str) -> str:
    """The last path segment of a '/'-joined name (Kobo paths through groups this form does not know)."""
    return name.rsplit("/", 1)[-1].strip().lower() if "/" in name.strip("/") else name.lower()


TRUE_WORDS = {"ya", "yes", "true", "1", "y", "benar"}
FALSE_WORDS = {"tidak", "no", "false", "0", "n", "t", "salah"}


def parse_bool(value: str) -> bool | None:
    """'ya' / 'Ya' / 'yes' / '1' / 'true' -> True, 'tidak' / 'no' / '0' / 'false' -> False, empty -> None.

    Raises ValueError for anything else (the caller reports the row and column)."""
    text = value.strip().lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(value)


def parse_geopoint(value: str) -> dict[str, float] | None:
    """ODK's 'lat lon altitude accuracy' (altitude and accuracy optional) -> {'lat', 'lon', 'accuracy'?}.

    Raises ValueError when the numbers are not there or out of range."""
    parts = value.split()
    if not parts:
        return None
    if len(parts) < 2 or len(parts) > 4:
        raise ValueError(value)
    numbers = [float(p) for p in parts]
    return geopoint(*numbers[:2], accuracy=numbers[3] if len(numbers) == 4 else None)


def geopoint(lat: float, lon: float, accuracy: float | None = None) -> dict[str, float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{lat} {lon}")
    point = {"lat": lat, "lon": lon}
    if accuracy is not None:
        point["accuracy"] = accuracy
    return point


def parse_timestamp(value: str) -> str | None:
    """ISO 8601 as ODK Central ('2026-11-28T02:15:00.123Z') or Kobo ('2026-11-28T02:15:00', UTC) writes it.

    Returns an ISO string with an offset, or None when empty; raises ValueError otherwise."""
    text = value.strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # Kobo's _submission_time is UTC without an offset
    return moment.isoformat()
