"""`tepat verivali ...` commands (registered on the main group in tepat/cli.py)."""
from __future__ import annotations

import click


@click.group()
def verivali() -> None:
    """Verivali campaigns, XLSForm and ODK/Kobo submissions (docs/verivali.md)."""
