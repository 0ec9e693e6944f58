"""Inputs of the allocation optimiser: families, programs, validation, and their array form.

Everything the solvers need is turned once into dense numpy arrays (families x deprivations,
families x programs, programs x deprivations): O(F x (V + P)) memory, a few MB at 20,000 families.
Invalid input raises `AllocationError` (a `ValueError`) whose message is Indonesian, then English.
"""

from __future__ import annotations

from tepat.engine.bilingual import Bilingual, Message

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Real

import numpy as np

# The deprivations named by the seeded program catalogue (programs.json of the city pack, tepat/regions/packs/).
DEPRIVATIONS: tuple[str, ...] = (
    "rumah",
    "air",
    "sanitasi",
    "energi",
    "pendidikan",
    "pekerjaan",
    "pendapatan_rendah",
    "kesehatan",
    "pangan",
)
OBJECTIVES: tuple[str, ...] = ("complete", "weighted")


class AllocationError(Bilingual, ValueError):
    """Bad allocation input. `bilingual` is the Message; `str(error)` is "Indonesian / English"; `code` is stable."""

    def __init__(self, code: str, message: Message) -> None:
        super().__init__(str(message))
        self.code = code
        self.bilingual = message


@dataclass(frozen=True)
class Family:
    """An extreme-poor family. `eligible` None means every program; `weights` default to 1."""

    id: Hashable
    kecamatan: str
    deprivations: frozenset[str] = frozenset()
    weights: Mapping[str, float] | None = None
    eligible: frozenset[str] | None = None
    desil: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "deprivations", frozenset(self.deprivations))
        if self.eligible is not None:
            object.__setattr__(self, "eligible", frozenset(self.eligible))


@dataclass(frozen=True)
class Program:
    """A program: budget and per-family unit cost in Rp, the deprivations it removes, optional quotas."""

    code: str
    budget: float
    unit_cost: float
    removes: frozenset[str] = frozenset()
    min_families: int = 0
    max_families: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "removes", frozenset(self.removes))


@dataclass
class Problem:
    """The array form shared by `solve`, `greedy` and the plan evaluation (F families, P programs, V deprivations)."""

    family_ids: list[Hashable]
    kecamatan: np.ndarray  # (F,) str
    desil: np.ndarray  # (F,) float, nan when unknown
    codes: list[str]
    deprivations: tuple[str, ...]
    need: np.ndarray  # (F, V) bool: the family has the deprivation
    weight: np.ndarray  # (F, V) float, 0 where not needed
    eligible: np.ndarray  # (F, P) bool
    removes: np.ndarray  # (P, V) bool
    cost: np.ndarray  # (P,) float, per family
    budget: np.ndarray  # (P,) float
    capacity: np.ndarray  # (P,) int: most families the budget and the maximum allow
    minimum: np.ndarray  # (P,) int
    useful: np.ndarray = field(init=False)  # (F, P) bool: eligible and removes >= 1 deprivation of the family

    def __post_init__(self) -> None:
        hits = self.need.astype(np.int32) @ self.removes.T.astype(np.int32)
        self.useful = self.eligible & (hits > 0)

    @property
    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(family index, program index) of every useful pair, family-major: the only x variables."""
        return np.nonzero(self.useful)


def _error(code: str, indonesian: str, english: str) -> AllocationError:
    return AllocationError(code, Message(indonesian, english))


def _names(values: Iterable[object]) -> str:
    return ", ".join(sorted(map(str, values)))


def check_objective(objective: str) -> None:
    if objective not in OBJECTIVES:
        raise _error(
            "unknown_objective",
            f"Tujuan tidak dikenal: {objective!r} (pilih 'complete' atau 'weighted')",
            f"Unknown objective: {objective!r} (choose 'complete' or 'weighted')",
        )


def _check_program(program: Program, known: frozenset[str]) -> None:
    c = program.code
    if not isinstance(c, str) or not c:
        raise _error("program_code", "Kode program kosong", "Program code is empty")
    for value, id_name, en_name in (
        (program.budget, "Anggaran", "Budget"),
        (program.unit_cost, "Biaya satuan", "Unit cost"),
    ):
        if not isinstance(value, Real) or math.isnan(value):
            raise _error(
                "not_a_number", f"{id_name} program {c} bukan angka", f"{en_name} of program {c} is not a number"
            )
        if value < 0:
            raise _error("negative", f"{id_name} program {c} negatif", f"{en_name} of program {c} is negative")
    if math.isinf(program.unit_cost):
        raise _error("not_a_number", f"Biaya satuan program {c} tak hingga", f"Unit cost of program {c} is infinite")
    if program.unit_cost == 0:  # the tie-break stages were found wrong for free programs: refuse them
        raise _error(
            "zero_cost", f"Biaya satuan program {c} harus lebih dari 0", f"Unit cost of program {c} must be above 0"
        )
    unknown = program.removes - known
    if unknown:
        raise _error(
            "unknown_deprivation",
            f"Program {c} menyebut deprivasi yang tidak dikenal: {_names(unknown)}",
            f"Program {c} names unknown deprivations: {_names(unknown)}",
        )
    _check_quota(program)


def _check_quota(program: Program) -> None:
    c, low, high = program.code, program.min_families, program.max_families
    if low < 0 or (high is not None and high < 0):
        raise _error("negative", f"Kuota keluarga program {c} negatif", f"Family quota of program {c} is negative")
    if high is not None and low > high:
        raise _error(
            "quota_order",
            f"Jumlah keluarga minimum program {c} melebihi maksimumnya",
            f"Minimum families of program {c} exceed its maximum",
        )


def _check_family(family: Family, known: frozenset[str], codes: frozenset[str]) -> None:
    i = family.id
    unknown = family.deprivations - known
    if unknown:
        raise _error(
            "unknown_deprivation",
            f"Keluarga {i} mempunyai deprivasi yang tidak dikenal: {_names(unknown)}",
            f"Family {i} has unknown deprivations: {_names(unknown)}",
        )
    if family.eligible is not None and family.eligible - codes:
        missing = _names(family.eligible - codes)
        raise _error(
            "unknown_program",
            f"Keluarga {i} layak untuk program yang tidak ada: {missing}",
            f"Family {i} is eligible for programs that do not exist: {missing}",
        )
    _check_weights(family.weights or {}, known, f"keluarga {i}", f"family {i}")


def _check_weights(weights: Mapping[str, float], known: frozenset[str], where_id: str, where_en: str) -> None:
    unknown = set(weights) - known
    if unknown:
        raise _error(
            "unknown_deprivation",
            f"Bobot {where_id} menyebut deprivasi yang tidak dikenal: {_names(unknown)}",
            f"Weights of {where_en} name unknown deprivations: {_names(unknown)}",
        )
    for name, value in weights.items():
        if not isinstance(value, Real) or not math.isfinite(value) or value < 0:
            raise _error(
                "bad_weight",
                f"Bobot deprivasi {name} {where_id} harus angka tidak negatif",
                f"Weight of deprivation {name} of {where_en} must be a non-negative number",
            )


def _check_unique(values: Iterable[Hashable], code: str, id_what: str, en_what: str) -> None:
    seen: set[Hashable] = set()
    for value in values:
        if value in seen:
            raise _error(code, f"{id_what} ganda: {value}", f"Duplicate {en_what}: {value}")
        seen.add(value)


def validate(
    families: Sequence[Family],
    programs: Sequence[Program],
    weights: Mapping[str, float] | None,
    deprivations: Sequence[str],
) -> None:
    """Raise AllocationError on the first problem found; O(F x V)."""
    known = frozenset(deprivations)
    _check_unique(deprivations, "duplicate_deprivation", "Nama deprivasi", "deprivation name")
    _check_unique((p.code for p in programs), "duplicate_program", "Kode program", "program code")
    _check_unique((f.id for f in families), "duplicate_family", "ID keluarga", "family id")
    for program in programs:
        _check_program(program, known)
    _check_weights(weights or {}, known, "umum", "the default weights")
    codes = frozenset(p.code for p in programs)
    for family in families:
        _check_family(family, known, codes)


def _capacity(program: Program, n_families: int) -> int:
    """Most families the budget and the maximum allow: floor(budget / unit cost), exact for integers."""
    cap = n_families if program.max_families is None else min(program.max_families, n_families)
    if program.unit_cost == 0 or math.isinf(program.budget):
        return cap
    by_budget = int(program.budget // program.unit_cost)
    while (by_budget + 1) * program.unit_cost <= program.budget:  # guard float floor division
        by_budget += 1
    while by_budget > 0 and by_budget * program.unit_cost > program.budget:
        by_budget -= 1
    return min(cap, by_budget)


def _family_arrays(
    families: Sequence[Family], programs: Sequence[Program], weights: Mapping[str, float], deprivations: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    column = {name: j for j, name in enumerate(deprivations)}
    program_column = {p.code: j for j, p in enumerate(programs)}
    default = np.array([float(weights.get(d, 1.0)) for d in deprivations])
    need = np.zeros((len(families), len(deprivations)), dtype=bool)
    weight = np.tile(default, (len(families), 1))
    eligible = np.ones((len(families), len(programs)), dtype=bool)
    for i, family in enumerate(families):
        need[i, [column[d] for d in family.deprivations]] = True
        for name, value in (family.weights or {}).items():
            weight[i, column[name]] = float(value)
        if family.eligible is not None:
            eligible[i] = False
            eligible[i, [program_column[c] for c in family.eligible]] = True
    return need, np.where(need, weight, 0.0), eligible


def build_problem(
    families: Sequence[Family],
    programs: Sequence[Program],
    weights: Mapping[str, float] | None = None,
    deprivations: Sequence[str] = DEPRIVATIONS,
) -> Problem:
    """Validate and convert to arrays. O(F x (V + P)) time and memory."""
    families, programs, deprivations = list(families), list(programs), tuple(deprivations)
    validate(families, programs, weights, deprivations)
    need, weight, eligible = _family_arrays(families, programs, weights or {}, deprivations)
    removes = np.array([[d in p.removes for d in deprivations] for p in programs], dtype=bool).reshape(
        len(programs), len(deprivations)
    )
    return Problem(
        family_ids=[f.id for f in families],
        kecamatan=np.array([str(f.kecamatan) for f in families], dtype=object),
        desil=np.array([np.nan if f.desil is None else float(f.desil) for f in families]),
        codes=[p.code for p in programs],
        deprivations=deprivations,
        need=need,
        weight=weight,
        eligible=eligible,
        removes=removes,
        cost=np.array([float(p.unit_cost) for p in programs]),
        budget=np.array([float(p.budget) for p in programs]),
        capacity=np.array([_capacity(p, len(families)) for p in programs], dtype=np.int64),
        minimum=np.array([p.min_families for p in programs], dtype=np.int64),
    )


def families_from_frame(frame: object) -> list[Family]:
    """Families from a polars DataFrame with columns `id`, `kecamatan`, `deprivations` (list of str) and,
    optionally, `eligible` (list of program codes, null = all) and `desil`. O(F) Python objects."""
    columns = set(frame.columns)  # type: ignore[attr-defined]
    missing = {"id", "kecamatan", "deprivations"} - columns
    if missing:
        raise _error("missing_column", f"Kolom tidak ada: {_names(missing)}", f"Missing columns: {_names(missing)}")
    rows = frame.to_dicts()  # type: ignore[attr-defined]
    return [
        Family(
            id=row["id"],
            kecamatan=row["kecamatan"],
            deprivations=frozenset(row["deprivations"] or ()),
            eligible=None if row.get("eligible") is None else frozenset(row["eligible"]),
            desil=row.get("desil"),
        )
        for row in rows
    ]
