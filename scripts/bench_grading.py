#!/usr/bin/env python3
"""Grading quality and speed on the labeled corpus, against two baselines in the same run.

    python scripts/bench_grading.py            # the table
    python scripts/bench_grading.py --mistakes # and every answer the tutor's matcher got wrong

Methods:
  tutor     the tutor's matcher (tutor.grading.CaseGrader)
  exact     exact phrase match: a label or synonym appears as a whole phrase (case-insensitive);
            knows no negation, so every mention counts as asserted
  partial   plain rapidfuzz: fuzz.partial_ratio(term, answer) >= 85 over label and synonyms;
            no negation either
Figures: micro precision / recall / F1 over (answer, concept, asserted|denied) verdicts restricted
to each stage's concepts; false positives on answers tagged `trap`; milliseconds per answer
(mean of 3 passes over the corpus after one warm-up). Then `tutor grade` for one answer, end to end
as a subprocess (median of 5), against `python -c pass` as the start-up floor.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from tutor.evaluation import read_corpus, score  # noqa: E402
from tutor.grading import CaseGrader  # noqa: E402
from tutor.library import load_case  # noqa: E402

FORMAT_EXAMPLE = ROOT.parent / "shared" / "examples" / "format-example.yaml"


def case_for(ref: str):
    if ref == "format-example" and FORMAT_EXAMPLE.exists():
        return load_case(str(FORMAT_EXAMPLE))
    return load_case(ref)


def terms_by_concept(case):
    return {cid: [t.casefold() for t in (c.label, *c.synonyms)] for cid, c in case.concepts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--mistakes", action="store_true", help="list the tutor matcher's mistakes")
    args = parser.parse_args()

    answers = [a for a in read_corpus(args.corpus) if a.case_ref != "format-example" or FORMAT_EXAMPLE.exists()]
    cases = {ref: case_for(ref) for ref in sorted({a.case_ref for a in answers})}
    graders = {ref: CaseGrader(case) for ref, case in cases.items()}
    terms = {ref: terms_by_concept(case) for ref, case in cases.items()}
    patterns = {
        ref: {cid: [re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)") for t in ts] for cid, ts in by.items()}
        for ref, by in terms.items()
    }

    def tutor(case, stage, answer):
        grade = graders[case.id if case.id in graders else "format-example"].grade(stage, answer)
        return {(c, "asserted") for c in grade.matched + grade.misconceptions} | {(c, "denied") for c in grade.negated}

    def exact(case, stage, answer):
        ref = case.id if case.id in patterns else "format-example"
        text = answer.casefold()
        return {(cid, "asserted") for cid, ps in patterns[ref].items() if any(p.search(text) for p in ps)}

    def partial(case, stage, answer):
        ref = case.id if case.id in terms else "format-example"
        text = answer.casefold()
        return {
            (cid, "asserted")
            for cid, ts in terms[ref].items()
            if any(fuzz.partial_ratio(t, text, score_cutoff=85) for t in ts)
        }

    methods = {"tutor": tutor, "exact": exact, "partial": partial}
    print(f"corpus: {len(answers)} answers over {len(cases)} cases, {sum(a.is_trap for a in answers)} traps")
    print(f"{'method':8} {'precision':>9} {'recall':>7} {'F1':>6} {'trap FP':>8} {'ms/answer':>10}")
    rows = {}
    for name, predict in methods.items():
        result = score(answers, cases, predict)
        for item in answers:  # warm-up: caches, lazy imports
            predict(cases[item.case_ref], cases[item.case_ref].stage(item.stage), item.answer)
        passes = []
        for _ in range(3):
            began = time.perf_counter()
            for item in answers:
                predict(cases[item.case_ref], cases[item.case_ref].stage(item.stage), item.answer)
            passes.append((time.perf_counter() - began) * 1000 / max(1, len(answers)))
        ms = statistics.mean(passes)
        rows[name] = (result, ms)
        print(f"{name:8} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} "
              f"{result.trap_false_positives:8d} {ms:10.3f}")
    ratio = rows["tutor"][1] / rows["partial"][1] if rows["partial"][1] else float("inf")
    print(f"tutor time per answer = {ratio:.2f}x the plain rapidfuzz baseline")

    def run_ms(cmd: list[str]) -> float:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False, cwd=ROOT)
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)

    floor = run_ms([sys.executable, "-c", "pass"])
    example = next(iter(cases.values()))
    one = run_ms([sys.executable, "-m", "tutor", "grade", example.path or example.id, "--stage",
                  example.stages[0].id, "--answer", "no trauma, ischiofemoral impingement"])
    print(f"`tutor grade` one answer: {one:.0f} ms (python start-up floor {floor:.0f} ms)")

    if args.mistakes:
        print("\nmistakes of the tutor matcher:")
        for line in rows["tutor"][0].mistakes:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
