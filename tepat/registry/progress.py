"""The progress of a running import as its status page shows it, kept outside the database.

An import writes its records in one transaction, so the stage and percentage it saves on its batch row while it
writes are seen by no other connection until it ends (the page sat at "memeriksa" meanwhile). The import's
tracker (tepat.registry.actions) therefore also writes them to one small file per batch,
`$TEPAT_HOME/run/import-progress/<batch id>`, and the status page reads that file while the batch runs.
Guarantee: a reader sees one whole value (the file is replaced by a rename), never a torn one.
Cost: a write of a few bytes and a rename per stage (two per chunk).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from tepat.secure import replace_private


def _folder() -> Path:
    return Path(settings.TEPAT_HOME) / "run" / "import-progress"


def save(batch_id: int, stage: str, percent: int) -> None:
    """Record the batch's current stage and percentage."""
    replace_private(_folder() / str(batch_id), json.dumps({"stage": stage, "progress": percent}).encode())


def read(batch_id: int) -> dict | None:
    """{"stage", "progress"} last saved for the batch, or None."""
    try:
        return json.loads((_folder() / str(batch_id)).read_text())
    except (FileNotFoundError, ValueError):
        return None


def forget(batch_id: int) -> None:
    (_folder() / str(batch_id)).unlink(missing_ok=True)
