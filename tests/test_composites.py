"""Concepts that are a relation between two things (tutor/composites.py), read from their labels.

Each rule with answers it credits and near misses it must not: a conditional step is not the
step alone, a combination is not one of its parts, a comparison is not its reverse.
"""

from __future__ import annotations

import textwrap

import pytest

from tutor.composites import split_at_condition
from tutor.grading import CaseGrader
from tutor.cases.loading import load_case_bytes

# A case as a new author writes it: each concept a label and at most two synonyms, and the
# relation concepts say what they join only in their labels.
CASE = textwrap.dedent(
    """\
    format: 1
    id: composites-demo
    title: Relations between two things
    source: Seeds 001 and 002, reworded for the tests
    concepts:
      conservative:
        label: Conservative treatment
        synonyms: [non-surgical care]
      surgery:
        label: Surgery
        synonyms: [operation]
      surgery-if-refractory:
        label: Surgery only if conservative care fails
      resection:
        label: Partial resection of the lesser trochanter
      resection-if-refractory:
        label: Lesser trochanter resection, only if conservative treatment fails
      fixation-if-displaced:
        label: Fixation only if displaced or refractory to conservative care
      injection-if-refractory:
        label: Guided injection only if physiotherapy fails
    stages:
      - id: management
        kind: management
        ask: How would you treat it?
        expect: [conservative, surgery-if-refractory]
        misconceptions:
          - {concept: surgery, feedback: Not first.}
        explain: Conservative care first; surgery only if it fails.
      - id: resection
        kind: management
        ask: And for the impingement?
        expect: [conservative, resection-if-refractory]
        misconceptions:
          - {concept: resection, feedback: Not first.}
        explain: Conservative care first; resection only if it fails.
      - id: fixation
        kind: management
        ask: And for the fragment?
        expect: [conservative, fixation-if-displaced]
        explain: Conservative care; fixation only if displaced or refractory.
      - id: injection
        kind: management
        ask: And for the pain?
        expect: [injection-if-refractory]
        explain: An injection only if physiotherapy fails.
      - id: two-operations
        kind: management
        ask: Which operation, when?
        expect: [resection-if-refractory, fixation-if-displaced]
        explain: Either, only if conservative care fails.
    """
)


@pytest.fixture(scope="module")
def grader():
    return CaseGrader(load_case_bytes(CASE.encode(), "composites-demo.yaml"))


def credited(grader, stage: str, answer: str) -> tuple[set[str], set[str]]:
    grade = grader.grade(stage, answer)
    return set(grade.matched), set(grade.misconceptions)


# -- a step kept for when another fails ----------------------------------------------------------


@pytest.mark.parametrize("label, step", [
    ("Surgery only if conservative care fails", "Surgery"),
    ("Surgery only as a last resort, after non-surgical care fails", "Surgery"),
    ("Lesser trochanter resection, only if conservative treatment fails", "Lesser trochanter resection"),
    ("Surgery only for displaced fragments or refractory symptoms", "Surgery"),
    ("If conservative care fails, sciatic nerve release", "sciatic nerve release"),
])
def test_a_conditional_label_is_read_as_its_step_and_condition(label, step):
    split = split_at_condition(label)
    assert split is not None and split[0] == step


@pytest.mark.parametrize("label", ["Pain when sitting", "Surgery", "Rest for six weeks",
                                   "Fluid in the ischial bursa", "Surgery for the fragment"])
def test_a_label_without_a_condition_of_failure_is_not_conditional(label):
    assert split_at_condition(label) is None


@pytest.mark.parametrize("answer", [
    "surgery if conservative fails",
    "operation only if refractory",
    "surgery if symptoms persist",
    "conservative first, surgery only if refractory",
    "if conservative treatment fails, surgery",
    "if refractory, then surgery",
    "surgery as a last resort",
    "reserve surgery for failed conservative care",
    "surgery for refractory cases",
    "若保守治療無效再考慮手術",
])
def test_the_step_said_with_a_condition_of_failure_earns_the_conditional_concept(grader, answer):
    matched, wrong = credited(grader, "management", answer)
    assert "surgery-if-refractory" in matched
    assert "surgery" not in wrong  # the step kept for later is not a vote for surgery now


@pytest.mark.parametrize("answer", [
    "early surgery",
    "surgery now",
    "surgery for the fragment",
    "surgery if needed",
    "no surgery if conservative care fails",
    "conservative treatment fails often; surgery",
])
def test_the_step_alone_does_not_earn_the_conditional_concept(grader, answer):
    matched, _ = credited(grader, "management", answer)
    assert "surgery-if-refractory" not in matched


def test_what_failed_is_the_condition_not_a_plan(grader):
    matched, _ = credited(grader, "management", "surgery if conservative fails")
    assert matched == {"surgery-if-refractory"}
    matched, _ = credited(grader, "management", "conservative treatment; surgery if it fails")
    assert matched == {"conservative", "surgery-if-refractory"}


def test_a_named_step_needs_its_own_words(grader):
    """The resection's concept is earned by the resection made conditional, not by any surgery."""
    matched, wrong = credited(grader, "resection", "lesser trochanter resection if conservative treatment fails")
    assert matched == {"resection-if-refractory"} and not wrong
    matched, wrong = credited(grader, "resection", "partial resection of the lesser trochanter")
    assert "resection-if-refractory" not in matched and wrong == {"resection"}


def test_surgery_kept_for_a_failure_names_the_stages_one_operation_kept_for_it(grader):
    matched, wrong = credited(grader, "resection", "conservative treatment first, surgery only if refractory")
    assert matched == {"conservative", "resection-if-refractory"} and not wrong
    matched, _ = credited(grader, "resection", "early surgery")
    assert "resection-if-refractory" not in matched
    # Not a step that is no operation, nor one of two operations the stage asks about.
    matched, _ = credited(grader, "injection", "surgery if physiotherapy fails")
    assert "injection-if-refractory" not in matched
    matched, _ = credited(grader, "two-operations", "surgery if refractory")
    assert not matched
    matched, _ = credited(grader, "two-operations", "fixation if refractory")
    assert matched == {"fixation-if-displaced"}


def test_what_failed_is_no_plan_when_the_concepts_own_term_names_it():
    case = CASE.replace("label: Surgery only if conservative care fails",
                        "label: Piriformis release only if non-surgical care fails")
    grader = CaseGrader(load_case_bytes(case.encode(), "composites-demo.yaml"))
    grade = grader.grade("management", "piriformis release if conservative treatment fails")
    assert any(m.concept == "surgery-if-refractory" for m in grader.index.find(grade.answer).mentions)
    assert set(grade.matched) == {"surgery-if-refractory"}


@pytest.mark.parametrize("answer, earned", [
    ("conservative care fails, then surgery", True),  # the failure said first, a word joining it to the step
    ("保守治療無效再考慮手術", True),  # Chinese leaves out the "if" (若)
    ("failed 才 surgery", True),
    ("failed surgery", False),  # near miss: a surgery that failed
    ("surgery failed, then surgery", False),  # near miss: what failed is an operation
    ("conservative care fails often, surgery", False),  # near miss: nothing joins them
])
def test_a_failure_said_before_the_step_with_a_joining_word_is_its_condition(grader, answer, earned):
    matched, _ = credited(grader, "management", answer)
    assert ("surgery-if-refractory" in matched) is earned


def test_the_steps_own_word_for_the_operation_names_it_with_a_condition():
    case = CASE.replace("label: Surgery only if conservative care fails",
                        "label: Piriformis release only if non-surgical care fails")
    grader = CaseGrader(load_case_bytes(case.encode(), "composites-demo.yaml"))
    assert "surgery-if-refractory" in grader.grade("management", "stretching first; release only if that fails").matched
    assert "surgery-if-refractory" not in grader.grade("management", "release the tendon now").matched
    assert "surgery-if-refractory" not in grader.grade("management", "repair only if that fails").matched


def test_the_labels_own_condition_is_a_condition_too(grader):
    matched, _ = credited(grader, "fixation", "fixation if displaced")
    assert "fixation-if-displaced" in matched
    matched, _ = credited(grader, "fixation", "fixation if painful")
    assert "fixation-if-displaced" not in matched
    matched, _ = credited(grader, "fixation", "fixation if conservative")
    assert "fixation-if-displaced" not in matched  # the care that fails is no condition by itself


# -- two findings together, comparisons, dependences ----------------------------------------------

RELATIONS = textwrap.dedent(
    """\
    format: 1
    id: relations-demo
    title: Two findings together, and how they compare
    source: Seeds 001 and 002, reworded for the tests
    concepts:
      pht:
        label: Proximal hamstring tendinopathy
        synonyms: [PHT, hamstring tendinopathy]
      bursitis:
        label: Ischial bursitis
      both:
        label: "Both: tendinopathy together with bursitis"
      commoner:
        label: Tendinopathy alone is commoner than bursitis alone
      weak-link:
        label: Before fusion, the apophysis-to-bone junction is the weak link
      maturity:
        label: Skeletal maturity decides which part of the origin fails
        synonyms: [depends on age]
      narrow-not-ifi:
        label: The narrow space, without edema or symptoms, is not IFI
      ifi:
        label: Ischiofemoral impingement
        synonyms: [IFI]
    stages:
      - id: differential
        kind: differential
        ask: Bursitis, tendinopathy or both? Which is commoner alone?
        expect: [both, commoner]
        misconceptions:
          - {concept: pht, feedback: Not alone.}
          - {concept: bursitis, feedback: Not alone.}
        explain: Both; tendinopathy alone is the commoner picture.
      - id: diagnosis
        kind: diagnosis
        ask: Name everything.
        expect: [pht, bursitis]
        explain: Tendinopathy with bursitis.
      - id: why
        kind: differential
        ask: Why the apophysis, and not the tendon?
        expect: [weak-link, maturity]
        explain: Before fusion the apophysis gives way first; maturity decides.
      - id: left
        kind: diagnosis
        ask: And the narrow left space?
        expect: [narrow-not-ifi]
        misconceptions:
          - {concept: ifi, feedback: Not without edema or symptoms.}
        explain: A narrow space alone is not IFI.
    """
)


@pytest.fixture(scope="module")
def relations():
    return CaseGrader(load_case_bytes(RELATIONS.encode(), "relations-demo.yaml"))


@pytest.mark.parametrize("answer", [
    "hamstring tendinopathy and ischial bursitis",
    "PHT with ischial bursitis",
    "ischial bursitis along with proximal hamstring tendinopathy",
    "both",
    "both are present",
    "兩者都有",
])
def test_both_parts_joined_earn_the_combined_concept_and_not_the_parts(relations, answer):
    matched, wrong = credited(relations, "differential", answer)
    assert "both" in matched and not wrong


@pytest.mark.parametrize("answer", [
    "hamstring tendinopathy",
    "ischial bursitis alone",
    "tendinopathy or bursitis",
    "PHT, no bursitis",
    "PHT; ischial bursitis elsewhere",
    "tendinopathy alone and bursitis alone are seen",
    "not both",
])
def test_one_part_or_parts_apart_do_not_earn_the_combined_concept(relations, answer):
    matched, _ = credited(relations, "differential", answer)
    assert "both" not in matched


def test_a_synonym_that_joins_two_things_is_not_earned_by_either_of_them():
    label = '  both:\n    label: "Both: tendinopathy together with bursitis"\n'
    assert label in RELATIONS
    case = RELATIONS.replace(label, label + "    synonyms: [tendinopathy with bursitis]\n")
    grader = CaseGrader(load_case_bytes(case.encode(), "relations-demo.yaml"))
    assert "both" in credited(grader, "differential", "tendinopathy with bursitis")[0]
    assert "both" in credited(grader, "differential", "tendinopathy and bursitis")[0]
    assert "both" not in credited(grader, "differential", "tendinopathy or bursitis")[0]
    assert "both" not in credited(grader, "differential", "neither tendinopathy nor bursitis")[0]


def test_where_the_parts_are_asked_for_they_are_credited_each(relations):
    matched, _ = credited(relations, "diagnosis", "hamstring tendinopathy with ischial bursitis")
    assert matched == {"pht", "bursitis"}


@pytest.mark.parametrize("answer", [
    "tendinopathy alone is commoner",
    "tendinopathy is more common than bursitis",
    "bursitis alone is uncommon",
    "isolated bursitis is rare",
    "bursitis is less common than tendinopathy",
    "單純滑囊炎少見",
])
def test_a_comparison_said_either_way_round_earns_it(relations, answer):
    matched, wrong = credited(relations, "differential", answer)
    assert "commoner" in matched and not wrong  # "bursitis" in "bursitis alone is uncommon" is no vote for it


@pytest.mark.parametrize("answer", [
    "bursitis alone is commoner",
    "tendinopathy alone is rare",
    "bursitis is more common than tendinopathy",
    "tendinopathy is less common than bursitis",
    "tendinopathy is not more common",
    "tendinopathy and bursitis are common",
    "bursitis alone is commoner than tendinopathy alone",  # every word of the label, reversed
])
def test_the_reverse_comparison_does_not_earn_it(relations, answer):
    matched, _ = credited(relations, "differential", answer)
    assert "commoner" not in matched


@pytest.mark.parametrize("answer, earned", [
    ("apophysis weaker than tendon before fusion", True),
    ("the tendon is stronger than the apophysis", True),
    ("the apophysis is the weakest point", True),
    ("tendon weaker than apophysis", False),
    ("the apophysis is stronger than the tendon", False),
    ("the apophysis is not weaker", False),
])
def test_a_weak_link_is_a_comparison_too(relations, answer, earned):
    matched, _ = credited(relations, "why", answer)
    assert ("weak-link" in matched) is earned


@pytest.mark.parametrize("answer, earned", [
    ("skeletal maturity decides", True),
    ("depends on skeletal maturity", True),
    ("determined by skeletal maturity", True),
    ("age-dependent", True),
    ("it depends on the age of the patient", True),
    ("depends on the size of the fragment", False),
    ("does not depend on skeletal maturity", False),
    ("maturity of the tendon", False),
])
def test_a_dependence_is_earned_by_naming_what_decides(relations, answer, earned):
    matched, _ = credited(relations, "why", answer)
    assert ("maturity" in matched) is earned


@pytest.mark.parametrize("answer, earned", [
    ("narrow IFS alone is not enough for IFI", True),
    ("a narrow ischiofemoral space is not IFI", True),
    ("QF edema is not IFI", False),
    ("IFI is not a narrow space", False),
    ("narrow space, IFI", False),
])
def test_one_thing_said_not_to_be_another(relations, answer, earned):
    matched, wrong = credited(relations, "left", answer)
    assert ("narrow-not-ifi" in matched) is earned
    if earned:
        assert not wrong and not relations.grade("left", answer).negated  # IFI is not ruled out by it


def test_the_shipped_relation_words_are_lists_of_words():
    import yaml

    from tutor.matching.tokens import shipped_words_file

    section = yaml.safe_load(shipped_words_file().read_text(encoding="utf-8"))["composites"]
    assert {"condition_words", "failure", "joined_by", "alone", "more_common", "less_common"} <= set(section)
    for name, listed in section.items():
        assert isinstance(listed, list) and all(isinstance(w, str) for w in listed), name


ALONE = textwrap.dedent(
    """\
    format: 1
    id: alone-demo
    title: A plan alone
    source: Seed 001, reworded for the tests
    concepts:
      conservative-only:
        label: Rest, NSAIDs and physiotherapy alone
        synonyms: [just rest and NSAIDs]
      referral:
        label: Surgical referral
        synonyms: [referral to a surgeon]
      tenderness:
        label: Tender just behind the ischial tuberosity
      weakness:
        label: Weak knee flexion
    stages:
      - id: management
        kind: management
        ask: What do you recommend?
        expect: [referral]
        misconceptions:
          - {concept: conservative-only, feedback: Not for a retracted avulsion.}
        explain: An early surgical referral.
      - id: examination
        kind: findings
        ask: What do you find?
        expect: [tenderness, weakness]
        explain: Tender behind the tuberosity, weak knee flexion.
    """
)


def test_a_plan_alone_is_not_said_beside_another_plan():
    grader = CaseGrader(load_case_bytes(ALONE.encode(), "alone-demo.yaml"))
    assert credited(grader, "management", "rest, NSAIDs and physiotherapy") == (set(), {"conservative-only"})
    assert credited(grader, "management", "rest and NSAIDs, and urgent referral to a surgeon") == ({"referral"}, set())
    # A label with "just" inside it is no plan alone.
    assert credited(grader, "examination", "tender just behind the ischial tuberosity, weak knee flexion")[0] == {
        "tenderness", "weakness"}
