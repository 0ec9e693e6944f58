"""Allocation optimiser (issue 4, section 7): brute force on tiny cases, hand-checked plans, bad input.

The brute force below is independent of the module: it enumerates every 0/1 assignment of the
*eligible* (family, program) pairs — useless ones included — and checks budgets in Rp directly.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tepat.engine.allocation import (
    DEPRIVATIONS,
    AllocationError,
    Family,
    Plan,
    Program,
    build_problem,
    compare,
    drop_redundant,
    families_from_frame,
    greedy,
    solve,
)

VOCAB = ("rumah", "air", "sanitasi", "pendapatan_rendah")


# --------------------------------------------------------------------------- brute force


def _brute_force(families: list[Family], programs: list[Program], objective: str) -> tuple[float, ...] | None:
    """Best lexicographic key over all feasible assignments of eligible pairs, None if none is feasible.
    Keys: complete -> (complete, weighted, -cost); weighted -> (weighted, -cost). Feasible: budgets,
    quotas, and no program given to a family for which it removes nothing (part of the model)."""
    problem = build_problem(families, programs)
    pf, pp = np.nonzero(problem.eligible)
    x = ((np.arange(2 ** len(pf))[:, None] >> np.arange(len(pf))) & 1).astype(bool)  # (N, K)
    useless = np.array([not (families[f].deprivations & programs[j].removes) for f, j in zip(pf, pp)], dtype=bool)
    feasible = ~x[:, useless].any(axis=1)
    for j, program in enumerate(programs):
        n = x[:, pp == j].sum(axis=1)
        feasible &= (n * program.unit_cost <= program.budget) & (n >= program.min_families)
        feasible &= n <= (program.max_families if program.max_families is not None else len(families))
    if not feasible.any():
        return None
    n_f, n_v = problem.need.shape
    incidence = np.zeros((len(pf), n_f * n_v))
    for k, (f, j) in enumerate(zip(pf, pp)):
        incidence[k, f * n_v : (f + 1) * n_v] = problem.removes[j]
    covered = (x @ incidence > 0).reshape(len(x), n_f, n_v)
    complete = (~(problem.need & ~covered).any(axis=2)).sum(axis=1)
    weighted = (problem.weight * (problem.need & covered)).sum(axis=(1, 2))
    cost = x @ problem.cost[pp]
    keys = (
        np.stack([complete, weighted, -cost], axis=1)
        if objective == "complete"
        else np.stack([weighted, -cost], axis=1)
    )
    keys = keys[feasible]
    return tuple(float(v) for v in max(map(tuple, keys)))


def _key(plan: Plan) -> tuple[float, ...]:
    w = plan.whatif
    return (
        (w.complete, w.weighted_removed, -w.total_cost)
        if plan.objective == "complete"
        else (w.weighted_removed, -w.total_cost)
    )


def _assert_feasible(plan: Plan, families: list[Family], programs: list[Program]) -> None:
    by_id = {f.id: f for f in families}
    for program in programs:
        use = plan.programs[program.code]
        assert use.spend <= program.budget and use.spend == use.count * program.unit_cost
        assert program.max_families is None or use.count <= program.max_families
    for family_id, codes in plan.assignments.items():
        family = by_id[family_id]
        for code in codes:
            assert family.eligible is None or code in family.eligible
            removes = next(p.removes for p in programs if p.code == code)
            assert removes & family.deprivations, f"{code} removes nothing for family {family_id}"


@st.composite
def instances(draw) -> tuple[list[Family], list[Program]]:
    n_programs = draw(st.integers(1, 3))
    programs = [
        Program(
            f"p{j}",
            budget=draw(st.integers(0, 12)),
            unit_cost=draw(st.integers(1, 5)),
            removes=frozenset(draw(st.sets(st.sampled_from(VOCAB), max_size=3))),
            min_families=draw(st.sampled_from([0, 0, 0, 0, 1])),
            max_families=draw(st.sampled_from([None, None, 1, 2])),
        )
        for j in range(n_programs)
    ]
    codes = [p.code for p in programs]
    families = [
        Family(
            i,
            kecamatan=draw(st.sampled_from(["K1", "K2"])),
            deprivations=frozenset(draw(st.sets(st.sampled_from(VOCAB), max_size=3))),
            weights=draw(st.none() | st.dictionaries(st.sampled_from(VOCAB), st.integers(0, 3), max_size=2)),
            eligible=draw(st.none() | st.sets(st.sampled_from(codes)).map(frozenset)),
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    pairs = sum(len(codes) if f.eligible is None else len(f.eligible) for f in families)
    assume(pairs <= 15)
    return families, programs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(instances(), st.sampled_from(["complete", "weighted"]))
def test_milp_matches_brute_force_and_beats_greedy(instance, objective):
    families, programs = instance
    plan = solve(families, programs, objective=objective)
    best = _brute_force(families, programs, objective)
    if best is None:
        assert plan.status == "infeasible" and plan.objective_value is None and not plan.assignments
        return
    assert plan.status == "optimal"
    assert _key(plan) == pytest.approx(best)  # the objective and both tie-breaks
    assert plan.objective_value == best[0]
    _assert_feasible(plan, families, programs)
    baseline = greedy(families, programs, objective=objective)
    _assert_feasible(baseline, families, programs)
    if all(p.min_families == 0 for p in programs):
        assert baseline.objective_value <= plan.objective_value
    if objective == "complete":  # the fast mode keeps the main objective exact, tie-breaks may be lower
        fast = solve(families, programs, exact_tie_breaks=False)
        assert fast.objective_value == best[0] and _key(fast) <= _key(plan)
        _assert_feasible(fast, families, programs)


# --------------------------------------------------------------------------- hand-checked plans


def test_tie_breaks_are_exact_when_the_solver_hands_back_its_warm_start():
    """Found by the property test: HiGHS proved weighted = 3 but returned the greedy start's columns
    (weighted 2); both plans complete two families, only the exact tie-break gives family 2 both programs."""
    families = [Family(0, "K1", {"rumah"}), Family(1, "K1", {"rumah"}), Family(2, "K1", {"air", "rumah"})]
    programs = [Program("p0", 1, 1, {"rumah"}), Program("p1", 1, 1, {"rumah"}), Program("p2", 1, 1, {"air"})]
    plan = solve(families, programs, objective="complete")
    assert _key(plan) == _brute_force(families, programs, "complete") == (2, 3, -3)
    assert set(plan.assignments[2]) == {"p2", "p0"} or set(plan.assignments[2]) == {"p2", "p1"}


def test_budget_for_exactly_one_of_two_families():
    families = [Family("a", "K1", {"air"}), Family("b", "K1", {"air"})]
    plan = solve(families, [Program("air_bersih", budget=4_999_999, unit_cost=2_500_000, removes={"air"})])
    assert plan.status == "optimal" and plan.objective_value == 1
    assert len(plan.assignments) == 1 and plan.programs["air_bersih"].spend == 2_500_000
    assert (plan.whatif.complete, plan.whatif.unmet) == (1, 1)


def test_family_needing_two_programs_gets_both():
    families = [Family(1, "K1", {"rumah", "air"})]
    programs = [
        Program("rtlh_bsps", 20_000_000, 20_000_000, {"rumah"}),
        Program("air_bersih", 2_500_000, 2_500_000, {"air"}),
    ]
    plan = solve(families, programs)
    assert plan.assignments == {1: ("rtlh_bsps", "air_bersih")} and plan.objective_value == 1
    half = solve(families, [programs[0], Program("air_bersih", 0, 2_500_000, {"air"})])
    assert half.objective_value == 0 and half.assignments == {1: ("rtlh_bsps",)}  # tie-break: one removed beats none
    assert half.whatif.remaining_by_deprivation["air"] == 1 and half.whatif.remaining_by_deprivation["rumah"] == 0


@pytest.mark.parametrize("objective", ["complete", "weighted"])
def test_program_removing_nothing_for_a_family_is_never_assigned(objective):
    families = [Family(1, "K1", {"air"}), Family(2, "K1", {"rumah"})]
    programs = [
        Program("rtlh_bsps", 10**12, 1, {"rumah"}),
        Program("pkh", 10**12, 1, {"pendapatan_rendah", "kesehatan"}),
    ]
    for plan in (solve(families, programs, objective=objective), greedy(families, programs, objective=objective)):
        assert plan.assignments == {2: ("rtlh_bsps",)}


def test_redundant_programs_are_dropped_by_the_cost_tie_break():
    families = [Family(1, "K1", {"kesehatan", "pendidikan"})]
    programs = [
        Program("pkh", 10**9, 3_000_000, {"pendapatan_rendah", "pendidikan", "kesehatan"}),
        Program("pbi_jk", 10**9, 504_000, {"kesehatan"}),
        Program("pip", 10**9, 450_000, {"pendidikan"}),
    ]
    for objective in ("complete", "weighted"):
        assert solve(families, programs, objective=objective).assignments == {1: ("pbi_jk", "pip")}


def test_drop_redundant_keeps_coverage_and_minimum_quotas():
    families = [Family(1, "K1", {"kesehatan", "pendidikan"}), Family(2, "K1", {"kesehatan"})]
    programs = [
        Program("pkh", 10**9, 3_000_000, {"pendapatan_rendah", "pendidikan", "kesehatan"}),
        Program("pbi_jk", 10**9, 504_000, {"kesehatan"}, min_families=1),
        Program("pip", 10**9, 450_000, {"pendidikan"}),
    ]
    problem = build_problem(families, programs)
    x = np.array([[True, True, True], [True, True, False]])
    kept = drop_redundant(problem, x)  # pkh goes first (dearest); one pbi_jk must stay (minimum 1)
    assert kept.tolist() == [[False, True, True], [False, True, False]]
    x[1, 1] = False
    assert drop_redundant(problem, x).tolist() == [[False, True, True], [True, False, False]]


def test_zero_budget_gives_an_empty_optimal_plan():
    families = [Family(1, "K1", {"air"}), Family(2, "K2", set())]
    plan = solve(families, [Program("air_bersih", 0, 2_500_000, {"air"})])
    assert (
        plan.status == "optimal" and plan.assignments == {} and plan.objective_value == 1
    )  # family 2 has nothing unmet
    assert plan.programs["air_bersih"].families == () and plan.whatif.unmet_by_kecamatan == {"K1": 1, "K2": 0}


def test_no_programs_and_no_families_are_not_errors():
    assert solve([Family(1, "K1", {"air"})], []).whatif.unmet == 1
    empty = solve([], [Program("air_bersih", 10, 1, {"air"})], objective="weighted")
    assert empty.status == "optimal" and empty.objective_value == 0 and empty.whatif.families == 0


def test_unreachable_minimum_quota_is_infeasible_not_an_error():
    families = [Family(1, "K1", {"air"})]
    plan = solve(families, [Program("air_bersih", 1, 5, {"air"}, min_families=1)])
    assert plan.status == "infeasible" and plan.objective_value is None and plan.assignments == {}


def test_minimum_quota_is_met():
    families = [Family(1, "K1", {"kesehatan"})]
    pbi = Program("pbi_jk", 10**9, 504_000, {"kesehatan"})
    pkh = Program("pkh", 10**9, 3_000_000, {"pendapatan_rendah", "pendidikan", "kesehatan"})
    assert solve(families, [pbi, pkh]).assignments == {1: ("pbi_jk",)}
    forced = solve(families, [pbi, Program("pkh", pkh.budget, pkh.unit_cost, pkh.removes, min_families=1)])
    assert forced.assignments == {1: ("pkh",)} and forced.objective_value == 1


def test_weights_decide_the_weighted_objective():
    families = [Family(1, "K1", {"air"}), Family(2, "K1", {"air", "sanitasi"}, weights={"air": 3})]
    programs = [Program("air_bersih", 1, 1, {"air"})]
    assert solve(families, programs, objective="weighted").assignments == {2: ("air_bersih",)}
    heavier_default = solve(families, programs, objective="weighted", weights={"air": 5})  # family 2 keeps its own 3
    assert heavier_default.assignments == {1: ("air_bersih",)} and heavier_default.objective_value == 5
    assert solve(families, programs, objective="complete").assignments == {1: ("air_bersih",)}


def test_eligibility_restricts_assignments():
    families = [Family(1, "K1", {"air"}, eligible=set()), Family(2, "K1", {"air"}, eligible={"air_bersih"})]
    plan = solve(families, [Program("air_bersih", 100, 1, {"air"})])
    assert plan.assignments == {2: ("air_bersih",)}


def test_greedy_follows_the_priority_order():
    families = [
        Family("x", "K1", {"air"}, desil=2),
        Family("y", "K1", {"air"}, desil=1),
        Family("z", "K1", {"air", "rumah"}, desil=1),
    ]
    programs = [Program("air_bersih", 2, 1, {"air"}), Program("rtlh_bsps", 5, 5, {"rumah"})]
    assert set(greedy(families, programs).assignments) == {"x", "y"}
    assert set(greedy(families, programs, order="priority").assignments) == {"z", "y"}
    assert set(greedy(families, programs, order=["y", "x", "z"]).assignments) == {"y", "x"}
    with pytest.raises(ValueError, match="tepat satu kali / .*exactly once"):
        greedy(families, programs, order=["y", "x"])


def _blocking_case() -> tuple[list[Family], list[Program]]:
    """Greedy serves family 1 first with both programs and blocks families 2 and 3."""
    families = [
        Family(1, "Datuk Bandar", {"air", "sanitasi"}),
        Family(2, "Datuk Bandar", {"air"}),
        Family(3, "Teluk Nibung", {"sanitasi"}),
    ]
    return families, [
        Program("air_bersih", 2_500_000, 2_500_000, {"air"}),
        Program("jamban", 5_000_000, 5_000_000, {"sanitasi"}),
    ]


def test_compare_milp_with_greedy():
    families, programs = _blocking_case()
    milp, base = solve(families, programs), greedy(families, programs)
    assert (milp.objective_value, base.objective_value) == (2, 1)
    diff = compare(milp, base)
    assert diff.complete.difference == 1 and diff.unmet.difference == -1
    assert diff.objective_value.difference == 1 and diff.total_cost.difference == 0
    assert diff.unmet_by_kecamatan["Datuk Bandar"].first == 1 and diff.unmet_by_kecamatan["Datuk Bandar"].second == 1
    assert diff.unmet_by_kecamatan["Teluk Nibung"].difference == -1
    assert diff.served_only_in_first == (2, 3) and diff.served_only_in_second == (1,) and diff.changed_families == 3
    assert diff.families_by_program["jamban"].difference == 0
    with pytest.raises(ValueError, match="keluarga yang sama"):
        compare(milp, solve(families[:2], programs))


def test_whatif_by_kecamatan_on_a_hand_built_case():
    families = [
        Family(1, "Sei Tualang Raso", {"air", "rumah"}),
        Family(2, "Sei Tualang Raso", {"air"}),
        Family(3, "Sei Tualang Raso", set()),
        Family(4, "Teluk Nibung", {"rumah"}),
        Family(5, "Teluk Nibung", {"pangan"}),
    ]
    programs = [
        Program("air_bersih", 5_000_000, 2_500_000, {"air"}),
        Program("rtlh_bsps", 20_000_000, 20_000_000, {"rumah"}),
        Program("bpnt_sembako", 0, 2_400_000, {"pangan"}),
    ]
    plan = solve(families, programs)
    # rtlh for one family only: family 4 (one need) completes, family 1 would still lack nothing else? it needs air too:
    # completing 1 costs rtlh + air, completing 4 costs rtlh; both complete 1 family, so the cost tie-break picks 4.
    assert plan.objective_value == 3 and plan.assignments == {1: ("air_bersih",), 2: ("air_bersih",), 4: ("rtlh_bsps",)}
    w = plan.whatif
    assert (w.families, w.complete, w.unmet) == (5, 3, 2)
    assert w.families_by_kecamatan == {"Sei Tualang Raso": 3, "Teluk Nibung": 2}
    assert w.complete_by_kecamatan == {"Sei Tualang Raso": 2, "Teluk Nibung": 1}
    assert w.unmet_by_kecamatan == {"Sei Tualang Raso": 1, "Teluk Nibung": 1}
    assert {d: n for d, n in w.remaining_by_deprivation.items() if n} == {"rumah": 1, "pangan": 1}
    assert {d: n for d, n in w.deprivations_before.items() if n} == {"air": 2, "rumah": 2, "pangan": 1}
    assert w.total_cost == 25_000_000 and w.weighted_removed == 3
    assert plan.target_lists() == {"air_bersih": (1, 2), "rtlh_bsps": (4,), "bpnt_sembako": ()}


def test_polars_input_gives_the_same_plan():
    families, programs = _blocking_case()
    frame = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "kecamatan": [f.kecamatan for f in families],
            "deprivations": [sorted(f.deprivations) for f in families],
            "eligible": [None, None, ["jamban"]],
        }
    )
    from_frame = families_from_frame(frame)
    assert from_frame[2].eligible == frozenset({"jamban"}) and from_frame[0].eligible is None
    assert solve(from_frame, programs).assignments == solve(families, programs).assignments
    with pytest.raises(ValueError, match="Kolom tidak ada: kecamatan / Missing columns: kecamatan"):
        families_from_frame(frame.drop("kecamatan"))


def test_time_limit_returns_a_feasible_plan_no_worse_than_greedy():
    rng = np.random.default_rng(7)
    need = rng.random((1500, len(DEPRIVATIONS))) < 0.4
    families = [Family(i, f"K{i % 6}", {d for d, h in zip(DEPRIVATIONS, row) if h}) for i, row in enumerate(need)]
    programs = [
        Program(
            f"p{j}",
            budget=300 * (j + 3),
            unit_cost=j + 3,
            removes={DEPRIVATIONS[j], DEPRIVATIONS[(j + 4) % len(DEPRIVATIONS)]},
        )
        for j in range(len(DEPRIVATIONS))
    ]
    plan = solve(families, programs, time_limit=0.05)
    assert plan.status in {"optimal", "time_limit"} and plan.objective_value is not None
    assert plan.objective_value >= greedy(families, programs).objective_value
    assert plan.stages[0].name == "complete" and plan.mip_gap is not None
    _assert_feasible(plan, families, programs)


# --------------------------------------------------------------------------- bad input

GOOD_PROGRAM = Program("air_bersih", 10, 1, {"air"})
BAD_INPUT = [
    ([], [Program("X", -1, 1, {"air"})], "Anggaran program X negatif / Budget of program X is negative"),
    ([], [Program("X", 1, -5, {"air"})], "Biaya satuan program X negatif / Unit cost of program X is negative"),
    (
        [],
        [Program("X", 1, 0, {"air"})],
        "Biaya satuan program X harus lebih dari 0 / Unit cost of program X must be above 0",
    ),
    (
        [],
        [Program("X", float("nan"), 1, {"air"})],
        "Anggaran program X bukan angka / Budget of program X is not a number",
    ),
    (
        [],
        [Program("X", 1, 1, {"air", "rumahh"})],
        "Program X menyebut deprivasi yang tidak dikenal: rumahh / Program X names unknown deprivations: rumahh",
    ),
    ([], [GOOD_PROGRAM, GOOD_PROGRAM], "Kode program ganda: air_bersih / Duplicate program code: air_bersih"),
    ([], [Program("X", 1, 1, {"air"}, min_families=3, max_families=2)], "minimum program X melebihi maksimumnya"),
    (
        [Family(7, "K1", {"air"}), Family(7, "K2", set())],
        [GOOD_PROGRAM],
        "ID keluarga ganda: 7 / Duplicate family id: 7",
    ),
    (
        [Family(1, "K1", {"listrik"})],
        [GOOD_PROGRAM],
        "Keluarga 1 mempunyai deprivasi yang tidak dikenal: listrik / Family 1 has unknown deprivations: listrik",
    ),
    (
        [Family(1, "K1", {"air"}, eligible={"pkh"})],
        [GOOD_PROGRAM],
        "Keluarga 1 layak untuk program yang tidak ada: pkh",
    ),
    (
        [Family(1, "K1", {"air"}, weights={"air": -1})],
        [GOOD_PROGRAM],
        "Bobot deprivasi air keluarga 1 harus angka tidak negatif",
    ),
]


@pytest.mark.parametrize(("families", "programs", "message"), BAD_INPUT)
def test_bad_input_raises_a_bilingual_value_error(families, programs, message):
    for run in (solve, greedy):
        with pytest.raises(ValueError, match=message.replace("(", r"\(")) as caught:
            run(families, programs)
        assert isinstance(caught.value, AllocationError) and " / " in str(caught.value)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="Tujuan tidak dikenal.*Unknown objective"):
        solve([], [], objective="fair")
    with pytest.raises(ValueError, match="Batas waktu harus positif / The time limit must be positive"):
        solve([], [], time_limit=0)
    with pytest.raises(ValueError, match="Bobot umum .*: rumahh"):
        solve([], [], weights={"rumahh": 2})


def test_engine_allocation_imports_no_django():
    code = "import sys, tepat.engine.allocation; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("False")
