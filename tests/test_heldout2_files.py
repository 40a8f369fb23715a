"""The second frozen held-out split (tests/heldout2/) is well formed: its cases pass `tutor check`
and every label names a stage and a concept that the case really has.

Structure only: what the matcher makes of these answers is never asserted here (the benchmark's
`--heldout2` reports it, totals only), so nothing about the split can be learned from a test.
"""

from pathlib import Path

import pytest

from labelled_splits import ANSWER_KEYS, STAGE_KINDS, read_yaml, stage_concepts
from tutor.cli import main

HELDOUT2 = Path(__file__).parent / "heldout2"
CASES = sorted((HELDOUT2 / "cases").glob("*.yaml"))
ANSWER_FILES = sorted((HELDOUT2 / "answers").glob("*.yaml"))
MINIMUM_ANSWERS_PER_CASE = 125



def test_the_split_has_two_cases_each_with_an_answer_file():
    assert len(CASES) == 2
    assert [path.name for path in ANSWER_FILES] == [path.name for path in CASES]


@pytest.mark.parametrize("case_path", CASES, ids=lambda path: path.stem)
def test_case_passes_tutor_check(case_path, capsys):
    assert main(["check", str(case_path)]) == 0, capsys.readouterr()


@pytest.mark.parametrize("case_path", CASES, ids=lambda path: path.stem)
def test_case_names_a_seed_covers_all_five_stage_kinds_and_carries_no_examples(case_path):
    case = read_yaml(case_path)
    assert case["id"] == case_path.stem
    assert "seed 0" in case["source"]
    assert {stage["kind"] for stage in case["stages"]} == STAGE_KINDS
    # Examples would make `tutor check` grade answers, which this split must never see done.
    assert all("examples" not in stage for stage in case["stages"])


@pytest.mark.parametrize("answers_path", ANSWER_FILES, ids=lambda path: path.stem)
def test_every_label_names_a_concept_of_its_stage(answers_path):
    labels = read_yaml(answers_path)
    assert labels["case"] == answers_path.stem
    case = read_yaml(HELDOUT2 / "cases" / f"{labels['case']}.yaml")
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
def test_every_stage_has_about_twenty_five_answers(answers_path):
    answers = read_yaml(answers_path)["answers"]
    per_stage: dict[str, int] = {}
    for answer in answers:
        per_stage[answer["stage"]] = per_stage.get(answer["stage"], 0) + 1
    assert min(per_stage.values()) >= 20, per_stage


@pytest.mark.parametrize("answers_path", ANSWER_FILES, ids=lambda path: path.stem)
def test_traps_are_a_quarter_to_a_third_of_the_answers(answers_path):
    answers = read_yaml(answers_path)["answers"]
    traps = sum("trap" in answer["tags"] for answer in answers)
    assert 0.25 <= traps / len(answers) <= 0.33
