"""Hedges read by the stage: a differential lists what a diagnosis only keeps in play."""

from __future__ import annotations

import pytest

from tutor.grading import CaseGrader
from tutor.cases.loading import load_case_bytes

CASE = b"""format: 1
id: hedges
title: Hedges
source: seeds/000
concepts:
  ifi: {label: Ischiofemoral impingement, synonyms: [IFI]}
  pht: {label: Proximal hamstring tendinopathy, synonyms: [PHT]}
  dgs: {label: Deep gluteal syndrome, synonyms: [DGS]}
  oa: {label: Hip osteoarthritis, synonyms: [hip OA]}
discriminators:
  ifi-vs-pht:
    between: [ifi, pht]
    why_confused: Both hurt at the ischial tuberosity.
    trap: They can coexist; report both.
stages:
  - id: differential
    kind: differential
    ask: Differential?
    expect: [ifi, pht, dgs]
    misconceptions: [oa]
    explain: E
  - id: diagnosis
    kind: diagnosis
    ask: Diagnosis?
    expect: [ifi]
    misconceptions: [{concept: pht, discriminator: ifi-vs-pht}, dgs]
    explain: E
"""


@pytest.fixture(scope="module")
def grader() -> CaseGrader:
    return CaseGrader(load_case_bytes(CASE, "hedges.yaml"))


@pytest.mark.parametrize(
    "answer, listed",
    [
        ("r/o DGS", {"dgs"}),
        ("DGS less likely", {"dgs"}),
        ("cannot exclude PHT", {"pht"}),
        ("IFI vs PHT", {"ifi", "pht"}),
        ("IFI, PHT less likely, r/o DGS", {"ifi", "pht", "dgs"}),
    ],
)
def test_a_differential_lists_what_a_hedge_names(grader, answer, listed):
    grade = grader.grade("differential", answer)
    assert set(grade.matched) == listed
    assert not grade.negated


def test_a_differential_still_hears_a_plain_denial(grader):
    grade = grader.grade("differential", "IFI, PHT; DGS unlikely; not hip OA")
    assert set(grade.matched) == {"ifi", "pht"}
    assert set(grade.negated) == {"dgs", "oa"}


@pytest.mark.parametrize(
    "answer",
    ["I think IFI but could be PHT", "IFI or PHT", "IFI > PHT", "IFI; PHT less likely", "IFI vs PHT"],
)
def test_a_diagnosis_keeps_the_other_possibility_in_play(grader, answer):
    grade = grader.grade("diagnosis", answer)
    assert "ifi" in grade.matched
    assert "pht" not in grade.negated
    assert "pht" in grade.considered  # kept in play: its contrast, no penalty


def test_a_diagnosis_with_a_coexisting_condition_is_not_a_wrong_commitment(grader):
    for answer in ("IFI with coexisting PHT", "IFI; PHT can coexist", "IFI and PHT together"):
        assert "pht" in grader.grade("diagnosis", answer).considered, answer
    # The case says nothing of IFI and DGS together: naming DGS beside IFI is a commitment.
    assert "dgs" not in grader.grade("diagnosis", "IFI with coexisting DGS").considered
    # Naming the wrong one alone is a commitment too.
    assert grader.grade("diagnosis", "PHT").considered == ()


def test_one_concept_one_credit():
    case = load_case_bytes(b"""format: 1
id: twins
title: Twins
source: seeds/000
concepts:
  narrowed-ifs: {label: Narrowed ischiofemoral space, synonyms: [narrow IFS]}
  narrow-ifs: {label: Narrow ischiofemoral space}
  normal-ifs: {label: No narrowing of the ischiofemoral space, synonyms: [normal IFS]}
stages:
  - {id: findings, kind: findings, ask: "What?", expect: [narrowed-ifs], explain: E}
  - {id: report, kind: findings, ask: "What?", expect: [normal-ifs], explain: E}
""", "twins.yaml")
    grader = CaseGrader(case)
    grade = grader.grade("findings", "narrow ischiofemoral space")
    assert grade.matched == ("narrowed-ifs",)
    assert grade.to_json()["also_mentioned"] == []
    grade = grader.grade("report", "no narrowing of the ischiofemoral space")
    assert grade.matched == ("normal-ifs",)
    assert grade.to_json()["also_mentioned"] == []  # never the opposite of what was credited
