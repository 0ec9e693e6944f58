"""Indicator pages: official series and targets (official), their import and manual entry (entry),
registry indicators and Alkire-Foster (registry), snapshots (snapshots). URL names: web/routes/indicators.py."""
