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
    stages:
      - id: findings
        kind: findings
        ask: What do you see?
        expect: [normal-radiograph, qf-edema]
        misconceptions:
          - {concept: bone-lesion, feedback: There is none.}
        explain: Findings.
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
