"""The grader against the labeled corpus of learner answers (tests/corpus/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tutor.evaluation import read_corpus, score, stage_concepts
from tutor.grading import CaseGrader
from tutor.cases.library import load_case

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
FORMAT_EXAMPLE = ROOT.parent / "shared" / "examples" / "format-example.yaml"

ANSWERS = [a for a in read_corpus(CORPUS) if a.case_ref != "format-example" or FORMAT_EXAMPLE.exists()]


@pytest.fixture(scope="module")
def cases():
    refs = {a.case_ref for a in ANSWERS}
    return {ref: load_case(str(FORMAT_EXAMPLE) if ref == "format-example" else ref) for ref in refs}


@pytest.fixture(scope="module")
def graders(cases):
    return {ref: CaseGrader(case) for ref, case in cases.items()}


def test_the_corpus_is_large_and_has_traps():
    assert len(ANSWERS) >= 300
    assert sum(a.is_trap for a in ANSWERS) >= 60
    assert len({a.case_ref for a in ANSWERS}) >= 6


def test_labels_name_concepts_of_their_stage(cases):
    wrong = [
        f"{a.origin}: {sorted((a.asserted | a.denied) - stage_concepts(cases[a.case_ref].stage(a.stage)))}"
        for a in ANSWERS
        if (a.asserted | a.denied) - stage_concepts(cases[a.case_ref].stage(a.stage))
    ]
    assert not wrong, "\n".join(wrong)


def test_grader_agrees_with_the_experts(cases, graders):
    def predict(case, stage, answer):
        ref = next(r for r, c in cases.items() if c is case)
        grade = graders[ref].grade(stage, answer)
        return {(c, "asserted") for c in grade.matched + grade.misconceptions} | {
            (c, "denied") for c in grade.negated
        }

    result = score(ANSWERS, cases, predict)
    report = "\n".join(result.mistakes)
    assert result.trap_false_positives == 0, report
    assert result.f1 >= 0.97, f"F1 {result.f1:.3f}\n{report}"
