"""Long terms credited by their telling words (tutor/matching/core_terms.py).

Issue 8, recall on paraphrases of long labels. Each rule has a paraphrase it credits and a near
miss it must not credit.
"""

from __future__ import annotations

import pytest

from tutor.matching.index import ConceptIndex
from tutor.model import Concept

from reading import said


SPRINT_CASE = [
    Concept("sprint-onset", "Sudden onset while sprinting", ()),
    Concept("gradual", "Gradual onset of pain", ()),
    Concept("long-stride", "Pain on long-stride walking", ()),
    Concept("sitting", "Pain at the ischial tuberosity when sitting", ()),
    Concept("tender", "Tenderness at the ischial tuberosity", ()),
    Concept("rehab", "Rehabilitation after repair", ()),
    Concept("early-repair", "Early surgical repair", ()),
    Concept("delayed-repair", "Delayed repair of the tendon", ()),
    Concept("weight-bearing", "Pain on weight bearing", ()),
    Concept("athlete", "Sprinting athlete", ()),
]


@pytest.fixture(scope="module")
def sprint_case() -> ConceptIndex:
    return ConceptIndex(SPRINT_CASE)


@pytest.mark.parametrize("answer, expected", [
    ("sudden pain while sprinting", "sprint-onset"),
    ("sudden onset during sprinting", "sprint-onset"),  # the term's "while" said as "during"
    ("sudden pain during a sprint", "sprint-onset"),
    ("sitting pain at the ischial tuberosity", "sitting"),
    ("worse at the ischial tuberosity when sitting", "sitting"),  # "worse" is a pain too
])
def test_a_word_that_names_nothing_may_be_said_in_other_words(sprint_case, answer, expected):
    assert said(sprint_case, answer).get(expected) == "+"


@pytest.mark.parametrize("answer, concept", [
    ("gradual pain while sprinting", "sprint-onset"),  # the telling word is another
    ("pain while sprinting", "sprint-onset"),  # the telling word is missing
    ("sudden knee pain while sprinting", "sprint-onset"),  # too much between, and another place
    ("long stride walking test", "long-stride"),  # names the test, not the pain
    ("ischial tuberosity when sitting", "sitting"),  # nothing said in the place of the pain
])
def test_near_misses_of_a_word_said_in_other_words(sprint_case, answer, concept):
    assert concept not in said(sprint_case, answer)


def test_a_word_only_this_concept_uses_is_not_left_out():
    # Without "Gradual onset of pain", only this concept says "onset": it may tell it apart.
    index = ConceptIndex([Concept("sprint-onset", "Sudden onset while sprinting", ()),
                          Concept("sitting", "Pain when sitting", ())])
    assert "sprint-onset" not in said(index, "sudden pain while sprinting")


@pytest.mark.parametrize("answer", ["sudden onset", "sudden onset, no previous pain"])
def test_a_word_after_the_head_may_be_left_out(sprint_case, answer):
    assert said(sprint_case, answer).get("sprint-onset") == "+"


@pytest.mark.parametrize("answer, concept", [
    ("delayed repair after 3 months", "rehab"),  # "rehabilitation" is the head
    ("sudden onset of knee pain", "sprint-onset"),  # words between: a left-out word is not replaced
    ("sudden onset at rest", "sprint-onset"),  # completed otherwise
])
def test_near_misses_of_a_word_left_out(sprint_case, answer, concept):
    assert concept not in said(sprint_case, answer)


def test_the_words_that_tell_concepts_apart_stay():
    # "Partial" and "left" are words that tell concepts apart: never left out.
    index = ConceptIndex([Concept("partial", "Partial tear of the left hamstring origin", ()),
                          Concept("complete", "Complete avulsion of the hamstring origin", ()),
                          Concept("origin-pain", "Pain at the hamstring origin", ())])
    assert "partial" not in said(index, "tear of the left hamstring")
    assert "partial" not in said(index, "partial tear of the hamstring")
    assert "complete" not in said(index, "avulsion of the hamstring")


def test_an_ambiguous_core_form_is_not_used():
    # "sudden sprinting" is what both concepts say: neither is credited by it.
    index = ConceptIndex([Concept("onset", "Sudden onset while sprinting", ()),
                          Concept("collapse", "Sudden collapse while sprinting", ()),
                          Concept("gradual", "Gradual onset of pain", ())])
    assert said(index, "sudden pain while sprinting") == {}


KIND_CASE = [
    Concept("knee-flexion", "Positive resisted knee flexion test", ()),
    Concept("resisted-extension", "Weak resisted hip extension", ()),
    Concept("early-repair", "Early surgical repair", ()),
    Concept("surgical-referral", "Early surgical consultation", ()),
    Concept("narrow-qfs", "Reduced quadratus femoris space", ()),
    Concept("qf-edema", "Quadratus femoris edema", ()),
    Concept("old-avulsion", "Old ischial apophyseal avulsion", ()),
    Concept("avulsion-fracture", "Ischial avulsion fracture", ()),
    Concept("apophysis-open", "Apophysis not fused", ()),
]


@pytest.fixture(scope="module")
def kind_case() -> ConceptIndex:
    return ConceptIndex(KIND_CASE)


@pytest.mark.parametrize("answer, expected", [
    ("positive knee flexion test", "knee-flexion"),  # "positive" still says the result
    ("early repair", "early-repair"),  # "early" still says which repair
    ("refer for early repair; report the retraction", "early-repair"),
    ("old ischial avulsion", "old-avulsion"),
])
def test_a_word_before_the_head_may_go_when_an_essential_word_stays(kind_case, answer, expected):
    # "resisted", "surgical", "ischial": words other concepts use too, before the head.
    assert said(kind_case, answer).get(expected) == "+"


@pytest.mark.parametrize("answer, concept", [
    ("quadratus femoris space", "narrow-qfs"),  # nothing left says it is reduced
    ("positive passive knee flexion test", "knee-flexion"),  # another kind said in its place
    ("knee flexion test", "knee-flexion"),  # the result is not said
    ("old avulsion fracture of the ischium", "old-avulsion"),  # the words name the fracture
    ("early repair of the tendon", "early-repair"),  # completed otherwise
])
def test_near_misses_of_a_word_before_the_head(kind_case, answer, concept):
    assert concept not in said(kind_case, answer)


def test_a_word_before_the_head_only_this_concept_uses_stays():
    # "active" tells this test from every other concept: it is not left out.
    index = ConceptIndex([Concept("knee-flexion", "Positive active knee flexion test", ()),
                          Concept("fair", "Positive FAIR test", ())])
    assert "knee-flexion" not in said(index, "positive knee flexion test")
