"""Coordination meetings (rakor TKPKD), their decisions and action items."""
