"""A diagnosis stage counts the rivals its discriminators name, even where the author listed none.

A learner who commits to a rival the case's author did not think of ("sarcoma of the ischium"
in an avulsion case) meets the card that tells the two apart, instead of "Noted ... not scored".
"""

from __future__ import annotations

import textwrap

from tutor.cases.library import load_case
from tutor.cases.loading import load_case_bytes
from tutor.engine import Answer, AnswerGraded, MisconceptionMet, Next, advance, open_case
from tutor.grading import CaseGrader

CASE = textwrap.dedent(
    """\
    format: 1
    id: rivals-demo
    title: Rivals
    source: Seed 000, discriminators (for the tests)
    concepts:
      avulsion: {label: Apophyseal avulsion, synonyms: [apophyseal avulsion]}
      tumour: {label: Sarcoma, synonyms: [sarcoma]}
      callus: {label: Myositis ossificans, synonyms: [myositis ossificans]}
      strain: {label: Muscle strain, synonyms: [muscle strain]}
    discriminators:
      avulsion-vs-tumour:
        between: [avulsion, tumour]
        why_confused: Both make bone where none should be.
        points: [The fragment fits the apophysis it came from.]
      avulsion-vs-callus:
        between: [avulsion, callus]
        why_confused: Both are new bone after an injury.
        points: [Myositis ossificans matures from the rim inwards.]
    stages:
      - id: differential
        kind: differential
        ask: What could it be?
        expect: [avulsion]
        explain: An avulsion, or a tumour.
      - id: diagnosis
        kind: diagnosis
        ask: Your diagnosis?
        expect: [avulsion]
        misconceptions:
          - {concept: callus, feedback: The author's own words about myositis ossificans.}
        explain: An apophyseal avulsion.
    """
)


def load(text: str = CASE):
    return load_case_bytes(text.encode(), "rivals-demo.yaml")


def test_a_rival_named_by_a_discriminator_is_a_wrong_diagnosis_in_the_diagnosis_stage():
    case = load()
    grade = CaseGrader(case).grade("diagnosis", "sarcoma")
    assert grade.misconceptions == ("tumour",)


def test_the_authors_own_entry_comes_first_and_is_not_doubled():
    stage = load().stage("diagnosis")
    assert stage.misconception_ids == ("callus", "tumour")
    assert stage.misconceptions[0].feedback == "The author's own words about myositis ossificans."
    assert not stage.misconceptions[0].implied and stage.misconceptions[1].implied


def test_other_stages_and_concepts_no_discriminator_names_are_left_alone():
    case = load()
    assert case.stage("differential").misconception_ids == ()
    assert "strain" not in case.stage("diagnosis").misconception_ids
    assert CaseGrader(case).grade("differential", "sarcoma").misconceptions == ()


def test_a_rival_beside_the_right_diagnosis_is_not_charged():
    # "apophyseal avulsion (sarcoma?)": the learner named the diagnosis; only a rival the
    # author listed would still be counted next to it.
    case = load()
    assert CaseGrader(case).grade("diagnosis", "apophyseal avulsion, sarcoma").misconceptions == ()
    assert CaseGrader(case).grade("diagnosis", "apophyseal avulsion, myositis ossificans").misconceptions == (
        "callus",)


def test_the_learner_meets_the_card_that_tells_the_rival_from_this_cases_diagnosis():
    case = load()
    grader = CaseGrader(case)
    session, _ = open_case(case, grader, at=0.0)
    session, _ = advance(session, Answer("apophyseal avulsion", at=1.0))
    session, _ = advance(session, Next(at=2.0))
    assert session.current_stage.id == "diagnosis"
    session, events = advance(session, Answer("sarcoma", at=3.0))
    met = [e for e in events if type(e) is MisconceptionMet]
    assert [m.concept_id for m in met] == ["tumour"]
    assert met[0].contrast is not None
    assert (met[0].contrast.this_id, met[0].contrast.other_id) == ("tumour", "avulsion")
    assert any(type(e) is AnswerGraded for e in events)


def test_shipped_cases_a_sarcoma_in_the_adolescent_avulsion_gets_its_contrast():
    case = load_case("apophyseal-avulsion-adolescent")
    assert "sarcoma" in CaseGrader(case).grade("diagnosis", "sarcoma of the ischium").misconceptions


def test_shipped_cases_piriformis_syndrome_is_wrong_in_the_hamstring_tendinopathy_case():
    case = load_case("hamstring-tendinopathy-bursitis")
    assert CaseGrader(case).grade("diagnosis", "piriformis syndrome").misconceptions == ("piriformis-syndrome",)
