"""The tutor's rules as a pure state machine, in the manner of h11.

    session, events = open_case(case, grader, at=now)
    session, events = advance(session, Answer("atraumatic", at=now))

A Session is frozen: `advance` returns a new one with the events the step
produced. Nothing here prints, reads a clock, touches a database or a
terminal; front ends pass the time in (`at`, seconds) and render the events
with `tutor.render.wording`. Every transition lives in `advance`.

A stage, from the learner's side:

- Each answer is graded; an answer in which nothing is recognised, an empty
  one and "I don't know" use no try.
- Reaching the stage's `pass` rule marks it passed; the tutor says so and the
  stage stays open for what the learner was about to add. It closes when every
  expected concept is found, when the learner moves on (`Next`, or an empty
  answer once passed), when its tries run out, on `Skip`, or on a reveal. A
  stage that was passed closes as "passed" whichever of these ends it.
- `Next` before the stage is passed says what is still needed and uses no try.

Scoring, kept simple on purpose so a learner can check it by hand:

- A stage's credit is the weighted share of its expected concepts found,
  accumulated over all answers in that stage.
- A stage's score is `max(0, credit - HINT_PENALTY * hints -
  MISCONCEPTION_PENALTY * confusions)` (tutor.scoring). `hints` counts the hints
  taken (the reveal too) and the concepts the learner named only after a
  contrast card had named them. `confusions` counts the distinct
  misconceptions the learner committed to in that stage; one only kept in play
  ("r/o AVN", "TOH > AVN", "IFI but could be AVN") costs nothing.
- The case score is the plain mean of the stage scores over every stage of the
  case; a stage never reached (after /quit) scores 0.

The hint ladder of a stage: the hint the author attached to the most
important concept still missing (required first, then by weight), else the
stage's own hints in order, else any other concept's hint; when none is left,
the answer: the missing concepts are named and the stage closes. A stage with
no hints at all gives the general pump first, free. After an incomplete
answer the nudge carries the general pump, free.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, Protocol

from tutor.giving_up import is_giving_up
from tutor.events import (  # re-exported: front ends still read some of these from here
    Answer as Answer,
    AnswerGraded as AnswerGraded,
    AskHint as AskHint,
    CaseFinished as CaseFinished,
    CaseOpened as CaseOpened,
    CloseReason as CloseReason,
    Contrast as Contrast,
    Credit as Credit,
    Event as Event,
    HintGiven as HintGiven,
    Input as Input,
    MisconceptionMet as MisconceptionMet,
    Next as Next,
    NotPassedYet as NotPassedYet,
    NotRecognised as NotRecognised,
    Nudge as Nudge,
    Outcome as Outcome,
    Quit as Quit,
    Skip as Skip,
    StageClosed as StageClosed,
    StageOpened as StageOpened,
    StagePassed as StagePassed,
    StageSummary as StageSummary,
    Summary as Summary,
    Tick as Tick,
    TimeUp as TimeUp,
)
from tutor.model import Case, Discriminator, Expectation, Misconception, Stage
from tutor.scoring import HINT_PENALTY as HINT_PENALTY  # re-exported: callers read the prices here too
from tutor.scoring import MISCONCEPTION_PENALTY as MISCONCEPTION_PENALTY
from tutor.scoring import stage_score
from tutor.sides import wrong_side_words as wrong_side_words  # re-exported: tests read it here

if TYPE_CHECKING:
    from tutor.grading import Grade
    from tutor.matching.index import Mention

# Stage outcomes and close reasons, by their short names (the enums live in tutor.events).
PASSED, EXHAUSTED, SKIPPED = Outcome.PASSED, Outcome.EXHAUSTED, Outcome.SKIPPED
REVEALED, QUIT, TIMED_OUT = Outcome.REVEALED, Outcome.QUIT, Outcome.TIMED_OUT
COMPLETE, MOVED_ON = CloseReason.COMPLETE, CloseReason.MOVED_ON


class Grader(Protocol):
    def grade(self, stage: Stage | str, answer: str) -> Grade: ...


# --- State -----------------------------------------------------------------


@dataclass(frozen=True)
class StageProgress:
    found: tuple[str, ...] = ()  # expected concept ids credited, in the order found
    attempts: int = 0
    hints_used: int = 0
    misconceptions: tuple[str, ...] = ()  # ids met, first time order
    passed: bool = False
    hints_shown: tuple[str, ...] = ()  # rungs given: "stage:N", "concept:ID", "pump"
    named_by_tutor: tuple[str, ...] = ()  # expected ids a contrast card named before the learner did
    prompted: tuple[str, ...] = ()  # of those, the ones the learner then named (scored as hints)
    outcome: Outcome | None = None
    score: float = 0.0
    opened_at: float | None = None


@dataclass(frozen=True)
class Session:
    case: Case
    grader: Any = field(compare=False)
    stage_index: int
    progress: tuple[StageProgress, ...]
    started_at: float
    ended_at: float | None = None
    last_at: float = 0.0
    deadline: float | None = None  # in a drill: when time runs out
    # Which play this is, carried through every step: two plays of one case may start in
    # the same instant (a quick retry), and records must not merge them.
    token: object = field(default_factory=object, compare=False, repr=False)

    @property
    def time_limit(self) -> float | None:
        return None if self.deadline is None else self.deadline - self.started_at

    def remaining(self, at: float) -> float | None:
        """Seconds left in a drill at time `at`; None when untimed."""
        return None if self.deadline is None else max(0.0, self.deadline - at)

    @property
    def finished(self) -> bool:
        return self.ended_at is not None

    @property
    def current_stage(self) -> Stage | None:
        if self.finished or self.stage_index >= len(self.case.stages):
            return None
        return self.case.stages[self.stage_index]

    @property
    def current_progress(self) -> StageProgress | None:
        if self.current_stage is None:
            return None
        return self.progress[self.stage_index]

    def summary(self) -> Summary:
        """The summary so far; final once the session is finished."""
        return _summary(self)


# --- Transitions -----------------------------------------------------------


def open_case(
    case: Case, grader: Grader, at: float = 0.0, time_limit: float | None = None
) -> tuple[Session, tuple[Event, ...]]:
    """Start a case; with `time_limit` (seconds) it is a drill that ends when time runs out."""
    session = Session(
        case=case,
        grader=grader,
        stage_index=0,
        progress=tuple(StageProgress() for _ in case.stages),
        started_at=at,
        last_at=at,
        deadline=at + time_limit if time_limit and time_limit > 0 else None,
    )
    opened = CaseOpened(
        case_id=case.id,
        title=case.title,
        intro=case.intro,
        stages=tuple((s.id, s.kind) for s in case.stages),
        at=at,
        time_limit=session.time_limit,
    )
    session, more = _enter_stage(session, 0, at)
    return session, (opened, *more)


def advance(session: Session, action: Input) -> tuple[Session, tuple[Event, ...]]:
    """The one place the tutor's state changes: a learner's action in, a new session and events out."""
    if session.finished:
        return session, ()
    stage = session.current_stage
    progress = session.current_progress
    assert stage is not None and progress is not None
    at = action.at
    if session.deadline is not None and at >= session.deadline:
        # Whatever came after the bell is not graded.
        return _time_up(session)
    session = replace(session, last_at=max(session.last_at, at))

    match action:
        case Tick():
            return session, ()

        case Answer(text=text) if not text.strip():
            # An empty line moves on from a passed stage; before that it is a slip, ignored.
            if progress.passed:
                return _close_and_move_on(session, PASSED, at, reason=MOVED_ON)
            return session, ()

        case Answer(text=text) if is_giving_up(text):
            return session, (_not_recognised(stage, progress, text, at, gave_up=True),)

        case Answer(text=text):
            return _answer(session, stage, progress, text, at)

        case Next():
            if progress.passed:
                return _close_and_move_on(session, PASSED, at, reason=MOVED_ON)
            return session, (_not_passed_yet(stage, progress, at),)

        case AskHint():
            return _hint(session, stage, progress, at)

        case Skip():
            if progress.passed:
                return _close_and_move_on(session, PASSED, at, reason=MOVED_ON)
            return _close_and_move_on(session, SKIPPED, at)

        case Quit():
            session, closed = _close_stage(session, QUIT, at)
            session, finished = _finish(session, at)
            return session, (*closed, *finished)

    raise TypeError(f"not a learner action: {action!r}")


# --- The pieces advance() is made of ----------------------------------------


def _answer(
    session: Session, stage: Stage, progress: StageProgress, text: str, at: float
) -> tuple[Session, tuple[Event, ...]]:
    grade = session.grader.grade(stage, text)
    if not grade.mentions:
        # Nothing in it matched a term of this case: the tutor failed to read it as much as the
        # learner failed to say it, so it uses no try.
        truncated = grade.truncated
        return session, (_not_recognised(stage, progress, text, at, unmatched=True, truncated=truncated),)

    attempt = progress.attempts + 1
    graded, met = _read_grade(session.case, stage, progress, grade, text, attempt, at)
    newly = tuple(c.concept_id for c in graded.newly_found)
    prompted = tuple(c.concept_id for c in graded.newly_found if c.prompted)
    named = tuple(
        m.contrast.other_id
        for m in met
        if m.contrast is not None and not m.again
        and m.contrast.other_id in stage.expected_ids
        and m.contrast.other_id not in progress.found + newly + progress.named_by_tutor
    )
    found = progress.found + newly
    was_passed = progress.passed
    progress = replace(
        progress,
        found=found,
        attempts=attempt,
        misconceptions=progress.misconceptions
        + tuple(m.concept_id for m in met if m.concept_id not in progress.misconceptions and not m.kept_open),
        named_by_tutor=progress.named_by_tutor + tuple(dict.fromkeys(named)),
        prompted=progress.prompted + prompted,
        passed=was_passed or _passed(stage, found),
    )
    session = _with_progress(session, progress)
    graded = replace(graded, credit=_credit(stage, found), passed=progress.passed)
    events: list[Event] = [graded, *met]
    if not _missing(stage, found):
        session, more = _close_and_move_on(session, PASSED, at, reason=COMPLETE)
    elif attempt >= stage.attempts:
        session, more = _close_and_move_on(session, PASSED if progress.passed else EXHAUSTED, at, reason=EXHAUSTED)
    elif progress.passed and not was_passed:
        more = (
            StagePassed(
                stage_id=stage.id,
                kind=stage.kind,
                score=_progress_score(stage, progress),
                credit=_credit(stage, found),
                remaining=len(_missing(stage, found)),
                attempts_left=stage.attempts - attempt,
                at=at,
            ),
        )
    else:
        more = (_nudge(stage, progress, bool(newly), at),)
    return session, (*events, *more)


def _not_recognised(
    stage: Stage, progress: StageProgress, text: str, at: float, *, gave_up: bool = False,
    unmatched: bool = False, truncated: bool = False,
) -> NotRecognised:
    return NotRecognised(
        answer=text,
        counted=False,
        gave_up=gave_up,
        unmatched=unmatched,
        attempt=progress.attempts,
        attempts_allowed=stage.attempts,
        kind=stage.kind,
        stage_id=stage.id,
        credit=_credit(stage, progress.found),
        at=at,
        truncated=truncated,
        passed=progress.passed,
    )


def _not_passed_yet(stage: Stage, progress: StageProgress, at: float) -> NotPassedYet:
    needed = _needed(stage, progress.found)
    required_remaining = sum(1 for c in stage.required_ids if c not in progress.found)
    attempts_left = max(0, stage.attempts - progress.attempts)
    return NotPassedYet(
        stage_id=stage.id,
        kind=stage.kind,
        needed=needed,
        required_remaining=required_remaining,
        attempts_left=attempts_left,
        at=at,
    )


def _importance(stage: Stage) -> list[Expectation]:
    """The stage's expected concepts, most important first: required, then heavier, then as written."""
    order = {e.concept: i for i, e in enumerate(stage.expect)}
    return sorted(stage.expect, key=lambda e: (not e.required, -e.weight, order[e.concept]))


def _hint_rungs(stage: Stage, progress: StageProgress) -> list[tuple[str, str, str]]:
    """The hints still to give, in the order they will be given: (key, text, concept id)."""
    missing = [e for e in _importance(stage) if e.concept not in progress.found]
    concept_hints = [(f"concept:{e.concept}", e.hint or "", e.concept) for e in missing if e.hint]
    stage_hints = [(f"stage:{i}", text, "") for i, text in enumerate(stage.hints)]
    # First the hints that point at what matters most among what is missing (the required
    # ones, else the heaviest), then the stage's own, then the rest.
    top = {e.concept for e in missing if missing and (e.required, e.weight) == (missing[0].required, missing[0].weight)}
    first = [r for r in concept_hints if r[2] in top]
    rungs = first + stage_hints + [r for r in concept_hints if r[2] not in top]
    return [r for r in rungs if r[0] not in progress.hints_shown]


def _hint(
    session: Session, stage: Stage, progress: StageProgress, at: float
) -> tuple[Session, tuple[Event, ...]]:
    rungs = _hint_rungs(stage, progress)
    has_author_hints = bool(stage.hints) or any(e.hint for e in stage.expect)
    if not rungs and not has_author_hints and "pump" not in progress.hints_shown:
        # No hint of the author's: the general question, free, so the only paid rung is the answer.
        progress = replace(progress, hints_shown=progress.hints_shown + ("pump",))
        session = _with_progress(session, progress)
        return session, (
            HintGiven(
                level=0, text="", reveals_answer=False, levels=1, stage_id=stage.id, at=at, cost=0.0,
                next_reveals=True, passed=progress.passed, kind=stage.kind, found_any=bool(progress.found),
            ),
        )
    level = progress.hints_used + 1
    levels = progress.hints_used + len(rungs) + 1
    if rungs:
        key, text, concept_id = rungs[0]
        progress = replace(progress, hints_used=level, hints_shown=progress.hints_shown + (key,))
        session = _with_progress(session, progress)
        return session, (
            HintGiven(
                level=level, text=text, reveals_answer=False, levels=levels, stage_id=stage.id, at=at,
                next_reveals=len(rungs) == 1, concept_id=concept_id, passed=progress.passed,
            ),
        )
    progress = replace(progress, hints_used=level)
    session = _with_progress(session, progress)
    missing = _missing(stage, progress.found)
    labels = tuple(session.case.label(c) for c in missing)
    reveal = HintGiven(
        level=level,
        text="",
        reveals_answer=True,
        levels=levels,
        revealed=labels,
        stage_id=stage.id,
        at=at,
        next_cost=0.0,
        passed=progress.passed,
    )
    session, more = _close_and_move_on(session, PASSED if progress.passed else REVEALED, at, reason=REVEALED)
    return session, (reveal, *more)



def _time_up(session: Session) -> tuple[Session, tuple[Event, ...]]:
    at, limit = session.deadline, session.time_limit
    assert at is not None and limit is not None  # only a drill has a deadline to run out
    session = replace(session, last_at=at)
    session, closed = _close_stage(session, TIMED_OUT, at)
    session, finished = _finish(session, at)
    return session, (TimeUp(limit=limit, at=at), *closed, *finished)


def _with_progress(session: Session, progress: StageProgress) -> Session:
    i = session.stage_index
    return replace(session, progress=session.progress[:i] + (progress,) + session.progress[i + 1 :])


def _enter_stage(session: Session, index: int, at: float) -> tuple[Session, tuple[Event, ...]]:
    case = session.case
    if index >= len(case.stages):
        return _finish(replace(session, stage_index=index), at)
    stage = case.stages[index]
    session = replace(session, stage_index=index)
    session = _with_progress(session, replace(session.progress[index], opened_at=at))
    return session, (
        StageOpened(
            index=index,
            total=len(case.stages),
            stage_id=stage.id,
            kind=stage.kind,
            present=stage.present,
            ask=stage.ask,
            attempts_allowed=stage.attempts,
            at=at,
            title=case.stage_title(stage),
        ),
    )


def _close_stage(
    session: Session, outcome: Outcome, at: float, reason: str = ""
) -> tuple[Session, tuple[Event, ...]]:
    stage = session.current_stage
    progress = session.current_progress
    assert stage is not None and progress is not None
    credit = _credit(stage, progress.found)
    score = _progress_score(stage, progress)
    progress = replace(progress, outcome=outcome, score=score)
    session = _with_progress(session, progress)
    missed = _missing(stage, progress.found)
    found = _in_stage_order(stage, progress.found)
    label = session.case.label
    return session, (
        StageClosed(
            stage_id=stage.id,
            kind=stage.kind,
            outcome=outcome,
            explain=stage.explain,
            score=score,
            found=found,
            missed=missed,
            found_labels=tuple(label(c) for c in found),
            missed_labels=tuple(label(c) for c in missed),
            credit=credit,
            attempts=progress.attempts,
            hints_used=progress.hints_used + len(progress.prompted),  # a prompted concept counts as a hint
            at=at,
            passed=progress.passed,
            reason=reason or outcome,
            prompted=len(progress.prompted),
            title=session.case.stage_title(stage),
        ),
    )


def _close_and_move_on(
    session: Session, outcome: Outcome, at: float, reason: str = ""
) -> tuple[Session, tuple[Event, ...]]:
    session, closed = _close_stage(session, outcome, at, reason)
    session, opened = _enter_stage(session, session.stage_index + 1, at)
    return session, (*closed, *opened)


def _finish(session: Session, at: float) -> tuple[Session, tuple[Event, ...]]:
    session = replace(session, ended_at=at, last_at=max(session.last_at, at))
    return session, (CaseFinished(summary=_summary(session), at=at),)


def _read_grade(
    case: Case, stage: Stage, progress: StageProgress, grade: Grade, text: str, attempt: int, at: float
) -> tuple[AnswerGraded, list[MisconceptionMet]]:
    asserted = [m for m in grade.mentions if not m.negated]
    best: dict[str, Mention] = {}
    for m in asserted:
        if m.concept not in best:
            best[m.concept] = grade.best_mention(m.concept) or m
    evidence = {cid: m.evidence for cid, m in best.items()}
    typed_at = {cid: (m.typed_start, m.typed_end) for cid, m in best.items()}
    denied_words = {m.concept: m.evidence for m in reversed(grade.mentions) if m.negated}
    feedback = {e.concept: e.feedback for e in stage.expect}
    matched = set(grade.matched)

    newly = tuple(
        Credit(cid, case.label(cid), evidence.get(cid, ""), feedback[cid], prompted=cid in progress.named_by_tutor,
               start=typed_at.get(cid, (-1, -1))[0], end=typed_at.get(cid, (-1, -1))[1])
        for cid in stage.expected_ids
        if cid in matched and cid not in progress.found
    )
    again = tuple(cid for cid in stage.expected_ids if cid in matched and cid in progress.found)
    denied = tuple(
        cid
        for cid in stage.expected_ids
        if cid in grade.negated and cid not in matched and cid not in progress.found
    )
    stage_concepts = set(stage.expected_ids) | set(stage.misconception_ids)
    unexpected: list[str] = []
    for m in asserted:
        if m.concept not in stage_concepts and m.concept not in unexpected and not is_absence(case, m.concept):
            unexpected.append(m.concept)
    # Naming the diagnosis while the differential is asked for is early, not wrong.
    later_ids = {c for later in case.stages[case.stages.index(stage) + 1 :] for c in later.expected_ids}
    later = [c for c in unexpected if c in later_ids]
    unexpected = [c for c in unexpected if c not in later_ids]

    met_ids = set(grade.misconceptions)
    corrections = _noted_corrections(case, stage, [*later, *unexpected], met_ids, matched | set(progress.found))
    kept_open = set(grade.considered)
    met = [
        MisconceptionMet(
            concept_id=mis.concept,
            label=case.label(mis.concept),
            feedback=mis.feedback,
            contrast=_contrast(case, stage, mis),
            again=mis.concept in progress.misconceptions,
            at=at,
            kept_open=mis.concept in kept_open,
        )
        for mis in stage.misconceptions
        if mis.concept in met_ids
    ]
    wrong_side = wrong_side_words(text, case.side) if case.side else ""
    graded = AnswerGraded(
        stage_id=stage.id,
        answer=text,
        attempt=attempt,
        attempts_allowed=stage.attempts,
        newly_found=newly,
        already_found=again,
        denied_expected=denied,
        credit=0.0,
        already_found_labels=tuple(case.label(c) for c in again),
        denied_evidence=tuple(denied_words.get(c, "") for c in denied),
        misconceptions=tuple(m.concept_id for m in met),
        unexpected_labels=tuple(case.label(c) for c in unexpected),
        later_labels=tuple(case.label(c) for c in later),
        noted_corrections=corrections,
        truncated=grade.truncated,
        kind=stage.kind,
        at=at,
        wrong_side=wrong_side,
        side=case.side or "" if wrong_side else "",
    )
    return graded, met


def _noted_corrections(
    case: Case, stage: Stage, noted: list[str], met: set[str], earned: set[str]
) -> tuple[tuple[str, str], ...]:
    """What the images show about a structure an answer names only through a concept this
    findings stage does not grade (a report's checklist item, "sciatic nerve"): the feedback
    of this stage's misconception about the same structure ("sciatic nerve edema"), unless the
    answer met that misconception (its own feedback is said) or earned what this stage credits
    about the structure ("normal sciatic nerve"). Structures are told by the concepts' terms:
    one concept's term written whole inside the other's."""
    if stage.kind != "findings":
        return ()
    out: list[tuple[str, str]] = []
    for concept_id in noted:
        for mis in stage.misconceptions:
            if not mis.feedback or mis.concept in met or not _same_structure(case, concept_id, mis.concept):
                continue
            if not any(_same_structure(case, concept_id, e) for e in stage.expected_ids if e in earned):
                out.append((case.label(concept_id), mis.feedback))
            break
    return tuple(out)


def _same_structure(case: Case, named: str, other: str) -> bool:
    """Whether a term of `named` is written whole inside a term of `other` ("sciatic nerve" in
    "bright sciatic nerve"), case and punctuation aside. Of `other`, the ways learners say it
    (its synonyms), not its label when it has synonyms: a label may carry a qualifier ("… in a
    skeletally mature patient") that is no structure of its own."""
    def terms(concept_id: str, said: bool = False) -> list[str]:
        concept = case.concepts.get(concept_id)
        if concept is None:
            return []
        written = concept.synonyms if said and concept.synonyms else (concept.label, *concept.synonyms)
        return [" ".join("".join(ch if ch.isalnum() else " " for ch in t.casefold()).split()) for t in written]

    inside = [f" {t} " for t in terms(other, said=True)]
    for term in terms(named):
        if len(term) < 4 and term.isascii():
            continue  # "qf", "mri": too short to name one structure
        if any(f" {term} " in t if term.isascii() else term in t for t in inside):
            return True
    return False


def case_diagnoses(case: Case, stage: Stage) -> tuple[str, ...]:
    """What a wrong answer may be set against: this stage's expected concepts and the case's diagnosis."""
    diagnosis = tuple(c for s in case.stages if s.kind == "diagnosis" for c in s.expected_ids)
    return tuple(dict.fromkeys(stage.expected_ids + diagnosis))


def _contrast(case: Case, stage: Stage, mis: Misconception) -> Contrast | None:
    """The discriminator that sets this wrong answer against this case's own answer, if one exists.

    A card comparing two things that are both wrong here (IFI against tendinopathy in a
    hamstring avulsion) teaches nothing about this case, so it is not shown."""
    this = mis.concept
    allowed = case_diagnoses(case, stage)
    candidates: list[Discriminator] = []
    if mis.discriminator and mis.discriminator in case.discriminators:
        candidates.append(case.discriminators[mis.discriminator])
    for expected in allowed:
        found = case.discriminator_between(this, expected)
        if found is not None:
            candidates.append(found)
    disc = other = None
    for candidate in candidates:
        if this not in candidate.between:
            continue
        # Prefer the side of the pair that this stage expects: that is the comparison that teaches.
        others = [c for c in candidate.between if c != this and c in allowed]
        if others:
            disc, other = candidate, others[0]
            break
    if disc is None or other is None:
        return None
    return Contrast(
        this_id=this,
        this_label=case.label(this),
        other_id=other,
        other_label=case.label(other),
        why_confused=disc.why_confused,
        points=tuple(disc.points),
        trap=disc.trap,
    )


def _nudge(stage: Stage, progress: StageProgress, progressed: bool, at: float) -> Nudge:
    remaining = len(_missing(stage, progress.found))
    required_remaining = sum(1 for c in stage.required_ids if c not in progress.found)
    needed = _needed(stage, progress.found)
    attempts_left = max(0, stage.attempts - progress.attempts)
    return Nudge(
        remaining=remaining,
        required_remaining=required_remaining,
        needed=needed,
        attempts_left=attempts_left,
        at=at,
        passed=progress.passed,
        kind=stage.kind,
        progressed=progressed,
        found_any=bool(progress.found),
        # The general question, free: after an answer that added nothing, it shows where to look.
        pump=not (progress.passed or progressed),
    )


def _pass_count(stage: Stage) -> int:
    return max(1, min(stage.pass_count, len(stage.expect)))


def _needed(stage: Stage, found: tuple[str, ...]) -> int:
    required_remaining = sum(1 for c in stage.required_ids if c not in found)
    count_remaining = _pass_count(stage) - sum(1 for c in stage.expected_ids if c in found)
    return max(required_remaining, count_remaining, 0)


def _passed(stage: Stage, found: tuple[str, ...]) -> bool:
    return _needed(stage, found) == 0


def _missing(stage: Stage, found: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in stage.expected_ids if c not in found)


def _in_stage_order(stage: Stage, found: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in stage.expected_ids if c in found)


def _credit(stage: Stage, found: tuple[str, ...]) -> float:
    total = sum(e.weight for e in stage.expect)
    if total <= 0:
        return 0.0
    return sum(e.weight for e in stage.expect if e.concept in found) / total


def is_absence(case: Case, concept_id: str) -> bool:
    """A concept that states an absence ("No fracture"): a normal finding, never noise to flag."""
    concept = case.concepts.get(concept_id)
    return concept is not None and concept.absence


def _progress_score(stage: Stage, progress: StageProgress) -> float:
    credit = _credit(stage, progress.found)
    return stage_score(credit, progress.hints_used + len(progress.prompted), len(progress.misconceptions))




def _summary(session: Session) -> Summary:
    case = session.case
    label = case.label
    stages: list[StageSummary] = []
    for stage, progress in zip(case.stages, session.progress):
        reached = progress.opened_at is not None
        found = _in_stage_order(stage, progress.found)
        # A stage still open counts what it has so far; its missing concepts are not given away.
        missed = _missing(stage, progress.found) if progress.outcome is not None else ()
        credit = _credit(stage, progress.found)
        score = progress.score if progress.outcome is not None else (
            _progress_score(stage, progress) if reached else 0.0
        )
        stages.append(
            StageSummary(
                stage_id=stage.id,
                kind=stage.kind,
                outcome=progress.outcome,
                score=score,
                credit=credit,
                found=found,
                missed=missed,
                found_labels=tuple(label(c) for c in found),
                missed_labels=tuple(label(c) for c in missed),
                attempts=progress.attempts,
                hints_used=progress.hints_used + len(progress.prompted),
                misconceptions=progress.misconceptions,
                misconception_labels=tuple(label(c) for c in progress.misconceptions),
                passed=progress.passed,
                title=case.stage_title(stage),
            )
        )
    # One story per concept: a confusion is what to study, so it is not also "found" or
    # "missed" (a tendinopathy listed in the differential but given as the diagnosis).
    misconceptions = _unique(c for s in stages for c in s.misconceptions)
    found = _unique(c for s in stages for c in s.found if c not in misconceptions)
    missed = _unique(c for s in stages for c in s.missed if c not in found and c not in misconceptions)
    end = session.ended_at if session.ended_at is not None else session.last_at
    return Summary(
        case_id=case.id,
        title=case.title,
        stages=tuple(stages),
        score=sum(s.score for s in stages) / len(stages) if stages else 0.0,
        found=found,
        missed=missed,
        misconceptions=misconceptions,
        hints_used=sum(s.hints_used for s in stages),
        seconds=max(0.0, end - session.started_at),
        found_labels=tuple(label(c) for c in found),
        missed_labels=tuple(label(c) for c in missed),
        misconception_labels=tuple(label(c) for c in misconceptions),
        finished=session.finished,
        time_limit=session.time_limit,
    )


def _unique(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ids))
