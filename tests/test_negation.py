"""Denials as clinicians write them: lists, cues after the concept, longer cue phrases, turns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.matching.index import ConceptIndex
from tutor.model import Concept

FINDINGS = ["fever", "chills", "weight loss", "night sweats", "sciatic nerve edema", "joint effusion",
            "bursitis", "labral tear", "stress fracture", "muscle atrophy"]
INDEX = ConceptIndex([Concept(f.replace(" ", "-"), f) for f in FINDINGS])


def stance(answer: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for mention in INDEX.find(answer).mentions:
        mark = "?" if mention.considered else "-" if mention.negated else "+"
        if result.get(mention.concept) != "+":
            result[mention.concept] = mark
    return result


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("denies fever, chills, or weight loss", {"fever": "-", "chills": "-", "weight-loss": "-"}),
        ("no bursitis, labral tear or stress fracture", {"bursitis": "-", "labral-tear": "-", "stress-fracture": "-"}),
        ("negative for fever, chills and night sweats", {"fever": "-", "chills": "-", "night-sweats": "-"}),
        ("free of fever and weight loss", {"fever": "-", "weight-loss": "-"}),
        ("without bursitis or joint effusion", {"bursitis": "-", "joint-effusion": "-"}),
        ("no evidence of bursitis or labral tear", {"bursitis": "-", "labral-tear": "-"}),
        ("no findings to suggest a stress fracture", {"stress-fracture": "-"}),
        ("low suspicion for labral tear", {"labral-tear": "-"}),
        # Cues after the concept.
        ("joint effusion: none", {"joint-effusion": "-"}),
        ("fever: nil", {"fever": "-"}),
        ("bursitis negative", {"bursitis": "-"}),
        ("the joint effusion has resolved", {"joint-effusion": "-"}),
        ("the joint effusion has not resolved", {"joint-effusion": "+"}),
        # A turn ends the denial.
        ("no stress fracture but marked muscle atrophy", {"stress-fracture": "-", "muscle-atrophy": "+"}),
        ("no fever; weight loss", {"fever": "-", "weight-loss": "+"}),
        ("no fever, however night sweats and weight loss", {"fever": "-", "night-sweats": "+", "weight-loss": "+"}),
        # "no A and B" with a longer B is how learners write "no trauma and pain on long strides".
        ("no fever and sciatic nerve edema on the right", {"fever": "-", "sciatic-nerve-edema": "+"}),
        # Double negatives and "no change in X" state X.
        ("no change in the joint effusion", {"joint-effusion": "+"}),
        ("no doubt about the stress fracture", {"stress-fracture": "+"}),
        ("not sure about a labral tear", {"labral-tear": "?"}),
    ],
)
def test_denials_as_clinicians_write_them(answer, expected):
    assert stance(answer) == expected


@pytest.mark.parametrize("cue", ["doesnt", "isnt", "dont", "cant", "wont", "didnt",
                                 "doesn't", "isn't", "don't", "can't", "won't", "didn't"])
def test_contractions_without_the_apostrophe_negate_like_spelled_out_ones(cue):
    assert stance(f"she {cue} have bursitis") == {"bursitis": "-"}


WORDS = st.sampled_from(FINDINGS)


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=2, max_size=5, unique=True),
       st.sampled_from(["no", "denies", "negative for", "free of", "without", "no evidence of"]),
       st.sampled_from(["or", "and", "nor"]))
def test_a_denial_reaches_every_item_of_the_list_it_governs(items, cue, connector):
    if connector == "and" and len(items) == 2:
        items = [*items, "bursitis" if "bursitis" not in items else "fever"]  # "no A and B" is ambiguous
    answer = f"{cue} {', '.join(items[:-1])} {connector} {items[-1]}"
    assert stance(answer) == {item.replace(" ", "-"): "-" for item in items}, answer


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, min_size=2, max_size=4, unique=True),
       st.sampled_from(["but", "however", "although", ";", "."]))
def test_a_turn_ends_the_denial(items, turn):
    denied, *present = items
    answer = f"no {denied} {turn} {' and '.join(present)}"
    result = stance(answer)
    assert result[denied.replace(" ", "-")] == "-", answer
    assert all(result[p.replace(" ", "-")] == "+" for p in present), answer


PLAN = ConceptIndex([Concept(f.replace(" ", "-"), f) for f in
                     ["reduced weight bearing", "rest", "shorter strides", "stress fracture", "crutches"]])


@pytest.mark.parametrize(
    "answer, plan, prevented",
    [
        ("reduced weight bearing to avoid stress fracture", "reduced-weight-bearing", "stress-fracture"),
        ("rest to avoid a stress fracture", "rest", "stress-fracture"),
        ("shorter strides to prevent stress fracture", "shorter-strides", "stress-fracture"),
        ("crutches so as to avoid stress fracture", "crutches", "stress-fracture"),
        ("crutches in order to prevent a stress fracture", "crutches", "stress-fracture"),
    ],
)
def test_a_plan_to_avoid_something_states_the_plan_and_not_what_it_avoids(answer, plan, prevented):
    stances = {m.concept: m.negated for m in PLAN.find(answer).mentions}
    assert stances == {plan: False, prevented: True}, answer


def test_avoiding_a_plan_still_denies_it():
    assert {m.concept: m.negated for m in PLAN.find("avoid crutches").mentions} == {"crutches": True}
