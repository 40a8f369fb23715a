"""The labelled splits (the tunable new-author dev split tests/newauthor/ and the frozen
held-out splits tests/heldout2/ and tests/heldout3/) are well formed: their cases pass
`tutor check` and every label names a stage and a concept that the case really has.

Structure only: what the matcher makes of these answers is the benchmark's business
(scripts/bench_grading.py; `--heldout2` prints totals only), never a test's, so tuning can never
turn these tests red and nothing about the frozen split can be learned from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from labelled_splits import ANSWER_KEYS, STAGE_KINDS, read_yaml, stage_concepts
from tutor.cli import main

TESTS = Path(__file__).parent


@dataclass(frozen=True)
class Split:
    folder: str
    cases: int
    minimum_answers_per_case: int

    @property
    def case_paths(self) -> list[Path]:
        return sorted((TESTS / self.folder / "cases").glob("*.yaml"))

    @property
    def answer_paths(self) -> list[Path]:
        return sorted((TESTS / self.folder / "answers").glob("*.yaml"))


SPLITS = [
    Split("newauthor", cases=12, minimum_answers_per_case=110),
    Split("heldout2", cases=2, minimum_answers_per_case=125),
    Split("heldout3", cases=2, minimum_answers_per_case=125),
]
CASES = [
    pytest.param(split, path, id=f"{split.folder}/{path.stem}")
    for split in SPLITS
    for path in split.case_paths
]
ANSWER_FILES = [
    pytest.param(split, path, id=f"{split.folder}/{path.stem}")
    for split in SPLITS
    for path in split.answer_paths
]


@pytest.mark.parametrize("split", SPLITS, ids=lambda split: split.folder)
def test_the_split_has_its_cases_each_with_an_answer_file(split):
    assert len(split.case_paths) == split.cases
    assert [path.name for path in split.answer_paths] == [path.name for path in split.case_paths]


@pytest.mark.parametrize("split, case_path", CASES)
def test_case_passes_tutor_check(split, case_path, capsys):
    assert main(["check", str(case_path)]) == 0, capsys.readouterr()


@pytest.mark.parametrize("split, case_path", CASES)
def test_case_names_a_seed_covers_all_five_stage_kinds_and_carries_no_examples(split, case_path):
    case = read_yaml(case_path)
    assert case["id"] == case_path.stem
    assert "seed 0" in case["source"]
    assert {stage["kind"] for stage in case["stages"]} == STAGE_KINDS
    # Examples would make `tutor check` grade answers: a labelled split is graded only by the
    # benchmark, and the frozen one must never be seen graded at all.
    assert all("examples" not in stage for stage in case["stages"])


@pytest.mark.parametrize("split, answers_path", ANSWER_FILES)
def test_every_label_names_a_concept_of_its_stage(split, answers_path):
    labels = read_yaml(answers_path)
    assert labels["case"] == answers_path.stem
    case = read_yaml(TESTS / split.folder / "cases" / f"{labels['case']}.yaml")
    concepts = stage_concepts(case)
    answers = labels["answers"]
    assert len(answers) >= split.minimum_answers_per_case
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


@pytest.mark.parametrize("split, answers_path", ANSWER_FILES)
def test_every_stage_has_at_least_twenty_answers(split, answers_path):
    answers = read_yaml(answers_path)["answers"]
    per_stage: dict[str, int] = {}
    for answer in answers:
        per_stage[answer["stage"]] = per_stage.get(answer["stage"], 0) + 1
    assert min(per_stage.values()) >= 20, per_stage


@pytest.mark.parametrize("split, answers_path", ANSWER_FILES)
def test_traps_are_a_quarter_to_a_third_of_the_answers(split, answers_path):
    answers = read_yaml(answers_path)["answers"]
    traps = sum("trap" in answer["tags"] for answer in answers)
    assert 0.25 <= traps / len(answers) <= 0.33
