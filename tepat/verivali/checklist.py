"""The Kepmensos 262/HUK/2022 screening items (data/checklist.json), read once for the phone form, the
payload check, the ODK/Kobo form and its ingest. No Django."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CHECKLIST_PATH = Path(__file__).parent / "data" / "checklist.json"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label_id: str
    label_en: str
    decisive: bool = False  # answered yes: fakir miskin whatever the other items say

    def label(self, language: str = "id") -> str:
        """The item's words in `language` ("en" or "id")."""
        return self.label_en if language == "en" else self.label_id


@cache
def checklist_items() -> tuple[ChecklistItem, ...]:
    data = json.loads(CHECKLIST_PATH.read_text(encoding="utf-8"))
    return tuple(ChecklistItem(**item) for item in data["items"])
