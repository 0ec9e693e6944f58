"""The JSON API (/api/v1/): personal tokens, read endpoints, writes through the audited actions (docs/api.md)."""
