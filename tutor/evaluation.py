"""How well a grader agrees with a labeled corpus of learner answers.

A corpus file (tests/corpus/*.yaml) names a case and lists answers with the
labels an expert grader gave them:

    case: ifi-classic
    answers:
      - {stage: findings, answer: "QF oedema", matched: [qf-edema], negated: [],
         misconceptions: [], tags: [british]}

Scoring counts (answer, concept, verdict) triples, where the verdict is
"asserted" (matched or misconception) or "denied" (negated), so a grader that
credits a denied finding loses twice: a false positive and a false negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from tutor.model import Case, Stage
from tutor.cases.safe_yaml import SAFE_LOADER

Verdicts = set[tuple[str, str]]  # {(concept id, "asserted" | "denied")}


@dataclass(frozen=True)
class LabeledAnswer:
    case_ref: str
    stage: str
    answer: str
    asserted: frozenset[str]
    denied: frozenset[str]
    tags: tuple[str, ...]
    origin: str  # file:index, for messages

    @property
    def verdicts(self) -> Verdicts:
        return {(c, "asserted") for c in self.asserted} | {(c, "denied") for c in self.denied}

    @property
    def is_trap(self) -> bool:
        return "trap" in self.tags


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    trap_false_positives: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_corpus(folder: Path) -> list[LabeledAnswer]:
    answers: list[LabeledAnswer] = []
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=SAFE_LOADER)
        for number, item in enumerate(data.get("answers") or [], start=1):
            answers.append(
                LabeledAnswer(
                    case_ref=str(data["case"]),
                    stage=str(item["stage"]),
                    answer=str(item.get("answer") or ""),
                    asserted=frozenset(item.get("matched") or []) | frozenset(item.get("misconceptions") or []),
                    denied=frozenset(item.get("negated") or []),
                    tags=tuple(item.get("tags") or ()),
                    origin=f"{path.name}#{number}",
                )
            )
    return answers


def stage_concepts(stage: Stage) -> set[str]:
    return set(stage.expected_ids) | set(stage.misconception_ids)


def score(
    answers: Iterable[LabeledAnswer],
    cases: dict[str, Case],
    predict: Callable[[Case, Stage, str], Verdicts],
) -> Score:
    """Compare predictions with labels, restricted to each stage's own concepts."""
    result = Score()
    for item in answers:
        case = cases[item.case_ref]
        stage = case.stage(item.stage)
        allowed = stage_concepts(stage)
        predicted = {v for v in predict(case, stage, item.answer) if v[0] in allowed}
        gold = item.verdicts
        result.true_positive += len(predicted & gold)
        result.false_positive += len(predicted - gold)
        result.false_negative += len(gold - predicted)
        if item.is_trap:
            result.trap_false_positives += len({v for v in predicted - gold if v[1] == "asserted"})
        if predicted != gold:
            extra = sorted(f"{c}({v})" for c, v in predicted - gold)
            lost = sorted(f"{c}({v})" for c, v in gold - predicted)
            result.mistakes.append(f"{item.origin} [{item.stage}] {item.answer!r}: extra {extra} missed {lost}")
    return result
