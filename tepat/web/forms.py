"""Helpers for Django forms shared by the pages."""

from __future__ import annotations

from django import forms


def form_errors(form: forms.Form) -> str:
    """All of a bound form's errors on one line for a flash message: 'Label: error; ...' (form-wide
    errors without a label)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return "; ".join(parts)
