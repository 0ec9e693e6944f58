"""Record linkage (issue 16): who is who across P3KE, DTSEN and within each. No Django.

`link_persons` trains a Fellegi-Sunter model by EM with splink on DuckDB and scores blocked pairs;
`family_pairs` links families by their members; `exact_nik_pairs` is the floor; the comparisons,
blocking rules and thresholds are data (data/model.json). See docs/linkage.md.
"""

from __future__ import annotations

from tepat.engine.linkage.evaluate import cross_source_accuracy, duplicate_accuracy, exact_nik_pairs
from tepat.engine.linkage.families import family_pairs
from tepat.engine.linkage.model import LinkResult, link_persons, prior_weight
from tepat.engine.linkage.prepare import PERSON_SCHEMA, model_spec, normalised_name, prepare

__all__ = [
    "PERSON_SCHEMA",
    "LinkResult",
    "cross_source_accuracy",
    "duplicate_accuracy",
    "exact_nik_pairs",
    "family_pairs",
    "link_persons",
    "model_spec",
    "normalised_name",
    "prepare",
    "prior_weight",
]
