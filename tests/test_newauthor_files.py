"""The new-author dev split (tests/newauthor/) is well formed: its cases pass `tutor check`
and every label names a stage and a concept that the case really has.

Structure only: what the matcher makes of these answers is the benchmark's business
(scripts/bench_grading.py), not a test's, so tuning can never turn this test red.
"""

from pathlib import Path

import pytest

from labelled_splits import ANSWER_KEYS, STAGE_KINDS, read_yaml, stage_concepts
from tutor.cli import main

NEWAUTHOR = Path(__file__).parent / "newauthor"
CASES = sorted((NEWAUTHOR / "cases").glob("*.yaml"))
ANSWER_FILES = sorted((NEWAUTHOR / "answers").glob("*.yaml"))
MINIMUM_ANSWERS_PER_CASE = 110



def test_the_split_has_ten_cases_each_with_an_answer_file():
    assert len(CASES) == 10
    assert [path.name for path in ANSWER_FILES] == [path.name for path in CASES]


@pytest.mark.parametrize("case_path", CASES, ids=lambda path: path.stem)
def test_case_passes_tutor_check(case_path, capsys):
    assert main(["check", str(case_path)]) == 0, capsys.readouterr()


@pytest.mark.parametrize("case_path", CASES, ids=lambda path: path.stem)
def test_case_names_a_seed_and_covers_all_five_stage_kinds(case_path):
    case = read_yaml(case_path)
    assert case["id"] == case_path.stem
    assert "seed 0" in case["source"]
    assert {stage["kind"] for stage in case["stages"]} == STAGE_KINDS


@pytest.mark.parametrize("answers_path", ANSWER_FILES, ids=lambda path: path.stem)
def test_every_label_names_a_concept_of_its_stage(answers_path):
    labels = read_yaml(answers_path)
    case = read_yaml(NEWAUTHOR / "cases" / f"{labels['case']}.yaml")
    concepts = stage_concepts(case)
    answers = labels["answers"]
    assert len(answers) >= MINIMUM_ANSWERS_PER_CASE
    assert {answer["stage"] for answer in answers} == set(concepts)
    for number, answer in enumerate(answers, start=1):
        where = f"{answers_path.name} answer {number}: {answer.get('answer')!r}"
        assert set(answer) == ANSWER_KEYS, where
        assert isinstance(answer["answer"], str) and answer["answer"].strip(), where
        expected, misconceptions = concepts[answer["stage"]]
        assert set(answer["matched"]) <= expected, where
        assert set(answer["misconceptions"]) <= misconceptions, where
        assert set(answer["negated"]) <= expected | misconceptions, where
        assert not set(answer["negated"]) & (set(answer["matched"]) | set(answer["misconceptions"])), where
        assert all(isinstance(tag, str) for tag in answer["tags"]), where


@pytest.mark.parametrize("answers_path", ANSWER_FILES, ids=lambda path: path.stem)
def test_traps_are_a_quarter_to_a_third_of_the_answers(answers_path):
    answers = read_yaml(answers_path)["answers"]
    traps = sum("trap" in answer["tags"] for answer in answers)
    assert 0.25 <= traps / len(answers) <= 0.33
