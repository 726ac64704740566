"""How well the grader diagnoses wrong answers: every mutant of every core reference solution.

The mutants come from ``tests/mutation.py`` (one realistic change each: an axis, keepdims, a transpose, a
sign, an off-by-one, a reduction, exp/log, a comparison, a copy, the label form, a dropped term). Each is
graded in this process. Per check it prints:

- mutants: how many; killed: how many fail the check (the rest pass: they behave like the reference on
  every case, which ``tests/test_grader_mutations.py`` confirms with other random cases);
- named: killed mutants whose feedback names a cause (a mistake, an explained exception, a shape or an
  in-place change); described: those told only what differs;
- contradicted: a named mistake whose cause does not fit the mutant's own change (goal: 0).

    .venv/bin/python benchmarks/bench_diagnosis.py [--show-described] [--show-contradicted]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import mutation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-described", action="store_true", help="list the mutants only described")
    parser.add_argument("--show-contradicted", action="store_true", help="list contradicted diagnoses")
    args = parser.parse_args()

    rows = []
    described_list, contradicted_list = [], []
    for check, solution in sorted(mutation.reference_solutions().items()):
        counts = dict(mutants=0, killed=0, named=0, described=0, contradicted=0)
        for mutant in mutation.mutants(solution):
            graded = mutation.grade_in_process(check, mutant.source)
            counts["mutants"] += 1
            if graded.passed:
                continue
            counts["killed"] += 1
            if graded.described:
                counts["described"] += 1
                described_list.append((check, mutant, graded))
            else:
                counts["named"] += 1
            allowed = mutation.COMPATIBLE[mutant.kind]
            wrong = [cause for cause in graded.named if cause not in allowed]
            if wrong:
                counts["contradicted"] += 1
                contradicted_list.append((check, mutant, graded, wrong))
        rows.append((check, counts))

    header = f"{'check':22} {'mutants':>8} {'killed':>7} {'named':>6} {'described':>10} {'contradicted':>13}"
    print(header)
    print("-" * len(header))
    totals = dict(mutants=0, killed=0, named=0, described=0, contradicted=0)
    for check, counts in rows:
        for key in totals:
            totals[key] += counts[key]
        print(
            f"{check:22} {counts['mutants']:8} {counts['killed']:7} {counts['named']:6} "
            f"{counts['described']:10} {counts['contradicted']:13}"
        )
    print("-" * len(header))
    print(
        f"{'total':22} {totals['mutants']:8} {totals['killed']:7} {totals['named']:6} "
        f"{totals['described']:10} {totals['contradicted']:13}"
    )
    if totals["killed"]:
        print(f"named: {100 * totals['named'] / totals['killed']:.0f}% of killed mutants")
    if args.show_described:
        for check, mutant, graded in described_list:
            print(f"\n[{check}] {mutant.kind}: {mutant.change}\n  {graded.diagnosis[:200]}")
    if args.show_contradicted or contradicted_list:
        for check, mutant, graded, wrong in contradicted_list:
            print(
                f"\nCONTRADICTED [{check}] {mutant.kind}: {mutant.change} -> {wrong}: {graded.named_messages}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
