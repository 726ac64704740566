"""Every mutant of a reference solution that changes behaviour fails its check, and no diagnosis
contradicts the mutant's own change (the mutation harness is tests/mutation.py; the per-check figures
are benchmarks/bench_diagnosis.py).

A mutant that passes must behave like the reference: it is graded again with other random cases (the
check's cases drawn with other seeds), and must pass those too."""

from __future__ import annotations

import mutation
import pytest

from tutor.grader import judge

SOLUTIONS = mutation.reference_solutions()
MUTANTS = [
    (check, index) for check in sorted(SOLUTIONS) for index in range(len(mutation.mutants(SOLUTIONS[check])))
]


def test_the_harness_mutates_every_core_solution_with_every_operator_kind():
    assert len(SOLUTIONS) >= 19  # the core checks, and the later lessons' own
    kinds = {m.kind for solution in SOLUTIONS.values() for m in mutation.mutants(solution)}
    assert kinds >= {"axis", "keepdims", "transpose", "sign", "off-by-one", "reduction", "exp-log"}
    assert kinds >= {"comparison", "in-place", "labels"}
    assert all(mutation.mutants(solution) for solution in SOLUTIONS.values())


def test_the_reference_solutions_pass_in_process():
    for check, solution in SOLUTIONS.items():
        assert mutation.grade_in_process(check, solution).passed, check


@pytest.mark.parametrize(("check", "index"), MUTANTS)
def test_a_mutant_fails_unless_it_behaves_like_the_reference(check, index, monkeypatch):
    mutant = mutation.mutants(SOLUTIONS[check])[index]
    graded = mutation.grade_in_process(check, mutant.source)
    if graded.passed:
        for seed in (1, 2, 3):
            monkeypatch.setattr(judge, "stable_seed", lambda exercise, seed=seed: seed)
            again = mutation.grade_in_process(check, mutant.source)
            assert again.passed, f"{mutant.change} passes the check but not with seed {seed}"
        return
    wrong = [cause for cause in graded.named if cause not in mutation.COMPATIBLE[mutant.kind]]
    assert not wrong, (mutant.change, graded.named_messages)
