"""`either_way: true` on an expected concept: a thing to comment on, credited present or absent."""

from __future__ import annotations

import textwrap

import pytest

from tutor.grading import CaseGrader
from tutor.cases.loading import CaseError, load_case_bytes

REPORT_CASE = textwrap.dedent(
    """\
    format: 1
    id: report-demo
    title: A structured report
    source: Seed 000, reporting anchors (for the tests)
    concepts:
      joint-effusion:
        label: Hip joint effusion
        synonyms: [hip effusion, joint effusion]
      ischial-marrow-edema:
        label: Ischial marrow edema
        synonyms: [ischial tuberosity marrow edema]
      narrow-ifs:
        label: Narrow ischiofemoral space
        synonyms: [narrow IFS]
        measure: {of: [IFS, ischiofemoral space], unit: mm, below: 17}
    stages:
      - id: report
        kind: management
        ask: Write the report.
        expect:
          - {concept: joint-effusion, either_way: true}
          - {concept: ischial-marrow-edema, either_way: true}
          - {concept: narrow-ifs, either_way: true}
        explain: Comment on each anchor, normal or not.
      - id: findings
        kind: findings
        ask: What do you see?
        expect: [joint-effusion]
        explain: An effusion.
    """
)


@pytest.fixture(scope="module")
def grader():
    return CaseGrader(load_case_bytes(REPORT_CASE.encode(), "report-demo.yaml"))


def test_a_stated_absence_reports_the_anchor(grader):
    grade = grader.grade("report", "No hip joint effusion. No ischial tuberosity marrow edema.")
    assert grade.matched == ("joint-effusion", "ischial-marrow-edema")
    assert grade.negated == ()
    assert grade.reported_absent == ("joint-effusion", "ischial-marrow-edema")
    assert grade.to_json()["reported_absent"] == ["joint-effusion", "ischial-marrow-edema"]


def test_a_present_finding_reports_it_too(grader):
    grade = grader.grade("report", "small hip effusion; IFS 11 mm")
    assert grade.matched == ("joint-effusion", "narrow-ifs")
    assert grade.reported_absent == ()


def test_a_measurement_on_the_normal_side_reports_the_space(grader):
    grade = grader.grade("report", "IFS 22 mm")
    assert grade.matched == ("narrow-ifs",)
    assert grade.reported_absent == ("narrow-ifs",)


def test_without_the_flag_an_absence_is_still_a_denial(grader):
    grade = grader.grade("findings", "no hip joint effusion")
    assert grade.matched == ()
    assert grade.negated == ("joint-effusion",)


def test_saying_nothing_of_an_anchor_leaves_it_missing(grader):
    grade = grader.grade("report", "no hip joint effusion")
    assert set(grade.missing) == {"ischial-marrow-edema", "narrow-ifs"}
    assert grade.credit == pytest.approx(1 / 3, abs=1e-3)


def test_either_way_must_be_true_or_false():
    bad = REPORT_CASE.replace("{concept: joint-effusion, either_way: true}", "{concept: joint-effusion, either_way: often}")
    with pytest.raises(CaseError) as caught:
        load_case_bytes(bad.encode(), "bad.yaml")
    assert "either_way" in str(caught.value) and "bad.yaml:" in str(caught.value)


@pytest.mark.parametrize("answer, reported", [
    ("No hip joint effusion.", {"joint-effusion"}),
    ("hip joint effusion not assessed", set()),  # not looked at: neither reported nor absent
    ("did not look at the ischial tuberosity marrow edema", set()),
    ("no need to comment on the hip effusion", set()),
    ("ischial marrow edema: not evaluated. No hip effusion.", {"joint-effusion"}),
])
def test_what_was_not_looked_at_is_not_reported(grader, answer, reported):
    grade = grader.grade("report", answer)
    assert set(grade.matched) == reported and grade.negated == ()


def test_an_effusion_of_another_joint_is_not_the_hips(grader):
    assert grader.grade("report", "knee joint effusion").matched == ()
    assert grader.grade("report", "shoulder effusion").matched == ()
