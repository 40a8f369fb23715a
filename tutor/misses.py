"""What learners typed that a case did not know: the answers to learn synonyms and examples from.

From the records (through `Records.history`), per case and stage: the answers that
matched nothing, and those of a stage that ended without being passed that earned
less than the stage needed. Equal answers (case and spacing aside) are grouped and
counted; each group says what the matcher finds in it today, or the closest term of
the stage's concepts when it finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.history import History
from tutor.model import Case, Stage

PASSED = "passed"


@dataclass
class MissGroup:
    answer: str  # as first typed
    count: int = 0
    earned_nothing: bool = True  # no answer of the group earned a concept
    # Filled by `explain`: what the matcher finds in it now, or the closest term.
    found_now: tuple[str, ...] = ()
    closest: str | None = None  # "concept-id: term (NN% alike)"


@dataclass
class StageMisses:
    case_id: str
    stage_id: str
    groups: list[MissGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def _key(answer: str) -> str:
    return " ".join(answer.casefold().split())


def collect(history: History, case_id: str | None = None) -> list[StageMisses]:
    """Missed answers grouped per (case, stage), most frequent first."""
    case_of = {s.id: s.case_id for s in history.sessions}
    outcome = {(st.session_id, st.stage_id): st.outcome for st in history.stages}
    by_stage: dict[tuple[str, str], dict[str, MissGroup]] = {}
    for answer in history.answers:
        case = case_of.get(answer.session_id)
        if case is None or (case_id is not None and case != case_id) or not answer.answer.strip():
            continue
        earned = bool(answer.found)
        stage_outcome = outcome.get((answer.session_id, answer.stage_id))
        # Matched nothing, or short of what a stage that was never passed needed.
        if earned and (stage_outcome is None or stage_outcome == PASSED):
            continue
        if not earned and answer.misconceptions and stage_outcome == PASSED:
            continue  # a wrong answer the case knows and answered: not something it is missing
        groups = by_stage.setdefault((case, answer.stage_id), {})
        group = groups.setdefault(_key(answer.answer), MissGroup(answer.answer))
        group.count += 1
        group.earned_nothing = group.earned_nothing and not earned
    result = []
    for (case, stage), groups in by_stage.items():
        ordered = sorted(groups.values(), key=lambda g: (-g.count, _key(g.answer)))
        result.append(StageMisses(case, stage, ordered))
    result.sort(key=lambda s: (s.case_id, s.stage_id))
    return result


def explain(misses: StageMisses, case: Case) -> None:
    """Fill in, for each group, what today's matcher finds in it or the closest term it knows."""
    from rapidfuzz import fuzz

    from tutor.grading import CaseGrader

    stage = next((s for s in case.stages if s.id == misses.stage_id), None)
    grader = CaseGrader(case)
    for group in misses.groups:
        if stage is None:
            continue
        grade = grader.grade(stage, group.answer)
        group.found_now = tuple(sorted({m.concept for m in grade.mentions if not m.negated}))
        text = group.answer.casefold()
        best: tuple[float, str, str] | None = None
        for concept_id in _stage_concepts(stage):
            concept = case.concepts.get(concept_id)
            if concept is None or concept_id in grade.matched:
                continue
            for term in (concept.label, *concept.synonyms):
                score = fuzz.token_set_ratio(term.casefold(), text)
                if best is None or score > best[0]:
                    best = (score, concept_id, term)
        if best is not None:
            group.closest = f"{best[1]}: {best[2]!r} ({best[0]:.0f}% alike)"


def _stage_concepts(stage: Stage) -> tuple[str, ...]:
    return stage.expected_ids + tuple(c for c in stage.misconception_ids if c not in stage.expected_ids)
