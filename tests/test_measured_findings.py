"""A measurement states the finding it measures, whichever side of its threshold the number is.

"retraction 1.5 cm" is a retracted tendon, though not one retracted more than 2 cm. Each rule
has answers it credits and near misses it must not.
"""

from __future__ import annotations

import textwrap

import pytest

from tutor.cases.loading import load_case_bytes
from tutor.grading import CaseGrader

# Seed 000: a complete tear shows retraction and a gap; retraction over 2 cm goes to a surgeon.
CASE = textwrap.dedent(
    """\
    format: 1
    id: measured-demo
    title: A retracted hamstring avulsion
    source: Seed 000, reworded for the tests
    concepts:
      retracted:
        label: Retracted tendon ends with a fluid-filled gap
        synonyms: [retracted tendons]
      over-2cm:
        label: Retraction of more than 2 cm
        measure: {of: [retraction, retracted], unit: cm, above: 2}
      report-retraction:
        label: State the retraction distance in the report
      narrow-ifs:
        label: Narrow ischiofemoral space
        measure: {of: [IFS, ischiofemoral space], unit: mm, below: 17}
      qf-edema:
        label: Quadratus femoris edema
      complete:
        label: Complete avulsion of the hamstring origin
      partial:
        label: Partial hamstring tear
    stages:
      - id: findings
        kind: findings
        ask: What does the MRI show?
        expect: [retracted, over-2cm, report-retraction, complete, narrow-ifs, qf-edema]
        misconceptions:
          - {concept: partial, feedback: The tear is complete.}
        explain: A complete avulsion retracted 5 cm.
    """
)


def credited(answer: str) -> tuple[set[str], set[str]]:
    grade = CaseGrader(load_case_bytes(CASE.encode(), "measured-demo.yaml")).grade("findings", answer)
    return set(grade.matched) | set(grade.misconceptions), set(grade.negated)


@pytest.mark.parametrize("answer, asserted, denied", [
    ("retraction 5 cm", {"retracted", "over-2cm"}, set()),
    ("retracted 1.5 cm", {"retracted"}, {"over-2cm"}),
    ("tendons retracted about 5 cm", {"retracted", "over-2cm"}, set()),
])
def test_a_retraction_measured_is_a_retraction(answer, asserted, denied):
    assert credited(answer) == (asserted, denied)


@pytest.mark.parametrize("answer, asserted, denied", [
    ("no retraction over 2 cm", set(), {"over-2cm"}),  # a denial, no measurement
    ("no retracted tendons", set(), {"retracted"}),
    # A number states the thing, not that it was reported, nor the state of a space.
    ("retraction 5 cm", {"retracted", "over-2cm"}, set()),
    ("IFS 12 mm", {"narrow-ifs"}, set()),  # not the quadratus femoris edema
])
def test_a_measurement_states_no_report_and_no_other_structure(answer, asserted, denied):
    assert credited(answer) == (asserted, denied)


@pytest.mark.parametrize("answer, asserted, denied", [
    ("complete tear", {"complete"}, set()),  # seed 000: the complete tear at the origin is the avulsion
    ("complete rupture", {"complete"}, set()),
    ("no complete tear", set(), {"complete"}),
    ("partial hamstring tear", {"partial"}, set()),  # never the complete one
    ("incomplete hamstring tear", {"partial"}, set()),
])
def test_a_complete_tear_is_the_complete_avulsion(answer, asserted, denied):
    assert credited(answer) == (asserted, denied)
