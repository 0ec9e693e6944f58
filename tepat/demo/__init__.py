"""Synthetic demo data (Django-free)."""
