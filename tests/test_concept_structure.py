"""How a case's concepts and an answer's mentions fit together (issue 8): polarity and credit
lost not to unknown words but to structure. Each rule with an answer a teacher credits and a
near miss that must stay uncredited.
"""

from __future__ import annotations

import textwrap

import pytest

from tutor.cases.loading import load_case_bytes
from tutor.grading import CaseGrader

# Facts from seed 000 (radiographs first, to exclude osteoarthritis, fracture and a bony lesion;
# a normal sciatic nerve and hamstring origin beside the quadratus femoris edema of IFI).
CASE = textwrap.dedent(
    """\
    format: 1
    id: structure-demo
    title: Structure demo
    source: seeds/000
    side: left
    tags: [hip]
    concepts:
      normal-radiograph:
        label: Radiographs show no osteoarthritis, fracture or bone lesion
        synonyms: [unremarkable radiographs]
      bone-lesion:
        label: Bone lesion on the radiographs
        synonyms: [lytic lesion]
      qf-edema:
        label: Quadratus femoris edema
        synonyms: [QF edema]
      intact-hamstrings:
        label: Normal hamstring tendons
        synonyms: [hamstring tendons unremarkable]
      thick-hamstring-tendon:
        label: Thickened hamstring tendon
        synonyms: [hamstring tendinosis]
      normal-sciatic-nerve:
        label: Normal sciatic nerve
        synonyms: [sciatic nerve unremarkable, symmetric sciatic nerves]
      sciatic-nerve-edema:
        label: Sciatic nerve edema
        synonyms: [edematous sciatic nerve]
    stages:
      - id: findings
        kind: findings
        ask: What do you see?
        expect: [normal-radiograph, qf-edema, intact-hamstrings, normal-sciatic-nerve]
        misconceptions:
          - {concept: bone-lesion, feedback: There is none.}
          - {concept: thick-hamstring-tendon, feedback: The tendons are normal.}
          - {concept: sciatic-nerve-edema, feedback: The nerve is normal.}
        explain: Findings.
      - id: tendons
        kind: findings
        ask: And the tendons?
        expect: [thick-hamstring-tendon]
        explain: Tendons.
    """
)


@pytest.fixture(scope="module")
def grader():
    return CaseGrader(load_case_bytes(CASE.encode(), "structure-demo.yaml"))


def credited(grader, stage: str, answer: str) -> dict[str, str]:
    grade = grader.grade(stage, answer)
    return {**{c: "+" for c in grade.matched + grade.misconceptions}, **{c: "-" for c in grade.negated}}


# -- an absence a study shows, said as a list ---------------------------------------------------


@pytest.mark.parametrize("answer, expected", [
    # The answer's "no" is the label's own: the absence is stated, not denied.
    ("No osteoarthritis, fracture or focal bone lesion on plain films", {"normal-radiograph": "+"}),
    ("no OA, fracture or bone lesion seen", {"normal-radiograph": "+"}),
    ("no OA or fracture or bone lesion", {"normal-radiograph": "+"}),
    ("no OA and no fracture or bone lesion", {"normal-radiograph": "+"}),
    # Near misses: the list said present, or only its last item said absent beside a fracture.
    ("radiographs: osteoarthritis, fracture or bone lesion", {}),
    ("no bone lesion on XR but a fracture", {}),
])
def test_an_absence_a_study_shows_is_stated_by_the_answers_own_no(grader, answer, expected):
    got = credited(grader, "findings", answer)
    assert {c: v for c, v in got.items() if c == "normal-radiograph"} == expected


# -- a structure said normal, in a list and with its name shortened ---------------------------


@pytest.mark.parametrize("answer, expected", [
    ("hamstrings intact, sciatic nerve symmetric and normal",
     {"intact-hamstrings": "+", "normal-sciatic-nerve": "+", "thick-hamstring-tendon": "-", "sciatic-nerve-edema": "-"}),
    ("QF edema; hamstrings nl; sciatic nl",
     {"qf-edema": "+", "intact-hamstrings": "+", "normal-sciatic-nerve": "+", "thick-hamstring-tendon": "-",
      "sciatic-nerve-edema": "-"}),
    ("hamstrings and sciatic nerve normal",
     {"intact-hamstrings": "+", "normal-sciatic-nerve": "+", "thick-hamstring-tendon": "-", "sciatic-nerve-edema": "-"}),
    ("hamstring tendons ok", {"intact-hamstrings": "+", "thick-hamstring-tendon": "-"}),
    # "symmetric" is the normal concept's own word, not a finding the Chinese "symmetric" denies.
    ("sciatic nerve 對稱", {"normal-sciatic-nerve": "+", "sciatic-nerve-edema": "-"}),
    ("膕旁肌正常，坐骨神經正常",
     {"intact-hamstrings": "+", "normal-sciatic-nerve": "+", "thick-hamstring-tendon": "-", "sciatic-nerve-edema": "-"}),
    # Near misses: nothing said normal, another finding between, or another structure normal.
    ("hamstrings and QF edema", {"qf-edema": "+"}),
    ("hamstring tear and a normal QF", {"qf-edema": "-"}),  # the expected edema said normal: missed
    ("sciatic nerve normal", {"normal-sciatic-nerve": "+", "sciatic-nerve-edema": "-"}),
])
def test_a_structure_said_normal_states_its_normal_concept_and_denies_its_wrong_findings(grader, answer, expected):
    got = credited(grader, "findings", answer)
    assert {c: v for c, v in got.items() if c != "normal-radiograph"} == expected


def test_a_structure_said_normal_denies_no_finding_the_stage_expects(grader):
    # Where the thickened tendon is the answer, "hamstrings normal" is wrong: missed, not denied.
    grade = grader.grade("tendons", "hamstrings normal")
    assert grade.matched == () and grade.missing == ("thick-hamstring-tendon",)


# -- a label's aside that names other concepts of the case ------------------------------------

# Facts from seed 000: a sciatic nerve tumour (schwannoma or neurofibroma) is a cannot-miss
# diagnosis; a soft tissue sarcoma is its rival.
KINDS_CASE = textwrap.dedent(
    """\
    format: 1
    id: kinds-demo
    title: Kinds demo
    source: seeds/000
    concepts:
      nerve-tumour:
        label: Sciatic nerve tumour (schwannoma or neurofibroma)
        synonyms: [tumour of the sciatic nerve]
      schwannoma:
        label: Schwannoma of the sciatic nerve
        synonyms: [sciatic schwannoma]
      neurofibroma:
        label: Neurofibroma of the sciatic nerve
        synonyms: [sciatic neurofibroma]
      sarcoma:
        label: Soft tissue sarcoma
        synonyms: [sarcoma]
    stages:
      - id: differential
        kind: differential
        ask: What could it be?
        expect: [schwannoma, neurofibroma, sarcoma]
        explain: Differential.
      - id: diagnosis
        kind: diagnosis
        ask: What is it?
        expect: [nerve-tumour]
        misconceptions:
          - {concept: sarcoma, feedback: The margins are smooth.}
        explain: Diagnosis.
    """
)


@pytest.fixture(scope="module")
def kinds():
    return CaseGrader(load_case_bytes(KINDS_CASE.encode(), "kinds-demo.yaml"))


@pytest.mark.parametrize("stage, answer, expected", [
    # The aside's words name the case's own schwannoma and neurofibroma where the stage asks for them,
    ("differential", "schwannoma, neurofibroma, sarcoma", {"schwannoma": "+", "neurofibroma": "+", "sarcoma": "+"}),
    # and each is the tumour where the stage asks for the tumour.
    ("diagnosis", "schwannoma", {"nerve-tumour": "+"}),
    ("diagnosis", "neurofibroma of the sciatic nerve", {"nerve-tumour": "+"}),
    # Near misses: the rival is no kind of the tumour; a schwannoma is no neurofibroma.
    ("diagnosis", "sarcoma", {"sarcoma": "+"}),
    ("differential", "schwannoma", {"schwannoma": "+"}),
])
def test_an_aside_naming_concepts_of_the_case_names_those_and_they_name_it(kinds, stage, answer, expected):
    assert credited(kinds, stage, answer) == expected


# -- what a thing is and what it is not ---------------------------------------------------------

# Facts from seed 000: quadratus femoris edema is the sign of ischiofemoral impingement; beside a
# hamstring injury with wide spaces it is reactive, not impingement.
IS_NOT_CASE = textwrap.dedent(
    """\
    format: 1
    id: is-not-demo
    title: Is-not demo
    source: seeds/000
    concepts:
      qf-edema:
        label: Quadratus femoris edema
        synonyms: [QF edema]
      ifi:
        label: Ischiofemoral impingement
        synonyms: [IFI]
      reactive-edema:
        label: Quadratus femoris edema from the neighbouring hamstring injury, not from impingement
        synonyms: [reactive QF edema next to the hamstring tear]
    stages:
      - id: findings
        kind: findings
        ask: What do you see?
        expect: [qf-edema]
        explain: Findings.
      - id: diagnosis
        kind: diagnosis
        ask: What is it?
        expect: [reactive-edema]
        misconceptions:
          - {concept: ifi, feedback: The spaces are wide.}
        explain: Diagnosis.
    """
)


@pytest.fixture(scope="module")
def is_not():
    return CaseGrader(load_case_bytes(IS_NOT_CASE.encode(), "is-not-demo.yaml"))


@pytest.mark.parametrize("answer, expected", [
    ("QF edema, not IFI", {"reactive-edema": "+", "ifi": "-"}),
    ("the QF edema is reactive to the tear, not impingement", {"reactive-edema": "+", "ifi": "-"}),
    ("股方肌水腫 非 IFI 所致", {"reactive-edema": "+", "ifi": "-"}),
    # Near misses: the thing alone, the other alone denied, the thing from the other, or denied.
    ("QF edema", {}),
    ("not IFI", {"ifi": "-"}),
    ("QF edema from IFI", {"ifi": "+"}),
    ("no QF edema, not IFI", {"ifi": "-"}),
    ("QF edema; IFI cannot be excluded", {"ifi": "+"}),
])
def test_what_a_thing_is_and_is_not_is_earned_by_stating_the_one_and_ruling_out_the_other(is_not, answer, expected):
    assert credited(is_not, "diagnosis", answer) == expected


# -- a case concept for one kind of what a lexicon class names -------------------------------


def test_a_kind_the_lexicon_lists_under_its_class_is_no_twin_of_the_class(tmp_path):
    from tutor.cases.loading import load_shared

    (tmp_path / "lexicon.yaml").write_text(textwrap.dedent("""\
        format: 1
        concepts:
          surgical-intervention:
            label: Surgery
            synonyms: [operation, hip replacement]
          avn:
            label: Osteonecrosis of the femoral head
            synonyms: [AVN, avascular necrosis]
        """), encoding="utf-8")
    shared = load_shared(tmp_path)
    # Seed 000: a hip replacement is no treatment for a pain from outside the joint.
    text = textwrap.dedent("""\
        format: 1
        id: kind-demo
        title: Kind demo
        source: seeds/000
        concepts:
          hip-replacement:
            label: Hip replacement
            synonyms: [THR]
          onfh:
            label: Avascular necrosis
        stages:
          - id: plan
            kind: management
            ask: What now?
            expect: [onfh]
            misconceptions:
              - {concept: hip-replacement, feedback: The hip is not the source.}
            explain: Plan.
        """)
    case = load_case_bytes(text.encode(), "kind-demo.yaml", shared)
    grader = CaseGrader(case)
    assert case.concepts["hip-replacement"].inherited_from is None  # one kind, not the class
    assert case.concepts["onfh"].inherited_from == "avn"  # a synonym is still a twin
    # The class keeps its other terms; the kind's term is the case's concept's alone.
    assert case.concepts["surgical-intervention"].synonyms == ("operation",)
    assert credited(grader, "plan", "total hip replacement") == {"hip-replacement": "+"}
    assert credited(grader, "plan", "surgery") == {}  # the class is no kind of it
    assert credited(grader, "plan", "AVN") == {"onfh": "+"}
