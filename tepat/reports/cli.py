"""`tepat report ...` commands (registered on the main group in tepat/cli.py)."""
from __future__ import annotations

import click


@click.group()
def report() -> None:
    """Briefing pack, LP2KD and periodic reports as PDF/DOCX (docs/rakor.md)."""
