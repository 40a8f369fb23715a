"""What goes into the engine and what comes out of it: the tutor's typed contract.

Inputs are what a learner does (`Answer`, `AskHint`, `Next`, `Skip`, `Quit`,
`Tick`); events are what the tutor says back. Both are frozen dataclasses that
carry ids and facts; every consumer (the words in `tutor.render`, the records,
the front ends) tells them apart by type (`match event: case AnswerGraded():`),
never by name. `Outcome` is how a stage ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tutor.scoring import HINT_PENALTY


class Outcome(StrEnum):
    """How a stage ended (StageClosed.outcome, StageSummary.outcome); a str, so records keep the word."""

    PASSED = "passed"
    EXHAUSTED = "exhausted"  # its tries ran out
    SKIPPED = "skipped"
    REVEALED = "revealed"  # the last hint showed the answer
    QUIT = "quit"
    TIMED_OUT = "time"  # a drill's clock ran out during the stage


class CloseReason(StrEnum):
    """Why a stage closed (StageClosed.reason), finer than the outcome, for the words said."""

    COMPLETE = "complete"  # every expected concept found
    MOVED_ON = "moved-on"  # passed, and the learner moved on


# --- Inputs: what a learner does ------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str
    at: float = 0.0


@dataclass(frozen=True)
class AskHint:
    at: float = 0.0


@dataclass(frozen=True)
class Next:
    """The learner moves on (/next, an empty line): from a passed stage; before that, what is still needed."""

    at: float = 0.0


@dataclass(frozen=True)
class Skip:
    at: float = 0.0


@dataclass(frozen=True)
class Quit:
    at: float = 0.0


@dataclass(frozen=True)
class Tick:
    """The clock moved: in a drill, a front end sends this so time can run out between answers."""

    at: float = 0.0


Input = Answer | AskHint | Next | Skip | Quit | Tick


# --- Events: what the tutor says back --------------------------------------
# Concept ids sit beside their labels (`found` / `found_labels`) so front ends
# can show words and records can keep stable ids.


@dataclass(frozen=True)
class CaseOpened:
    case_id: str
    title: str
    intro: str | None
    stages: tuple[tuple[str, str | None], ...]  # (stage_id, kind), in play order
    at: float = 0.0
    time_limit: float | None = None  # seconds, in a drill


@dataclass(frozen=True)
class StageOpened:
    index: int  # 0-based
    total: int
    stage_id: str
    kind: str | None
    present: str | None
    ask: str
    attempts_allowed: int = 3
    at: float = 0.0
    title: str | None = None  # the stage's own name when its kind does not tell it apart (Case.stage_title)


@dataclass(frozen=True)
class Credit:
    concept_id: str
    label: str
    evidence: str  # the learner's own words that earned it
    feedback: str | None  # the author's note for this concept
    prompted: bool = False  # named only after a contrast card had named it: scored as a hint
    # Where `evidence` was typed in the answer (AnswerGraded.answer), -1 when not known: the
    # matcher reads a folded copy ("ＰＨＴ" as "PHT"), so the evidence itself may not be in it.
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class AnswerGraded:
    stage_id: str
    answer: str
    attempt: int
    attempts_allowed: int
    newly_found: tuple[Credit, ...]
    already_found: tuple[str, ...]  # concept ids credited before and asserted again
    denied_expected: tuple[str, ...]  # expected concept ids the learner denied
    credit: float  # the stage's accumulated credit after this answer, 0..1
    already_found_labels: tuple[str, ...] = ()
    denied_evidence: tuple[str, ...] = ()  # the learner's denying words, same order
    misconceptions: tuple[str, ...] = ()  # ids; each also gets a MisconceptionMet
    unexpected_labels: tuple[str, ...] = ()  # known concepts asserted that this stage does not ask for
    later_labels: tuple[str, ...] = ()  # of those, the ones a later stage of the case asks for
    # Of the concepts above, those about a structure this stage has a misconception about, with
    # that misconception's feedback, when the answer did not say what this stage credits about
    # it: (label, feedback). "the right sciatic nerve is brighter" in a findings stage whose
    # nerves are normal names the report's sciatic nerve item, and is told what the images show.
    noted_corrections: tuple[tuple[str, str], ...] = ()
    truncated: bool = False  # the grader read only the beginning of a very long answer
    kind: str | None = None
    at: float = 0.0
    passed: bool = False  # the stage is passed after this answer
    wrong_side: str = ""  # the learner's words naming the other side ("left hip" on a right hip)
    side: str = ""  # the case's side, when wrong_side is set


@dataclass(frozen=True)
class Contrast:
    this_id: str  # what the learner said
    this_label: str
    other_id: str  # the expected concept it is confused with
    other_label: str
    why_confused: str
    points: tuple[str, ...]
    trap: str | None


@dataclass(frozen=True)
class MisconceptionMet:
    concept_id: str
    label: str
    feedback: str | None
    contrast: Contrast | None
    again: bool = False  # met before in this stage
    at: float = 0.0
    kept_open: bool = False  # only kept in play ("r/o AVN"): shown the contrast, not counted against


@dataclass(frozen=True)
class Nudge:
    remaining: int  # expected concepts not yet found
    required_remaining: int  # of which required
    needed: int = 0  # the fewest more finds that would pass the stage (0 once passed)
    attempts_left: int = 0
    at: float = 0.0
    passed: bool = False  # already passed: what is left only adds to the score
    kind: str | None = None
    progressed: bool = False  # the answer found something new
    found_any: bool = False  # something of this stage has been found so far
    # After an answer that added nothing to a stage not yet passed, the general, free question
    # that invites more ("What else do you see?") comes with the nudge.
    pump: bool = False


@dataclass(frozen=True)
class NotRecognised:
    answer: str
    counted: bool = True  # False for an empty answer, which costs no attempt
    attempt: int = 0
    attempts_allowed: int = 0
    kind: str | None = None
    stage_id: str = ""
    credit: float = 0.0  # the stage's accumulated credit, unchanged
    at: float = 0.0
    gave_up: bool = False  # "I don't know": pointed to /hint, costs no attempt
    truncated: bool = False  # a very long answer, read only in part
    unmatched: bool = False  # words were there, but none matched a term the case knows
    passed: bool = False  # the stage is already passed (an empty line would move on)


@dataclass(frozen=True)
class HintGiven:
    level: int  # 1, 2, ...: the hints taken in this stage so far, this one included (0: the free pump)
    text: str  # the author's hint; "" for the free pump and the reveal, which render words
    reveals_answer: bool
    levels: int = 0  # rungs this stage's ladder has, the reveal included
    revealed: tuple[str, ...] = ()  # labels named by the reveal
    stage_id: str = ""
    at: float = 0.0
    cost: float = HINT_PENALTY  # what this hint took off the stage's score
    next_reveals: bool = False  # the next /hint shows the answer
    next_cost: float = HINT_PENALTY  # what the next /hint would cost
    concept_id: str = ""  # the missing concept this hint points at, if the author tied it to one
    passed: bool = False  # the stage was already passed
    kind: str | None = None
    found_any: bool = False  # something of this stage had been found (the free pump asks "what else")


@dataclass(frozen=True)
class StagePassed:
    """The stage's pass rule is met; it stays open for anything else the learner wants to add."""

    stage_id: str
    kind: str | None
    score: float  # the stage's score if the learner moved on now
    credit: float
    remaining: int  # expected concepts not found yet
    attempts_left: int
    at: float = 0.0


@dataclass(frozen=True)
class NotPassedYet:
    """The learner asked to move on before the stage is passed: what is still needed (no try used)."""

    stage_id: str
    kind: str | None
    needed: int
    required_remaining: int
    attempts_left: int
    at: float = 0.0


@dataclass(frozen=True)
class StageClosed:
    stage_id: str
    kind: str | None
    outcome: Outcome
    explain: str
    score: float
    found: tuple[str, ...]
    missed: tuple[str, ...]
    found_labels: tuple[str, ...] = ()
    missed_labels: tuple[str, ...] = ()
    credit: float = 0.0
    attempts: int = 0
    hints_used: int = 0
    at: float = 0.0
    passed: bool = False  # the pass rule was met before the stage closed
    reason: str = ""  # why it closed: COMPLETE, MOVED_ON, or the outcome itself
    prompted: int = 0  # concepts named after a contrast had named them (each scored as a hint)
    title: str | None = None  # as StageOpened.title


@dataclass(frozen=True)
class StageSummary:
    stage_id: str
    kind: str | None
    outcome: Outcome | None  # None: never reached
    score: float
    credit: float
    found: tuple[str, ...]
    missed: tuple[str, ...]  # empty for a stage never reached: nothing is given away
    found_labels: tuple[str, ...]
    missed_labels: tuple[str, ...]
    attempts: int
    hints_used: int
    misconceptions: tuple[str, ...]
    misconception_labels: tuple[str, ...]
    passed: bool = False
    title: str | None = None  # as StageOpened.title


@dataclass(frozen=True)
class Summary:
    case_id: str
    title: str
    stages: tuple[StageSummary, ...]  # every stage of the case, in play order
    score: float
    found: tuple[str, ...]
    missed: tuple[str, ...]
    misconceptions: tuple[str, ...]
    hints_used: int
    seconds: float
    found_labels: tuple[str, ...] = ()
    missed_labels: tuple[str, ...] = ()
    misconception_labels: tuple[str, ...] = ()
    finished: bool = True
    time_limit: float | None = None  # seconds, in a drill


@dataclass(frozen=True)
class TimeUp:
    """A drill's time limit was reached; the case ends here."""

    limit: float
    at: float = 0.0


@dataclass(frozen=True)
class CaseFinished:
    summary: Summary
    at: float = 0.0


Event = (
    CaseOpened | StageOpened | AnswerGraded | MisconceptionMet | Nudge | NotRecognised
    | HintGiven | StagePassed | NotPassedYet | StageClosed | TimeUp | CaseFinished
)
