"""The seeded program catalogue: real national and city programs, with an example eligibility rule each."""

from __future__ import annotations

import json
from datetime import date

from tepat.accounts.models import Opd
from tepat.programs.models import Program
from tepat.regions.pack import pack_file


def ensure_catalogue(year: int | None = None) -> int:
    """Create the shipped programs for `year` (default: this year) when none exist. Returns how many."""
    year = year or date.today().year
    if Program.objects.exists():
        return 0
    from tepat.programs.actions import do_create_program

    entries = json.loads(pack_file("programs.json").read_text(encoding="utf-8"))  # the city pack's catalogue
    opds = {o.code: o for o in Opd.objects.all()}
    for entry in entries:
        do_create_program({**entry, "opd": opds.get(entry["opd"]), "year": year}, acting_user=None)
    return len(entries)
