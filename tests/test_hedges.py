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


BOTH = b"""format: 1
id: both
title: Both
source: seeds/000
concepts:
  toh: {label: Transient osteoporosis, synonyms: [TOH]}
  avn: {label: Osteonecrosis, synonyms: [AVN]}
  bursitis: {label: Ischial bursitis}
  pht: {label: Proximal hamstring tendinopathy, synonyms: [PHT]}
discriminators:
  toh-vs-avn:
    between: [toh, avn]
    why_confused: Both cause hip pain and marrow edema.
  pht-vs-bursitis:
    between: [pht, bursitis]
    why_confused: Same place.
    trap: Most patients have both; report both.
stages:
  - id: diagnosis
    kind: diagnosis
    ask: Diagnosis?
    expect: [toh]
    misconceptions: [{concept: avn, discriminator: toh-vs-avn}]
    explain: E
  - id: tendons
    kind: diagnosis
    ask: Diagnosis?
    expect: [pht]
    misconceptions: [{concept: bursitis, discriminator: pht-vs-bursitis}]
    explain: E
"""


@pytest.fixture(scope="module")
def both() -> CaseGrader:
    return CaseGrader(load_case_bytes(BOTH, "both.yaml"))


def test_a_discriminator_that_only_says_both_share_a_sign_does_not_let_them_coexist(both):
    # "Both cause hip pain" says nothing of the two together: naming both is a commitment ...
    for answer in ("report both TOH and AVN", "TOH with AVN"):
        grade = both.grade("diagnosis", answer)
        assert "avn" in grade.misconceptions and "avn" not in grade.considered, answer
    # ... while "most patients have both; report both" does let them coexist.
    for answer in ("report both PHT and ischial bursitis", "PHT with ischial bursitis"):
        assert "bursitis" in both.grade("tendons", answer).considered, answer


HEDGED = ["I think IFI but could be PHT", "IFI or PHT", "IFI > PHT", "IFI; PHT less likely", "IFI vs PHT",
          "IFI, PHT less likely", "IFI, possibly PHT", "IFI, r/o PHT", "IFI; cannot exclude PHT",
          "favour IFI over PHT", "IFI; PHT is less likely", "IFI, ?PHT", "IFI but might be PHT"]


@pytest.mark.parametrize("answer", HEDGED)
def test_a_hedge_costs_the_same_however_it_is_written(grader, answer):
    """Issue 10: in play, every way of keeping PHT in play scores as "IFI > PHT" does: no penalty."""
    from tutor.engine import Answer, CaseFinished, Quit, Skip, advance, open_case

    def stage_score(text: str) -> float:
        session, _ = open_case(grader.case, grader)
        session, _ = advance(session, Skip(at=1.0))  # past the differential to the diagnosis
        session, answered = advance(session, Answer(text, at=2.0))  # IFI found: the case ends
        _, quit = advance(session, Quit(at=3.0))
        summary = next(e.summary for e in (*answered, *quit) if isinstance(e, CaseFinished))
        return next(s.score for s in summary.stages if s.stage_id == "diagnosis")

    assert stage_score(answer) == stage_score("IFI > PHT") == stage_score("IFI")
    # The near miss: committing to the wrong one beside the right one does cost.
    assert stage_score("IFI and PHT") < stage_score("IFI")


def test_the_words_quoted_for_a_finding_after_a_hedge_are_its_own():
    # "(you wrote “> PHT, narrow IFS”)" read as if the learner had hedged the finding.
    from tutor.cases.library import load_case

    grade = CaseGrader(load_case("ifi-classic")).grade("diagnosis", "IFI > PHT, narrow IFS and QF edema")
    quoted = {m.concept: m.evidence for m in grade.mentions}
    assert quoted["narrow-ifs"] == "narrow IFS" and quoted["qf-edema"] == "QF edema"
    assert quoted["hamstring-tendinopathy"] == "> PHT"  # a cue next to its words is quoted with them
    denied = CaseGrader(load_case("ifi-classic")).grade("findings", "no QF edema")
    assert {m.concept: m.evidence for m in denied.mentions}["qf-edema"] == "no QF edema"
