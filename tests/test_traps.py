"""Near misses a teacher would not credit, each rule with a case it credits and a trap it must not.

Issue 8, item 6 and the zero-traps target: a short synonym inside a phrase that names another
place or another modality, a concept said with the opposite of what it excludes, an essential
word the case uses to tell two concepts apart.
"""

from __future__ import annotations

import pytest

from tutor.matching.index import ConceptIndex
from tutor.model import Concept


def said(index: ConceptIndex, answer: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for mention in index.find(answer).mentions:
        if not mention.negated:
            result[mention.concept] = "+"
        else:
            result.setdefault(mention.concept, "-")
    return result


# -- a short form inside a phrase about another place ----------------------------------------

SEPTIC = ConceptIndex([Concept("septic", "Septic arthritis of the hip", ("septic hip", "infected hip joint"))])


@pytest.mark.parametrize("answer, expected", [
    ("septic hip", {"septic": "+"}),
    ("septic arthritis", {"septic": "+"}),
    ("septic", {"septic": "+"}),
    ("not septic arthritis", {"septic": "-"}),
    ("septic arthritis of the knee", {}),  # the phrase goes on, over the concept's own word, to the knee
    ("septic knee", {}),
    ("knee septic arthritis", {}),
    ("septic arthritis of the shoulder joint", {}),
])
def test_a_short_form_does_not_reach_past_its_own_words_to_another_place(answer, expected):
    assert said(SEPTIC, answer) == expected


# -- a whole term whose concept names its place elsewhere ------------------------------------

LEG = ConceptIndex([Concept("leg", "Pain radiating down the leg", ("radiating pain", "radiates to the lower limb"))])


@pytest.mark.parametrize("answer, expected", [
    ("radiating pain", {"leg": "+"}),
    ("radiating pain down the back of the thigh", {"leg": "+"}),  # the thigh is in the leg (`within`)
    ("pain radiating to the knee", {"leg": "+"}),
    ("radiating pain in the buttock", {"leg": "+"}),  # no body part the tables know
    ("pain radiating to the groin only", {}),
    ("groin radiating pain", {}),
    ("radiating pain to the lumbar spine", {}),
])
def test_a_term_without_the_place_its_label_names_stops_at_another_place(answer, expected):
    assert said(LEG, answer) == expected


def test_the_next_item_of_a_list_is_no_place_of_the_term():
    index = ConceptIndex([Concept("ifs", "Narrow ischiofemoral space", ("narrow IFS", "narrowing between ischium and femur")),
                          Concept("qfs", "Narrow quadratus femoris space", ("narrow QFS",))])
    assert said(index, "narrow IFS and narrow QFS") == {"ifs": "+", "qfs": "+"}


def test_a_place_named_as_noun_or_adjective_is_the_same_place():
    index = ConceptIndex([Concept("avulsion", "Old ischial apophyseal avulsion", ("apophyseal avulsion",))])
    assert said(index, "apophyseal avulsion of the ischium") == {"avulsion": "+"}
    assert said(index, "apophyseal avulsion of the iliac crest") == {}


# -- another modality is another investigation -----------------------------------------------

FOLLOW_UP = ConceptIndex([Concept("fu", "Follow-up MRI", ("repeat MRI", "interval imaging"))], context=("mri",))


@pytest.mark.parametrize("answer, expected", [
    ("follow-up MRI", {"fu": "+"}),
    ("f/u MR", {"fu": "+"}),
    ("MRI follow-up", {"fu": "+"}),
    ("follow-up", {"fu": "+"}),  # in an MRI case the modality is the setting
    ("no follow-up needed", {"fu": "-"}),
    ("interval imaging", {"fu": "+"}),
    ("follow-up radiograph in 6 weeks", {}),
    ("radiograph follow-up", {}),
    ("follow-up CT", {}),
    ("interval imaging with CT", {}),
    ("repeat ultrasound", {}),
])
def test_a_term_is_not_credited_beside_another_modality(answer, expected):
    assert said(FOLLOW_UP, answer) == expected


def test_the_label_decides_the_modality_not_one_synonym():
    # "Image-guided" is any modality; the synonym's ultrasound is one way of doing it.
    index = ConceptIndex([Concept("inj", "Image-guided injection", ("guided injection", "ultrasound-guided injection"))])
    assert said(index, "CT-guided injection") == {"inj": "+"}
    assert said(index, "US guided injection") == {"inj": "+"}
    mri = ConceptIndex([Concept("mri", "Follow-up MRI", ("follow-up imaging",))])
    assert said(mri, "follow-up imaging") == {"mri": "+"}
    assert said(mri, "follow-up imaging by ultrasound") == {}
