"""What `tutor check` warns an author about: a case that loads and plays, but will grade
learners in a way its author probably did not mean.

Each warning is a Problem whose message starts with "warning: ", at the line it is
about. Warnings never fail a check unless it is run with `--strict`. Terms are compared
as the matcher reads them (its own tokeniser: case, plurals, spelling and hyphens folded).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping

from tutor.cases.fields import quoted
from tutor.cases.problems import Problem
from tutor.model import Case, Concept

WARNING = "warning: "

# A term that names an examination test or sign, and a label that states its result.
_TEST_NAME = re.compile(r"\b(tests?|manoeuvres?|maneuvers?|signs?)\s*$", re.IGNORECASE)
_RESULT_WORD = re.compile(
    r"\b(positive|negative|abnormal|normal|no|not|without|absent|reproduces?|reproducing|elicits?|provokes?|painful|painless|pain|tender|tenderness)\b|\+|陽性|陰性",
    re.IGNORECASE,
)


def warning(path: str, line: int, message: str) -> Problem:
    return Problem(path, line, WARNING + message)


def is_warning(problem: Problem) -> bool:
    return problem.message.startswith(WARNING)


def _norms(text: str) -> tuple[str, ...]:
    from tutor.matching.tokens import word_data

    # The shared lexicon's terms are the same for every case a check reads: worked out once.
    return _norms_under(text, id(word_data()))


@lru_cache(maxsize=65536)
def _norms_under(text: str, words: int) -> tuple[str, ...]:
    from tutor.matching.tokens import CJK, NUM, WORD, prepare, tokenize

    return tuple(t.norm for t in tokenize(prepare(text)) if t.kind in (WORD, NUM, CJK))


def _origin(origin: str) -> tuple[str, int]:
    path, _, line = origin.rpartition(":")
    return (path or "?"), (int(line) if line.isdigit() else 1)


class _Lines:
    """Where a piece of text is written in the file, for warnings about one synonym or hint."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def of(self, needle: str, start: int = 1) -> int:
        for number in range(max(1, start), len(self.lines) + 1):
            if needle in self.lines[number - 1]:
                return number
        return start


def lines_of(text: str) -> _Lines:
    return _Lines(text)


def case_warnings(case: Case, shown: str, text: str, shared: Mapping[str, Concept]) -> list[Problem]:
    """Every warning about one case file (`text` is the file's contents, for lines)."""
    lines = _Lines(text)
    own = [c for c in case.concepts.values() if _origin(c.origin)[0] == shown]
    warnings: list[Problem] = []
    warnings += concept_warnings(own, case.concepts.values(), shown, lines, case)
    warnings += _stage_warnings(case, shown, lines)
    warnings += _placeholder_warnings(shown, lines)
    return warnings


def _placeholder_warnings(shown: str, lines: _Lines) -> list[Problem]:
    """A skeleton's TODOs still in the case's text (comments aside): learners would read them."""
    found = [number for number, line in enumerate(lines.lines, start=1)
             if "TODO" in line.split(" #", 1)[0] and not line.lstrip().startswith("#")]
    if not found:
        return []
    where = ", ".join(str(n) for n in found[:8]) + (", ..." if len(found) > 8 else "")
    return [warning(shown, found[0],
                    f"{len(found)} line{'s' if len(found) != 1 else ''} still say TODO (line{'s' if len(found) != 1 else ''}"
                    f" {where}); replace them before learners see the case")]


def _graded(stage) -> set[str]:
    """What the matcher reads an answer of this stage for: its expected concepts and misconceptions."""
    return set(stage.expected_ids) | set(stage.misconception_ids)


def _one_word_risks(case: Case | None, concept: Concept, inside: list[tuple[Concept, str]]):
    """Where a one-word synonym of `concept` would earn it for a longer phrase of another concept:
    (other, phrase, stage id or None). In a stage that grades both, the matcher takes the longest
    term, so the phrase earns the other concept and nothing is wrong; the risk is a stage that
    grades `concept` but not the other. Without a case (a shared lexicon) any stage may be one."""
    if case is None:
        return [(other, phrase, None) for other, phrase in inside]
    risks = []
    for stage in case.stages:
        graded = _graded(stage)
        if concept.id in graded:
            risks += [(other, phrase, stage.id) for other, phrase in inside
                      if other.id not in graded and not _shown_by_an_example(stage, phrase, concept.id)]
    return risks


def _shown_by_an_example(stage, phrase: str, concept_id: str) -> bool:
    """Whether an example answer of the stage says the phrase's words and lists the concept it earns:
    the author has seen the longer phrase earn the one-word synonym's concept there, and
    `tutor check` keeps it so (what the guide asks for when such a synonym stays)."""
    # The phrase's words in any order, as the matcher reads an English term: the label said word
    # for word may no longer earn the short synonym's concept (the matcher refuses a one-word name
    # inside another concept's own label), while "snapping provocation tests positive" still does.
    words = set(_norms(phrase))
    return any(concept_id in example.matches and words <= set(_norms(example.answer))
               for example in stage.examples)


def concept_warnings(own: Iterable[Concept], known: Iterable[Concept], shown: str, lines: _Lines,
                     case: Case | None = None) -> list[Problem]:
    """Warnings about the concepts a file defines, against every concept the matcher knows
    (`case`: the case they belong to, whose stages say where a term can earn what)."""
    known = list(known)
    longer: dict[str, list[tuple[Concept, str]]] = {}  # word -> (concept, term) of terms it is part of
    for concept in known:
        for term in (concept.label, *concept.synonyms):
            words = _norms(term)
            if len(words) > 1:
                for word in set(words):
                    longer.setdefault(word, []).append((concept, term))
    warnings = []
    for concept in own:
        path, line = _origin(concept.origin)
        if concept.measure is None and not concept.synonyms:
            warnings.append(warning(path, line, f"concept `{concept.id}` has no synonyms: only its label "
                                                f"{quoted(concept.label, 60)} is recognised; add the other ways "
                                                "learners say it (abbreviations, spellings, plain words)"))
        # Terms a concept takes from the shared lexicon are the lexicon's to answer for.
        for term in concept.own_synonyms:
            words = _norms(term)
            if len(words) == 1 and words[0].isascii():
                inside = [(c, t) for c, t in longer.get(words[0], ()) if c.id != concept.id]
                risks = _one_word_risks(case, concept, inside)
                if risks:
                    other, phrase, stage_id = risks[0]
                    where = (f"in stage `{stage_id}`, which does not grade `{other.id}`, "
                             if stage_id is not None else "")
                    warnings.append(warning(
                        path, lines.of(term, line),
                        f"the one-word synonym {quoted(term, 40)} of `{concept.id}` is also a word of "
                        f"{quoted(phrase, 60)} (`{other.id}`): {where}any answer that uses the word credits "
                        f"`{concept.id}`, so prefer a longer phrase that only it uses"
                        + (f", or grade `{other.id}` in that stage too" if stage_id is not None else "")))
        result_label = bool(_RESULT_WORD.search(concept.label))
        for term in concept.own_synonyms:
            if result_label and _TEST_NAME.search(term) and not _RESULT_WORD.search(term):
                warnings.append(warning(
                    path, lines.of(term, line),
                    f"{quoted(term, 60)} names a test, but `{concept.id}` is a finding "
                    f"({quoted(concept.label, 60)}): a learner who only names the test would be credited "
                    f"with its result; write the result (e.g. {quoted('positive ' + term, 60)})"))
    return warnings


def _same_text(a: str, b: str) -> bool:
    def fold(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())

    return bool(fold(a)) and (fold(a) == fold(b) or (len(fold(b)) > 20 and fold(b) in fold(a)))


def _stage_warnings(case: Case, shown: str, lines: _Lines) -> list[Problem]:
    warnings = []
    # A differential lists what a later (or earlier) stage calls a wrong commitment: that is the
    # usual shape of a case, not a slip. Expected anywhere else, a misconception is suspect.
    expected_in: dict[str, str] = {}
    for stage in case.stages:
        if stage.kind != "differential":
            for concept_id in stage.expected_ids:
                expected_in.setdefault(concept_id, stage.id)
    for stage in case.stages:
        line = stage.line or 1
        hints = [*stage.hints, *(e.hint for e in stage.expect if e.hint)]
        for hint in hints:
            if _same_text(hint, stage.explain):
                warnings.append(warning(shown, lines.of(hint[:40], line),
                                        f"a hint of stage `{stage.id}` gives the model answer (`explain`) away; "
                                        "a hint should narrow the search without naming the answer"))
        for mis in stage.misconceptions:
            concept_id = mis.concept
            other = expected_in.get(concept_id)
            # Feedback of its own is the author saying why (what the warning asks for); a rival
            # implied by a discriminator is the tutor's, not the author's, to explain.
            if mis.feedback or mis.implied:
                continue
            if other is not None and other != stage.id:
                warnings.append(warning(
                    shown, lines.of(concept_id, line),
                    f"`{concept_id}` is a misconception in stage `{stage.id}` but expected in stage `{other}`: "
                    "a learner is told off here for what that stage credits; if that is meant, say why in "
                    "its feedback"))
        exercised = {c for example in stage.examples for c in example.matches}
        unexercised = [c for c in stage.expected_ids if c not in exercised]
        if unexercised:
            what = "has no examples" if not stage.examples else "has no example that matches"
            warnings.append(warning(
                shown, line,
                f"stage `{stage.id}` {what} {', '.join(f'`{c}`' for c in unexercised)}; add an example answer "
                "that names each (`examples:` with `matches:`), so `tutor check` shows the matcher finds it"))
    return warnings
