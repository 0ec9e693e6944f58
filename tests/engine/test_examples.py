"""The example rules of every seeded program, the snippets, the engine's independence from Django,
and the documentation of everything an analyst can write or see."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tepat.engine.rules import ERRORS, EXAMPLES, SNIPPETS, WARNINGS, check, default_schema, evaluate, parse
from tepat.engine.rules.nodes import AGGREGATE_KINDS
from tests.engine.data import REFERENCE_DATES, Dataset, make_dataset, result_rows
from tests.engine.reference import reference_rows

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = (
    "pkh",
    "bpnt_sembako",
    "pbi_jk",
    "pip",
    "rtlh_bsps",
    "air_bersih",
    "jamban",
    "listrik",
    "padat_karya",
    "pelatihan_vokasi",
    "kur_modal_usaha",
)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Dataset:
    return make_dataset(7, 400, 1600, tmp_path_factory.mktemp("examples"), duckdb.connect())


def test_there_is_an_example_for_every_program_of_the_domain_brief() -> None:
    assert tuple(EXAMPLES) == PROGRAMS


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_example_checks_without_warnings(program: str) -> None:
    result = check(EXAMPLES[program])
    assert result.ok and not result.warnings, (result.errors, result.warnings)


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_example_selects_some_families_alike_on_every_backend(dataset: Dataset, program: str) -> None:
    rule, reference = parse(EXAMPLES[program]), REFERENCE_DATES[0]
    expected = reference_rows(rule, dataset.families.to_dicts(), dataset.members.to_dicts(), reference)
    assert 0 < sum(row[1] for row in expected) < len(expected)
    assert result_rows(evaluate(rule, dataset.families, dataset.members, reference)) == expected
    assert result_rows(evaluate(rule, dataset.duck_families, dataset.duck_members, reference)) == expected


def test_deprivation_snippets_mirror_the_registry_filters() -> None:
    """tepat/registry/filters.py states the deprivations as Django Q objects: keep both in step."""
    pytest.importorskip("django")
    from tepat.registry.filters import DEPRIVATIONS

    renamed = {"resiko_stunting": "berisiko_stunting"}
    for name, (_, q) in DEPRIVATIONS.items():
        ((lookup, value),) = q.children
        field, _, suffix = lookup.partition("__")
        values = value if suffix == "in" else [value]
        root = parse(renamed.get(name, name)).root.body
        subject = root.subject if hasattr(root, "subject") else root.left
        listed = root.values if hasattr(root, "values") else (root.right,)
        assert (subject.name, sorted(v.value for v in listed)) == (field, sorted(values)), name


def test_the_rule_engine_imports_no_django() -> None:
    code = "import sys, tepat.engine.rules; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert output.strip() == "[]"


def test_the_docs_name_every_code_field_snippet_aggregate_and_example() -> None:
    names = [*ERRORS, *WARNINGS, *SNIPPETS, *default_schema().names(), *PROGRAMS]
    names += [spelling for spec in AGGREGATE_KINDS.values() for spelling in (spec.name, spec.english)]
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [name for name in names if f"`{name}`" not in docs]
    assert not missing
    for text in EXAMPLES.values():
        assert text in docs
