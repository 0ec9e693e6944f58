"""Synthetic P3KE / DTSEN export files for Kota Tanjungbalai (demo, tests, load tests).

Django-free: only numpy, polars and xlsxwriter.  Every person, name and number is invented.

Guarantees
- Deterministic: the same ``(families, seed)`` always gives the same family universe, whatever
  the format, so ``dtsen-keluarga``/``dtsen-anggota`` link by No KK and the two P3KE files
  describe the same families.  Same arguments give byte-identical csv files.
- Layouts follow ``tepat/registry/profiles/<fmt>.json`` (first alias of each canonical field is
  the header, in profile order; p3ke-keluarga gets a leading ``No``).  P3KE files carry an
  11-row title block, so the header is spreadsheet row 12 and data starts on row 13; DTSEN files
  have the header on row 1.  Dates are text ``DD-MM-YYYY``.
- Categorical values come only from ``domains.json`` (checked at run time).
- With ``error_rate > 0`` about that share of data rows carries exactly one fault; a
  ground-truth csv ``<stem>.truth.csv`` lists them (row numbers as a spreadsheet shows them).

Cost: generation is vectorised (numpy/polars); csv output is written in chunks of
``CHUNK_FAMILIES`` families, so memory stays at a few hundred MB per million families plus one
chunk.  xlsx output loops over rows (xlsxwriter), about 2 s per 10k rows of 50 columns.

Modules: ``tables`` (constants, domains, probabilities, names), ``regions`` (region master),
``spec`` (layouts), ``sampling`` (random helpers), ``universe`` (families and persons),
``render`` (columns and title), ``faults`` (fault plan), ``identity`` (identity noise of a second registry), ``writers`` (csv/xlsx/truth) and
``api`` (``generate``).  Only the names below are public.
"""

from __future__ import annotations

from .api import GenerateResult, generate, linkage_frames
from .regions import load_tanjungbalai_regions
from .tables import FORMATS, TITLE_ROWS

__all__ = ["FORMATS", "TITLE_ROWS", "GenerateResult", "generate", "linkage_frames", "load_tanjungbalai_regions"]
