"""How a stage is played, with grades made by hand: the flow of a stage, the hint ladder,
what uses a try and what a score is charged.

The grader here reads an answer as a list of concept ids, so each test says exactly
what the matcher found and checks only what the engine does with it:

    "no-trauma ifi"   both asserted
    "~pht"            PHT only kept in play ("r/o PHT", "IFI but could be PHT")
    "!ifi"            IFI denied
    "zzz"             words, but no concept the case knows
"""

from __future__ import annotations

import pytest

from tutor.render import wording
from tutor.engine import (
    Answer,
    AnswerGraded,
    AskHint,
    HintGiven,
    MisconceptionMet,
    Next,
    NotPassedYet,
    NotRecognised,
    Nudge,
    Quit,
    Skip,
    StageClosed,
    StageOpened,
    StagePassed,
    advance,
    open_case,
    wrong_side_words,
)
from tutor.grading import Grade
from tutor.matching.index import Mention
from tutor.model import Case, Concept, Discriminator, Expectation, Misconception, Stage
from tutor.scoring import HINT_PENALTY, MISCONCEPTION_PENALTY


class HandGrader:
    """Reads "a ~b !c" as: a asserted, b kept in play, c denied; unknown ids are unrecognised words."""

    def __init__(self, case: Case):
        self.case = case

    def grade(self, stage: Stage, answer: str) -> Grade:
        mentions = []
        for word in answer.split():
            concept = word.lstrip("~!")
            if concept not in self.case.concepts:
                continue
            mentions.append(Mention(
                concept=concept, negated=word.startswith("!"), start=0, end=len(word), evidence=concept,
                term=concept, score=100.0, considered=word.startswith("~"),
            ))
        asserted = {m.concept for m in mentions if not m.negated}
        considered = {m.concept for m in mentions if m.considered}
        expected = stage.expected_ids
        return Grade(
            stage_id=stage.id,
            answer=answer,
            matched=tuple(c for c in expected if c in asserted),
            misconceptions=tuple(c for c in stage.misconception_ids if c in asserted),
            negated=tuple(m.concept for m in mentions if m.negated),
            missing=tuple(c for c in expected if c not in asserted),
            credit=0.0,
            mentions=tuple(mentions),
            considered=tuple(c for c in (*expected, *stage.misconception_ids) if c in considered),
        )


def concept(cid: str) -> Concept:
    return Concept(cid, cid.replace("-", " ").capitalize())


def make_case(**history_changes) -> Case:
    ids = ["no-trauma", "long-strides", "groin-pain", "ifi", "pht", "hip-oa", "fai", "narrow-ifs"]
    history = dict(
        id="history",
        kind="history",
        ask="Which features matter?",
        expect=(
            Expectation("no-trauma"),
            Expectation("long-strides", required=True, weight=2, hint="What does she do to walk without pain?"),
            Expectation("groin-pain", hint="Where does the pain spread?"),
        ),
        pass_count=2,
        misconceptions=(Misconception("pht"), Misconception("hip-oa", feedback="Not OA.")),
        hints=("Think about what makes it worse.", "Think about where it hurts."),
        attempts=3,
        explain="No trauma, pain on long strides, spreading to the groin.",
    )
    history.update(history_changes)
    findings = Stage(
        id="findings", kind="findings", ask="Findings?", expect=(Expectation("narrow-ifs"),),
        explain="A narrow IFS.",
    )
    diagnosis = Stage(
        id="diagnosis",
        kind="diagnosis",
        ask="Diagnosis?",
        expect=(Expectation("ifi", required=True),),
        misconceptions=(Misconception("pht"), Misconception("fai", discriminator="fai-vs-oa")),
        attempts=3,
        explain="IFI.",
    )
    return Case(
        id="hand-made",
        title="Hand-made",
        source="tests",
        stages=(Stage(**history), findings, diagnosis),
        concepts={cid: concept(cid) for cid in ids},
        discriminators={
            "ifi-vs-pht": Discriminator("ifi-vs-pht", ("ifi", "pht"), why_confused="Both hurt near the ischium."),
            # Two diagnoses that are both wrong in this case: never a card here.
            "fai-vs-oa": Discriminator("fai-vs-oa", ("fai", "hip-oa"), why_confused="Both hurt in the groin."),
        },
        side="right",
    )


def start(case: Case | None = None):
    case = case or make_case()
    session, events = open_case(case, HandGrader(case), at=0.0)
    return session, list(events)


def step(session, *actions):
    events = []
    for action in actions:
        session, more = advance(session, action)
        events += more
    return session, events


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def to_diagnosis(session):
    while session.current_stage.id != "diagnosis":
        session, _ = advance(session, Skip(at=1.0))
    return session


# --- A passed stage stays open -------------------------------------------------


def test_reaching_pass_marks_the_stage_passed_and_keeps_it_open():
    session, _ = start()
    session, events = step(session, Answer("no-trauma long-strides"))
    assert [type(e) for e in events] == [AnswerGraded, StagePassed]
    passed = events[1]
    assert passed.remaining == 1 and passed.attempts_left == 2
    assert passed.score == pytest.approx(3 / 4)
    assert session.current_stage.id == "history" and session.current_progress.passed
    text = wording.render_event(passed, width=None)
    assert "Stage passed" in text and "Anything to add?" in text and "empty line" in text


def test_a_passed_stage_takes_one_more_answer_and_closes_when_everything_is_found():
    session, _ = start()
    session, _ = step(session, Answer("no-trauma long-strides"))
    session, events = step(session, Answer("groin-pain"))
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.reason, closed.passed) == ("passed", "complete", True)
    assert closed.score == pytest.approx(1.0)
    assert of(StageOpened, events)[0].stage_id == "findings"
    assert "That completes this stage." in wording.render_event(closed)


@pytest.mark.parametrize("move_on", [Answer(""), Answer("   "), Next(), Skip()], ids=["empty", "blank", "next", "skip"])
def test_moving_on_from_a_passed_stage_closes_it_as_passed(move_on):
    session, _ = start()
    session, _ = step(session, Answer("no-trauma long-strides"))
    session, events = step(session, move_on)
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.reason, closed.passed) == ("passed", "moved-on", True)
    assert closed.missed == ("groin-pain",)
    assert session.current_stage.id == "findings"
    text = wording.render_event(closed)
    assert text.startswith("Stage passed. Stage score: 75%.")
    assert "For full marks, also name: Groin pain." in text


def test_a_second_answer_to_a_passed_stage_that_adds_nothing_says_it_is_still_passed():
    session, _ = start()
    session, events = step(session, Answer("no-trauma long-strides"), Answer("no-trauma"))
    nudge = of(Nudge, events)[0]
    assert nudge.passed and not nudge.pump
    said = wording.render_event(nudge, width=None)
    assert "Still passed" in said and "empty line" in said
    assert session.current_stage.id == "history"


def test_running_out_of_tries_after_passing_still_closes_as_passed():
    session, _ = start()
    session, events = step(session, Answer("no-trauma long-strides"), Answer("no-trauma"), Answer("no-trauma"))
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.reason, closed.passed) == ("passed", "exhausted", True)
    assert "That was your last try; the stage is passed." in wording.render_event(closed)


def test_passing_on_the_last_try_closes_at_once():
    session, _ = start()
    session, events = step(session, Answer("no-trauma"), Answer("no-trauma"), Answer("long-strides"))
    assert not of(StagePassed, events)
    closed = of(StageClosed, events)[0]
    assert closed.outcome == "passed" and session.current_stage.id == "findings"


def test_next_before_passing_says_what_is_still_needed_and_uses_no_try():
    session, _ = start()
    session, events = step(session, Answer("no-trauma"), Next())
    (reply,) = of(NotPassedYet, events)
    assert (reply.needed, reply.required_remaining, reply.attempts_left) == (1, 1, 2)
    said = wording.render_event(reply, width=None)
    assert "Not passed yet: one more feature to pass this stage, and it is an essential one" in said
    assert "/skip" in said
    assert session.current_progress.attempts == 1 and session.current_stage.id == "history"


def test_skip_before_passing_still_gives_up():
    session, _ = start()
    session, events = step(session, Answer("no-trauma"), Skip())
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.passed) == ("skipped", False)


def test_quit_after_passing_keeps_the_pass_in_the_summary():
    session, _ = start()
    session, events = step(session, Answer("no-trauma long-strides"), Quit())
    closed = of(StageClosed, events)[0]
    assert closed.outcome == "quit" and closed.passed
    assert session.summary().stages[0].passed


# --- What uses a try ----------------------------------------------------------


def test_an_answer_with_nothing_recognised_uses_no_try_and_says_so_honestly():
    session, _ = start()
    session, events = step(session, Answer("asdf qwer"), Answer("zzz"), Answer("zzz"), Answer("zzz"))
    assert all(isinstance(e, NotRecognised) and e.unmatched and not e.counted for e in events)
    assert session.current_progress.attempts == 0 and session.current_stage.id == "history"
    text = wording.render_event(events[0], width=None)
    assert text.startswith("I couldn't match that to this case's terms — say it another way, or /hint.")
    assert "did not recognise a" not in text


def test_an_empty_line_before_passing_is_ignored():
    session, _ = start()
    after, events = step(session, Answer(""), Answer("  "))
    assert events == [] and after.current_progress == session.current_progress


def test_an_answer_naming_only_things_from_elsewhere_uses_a_try():
    session, _ = start()
    session, events = step(session, Answer("narrow-ifs"))
    assert of(AnswerGraded, events)[0].attempt == 1
    assert session.current_progress.attempts == 1


# --- The hint ladder -----------------------------------------------------------


def test_the_first_hint_points_at_the_most_important_missing_concept():
    session, _ = start()
    session, events = step(session, AskHint())
    (hint,) = of(HintGiven, events)
    assert (hint.level, hint.concept_id, hint.cost) == (1, "long-strides", HINT_PENALTY)
    assert hint.text == "What does she do to walk without pain?"


def test_once_that_concept_is_found_the_ladder_points_at_the_next_most_important_then_the_stage_hints():
    session, _ = start()
    session, events = step(session, AskHint(), Answer("long-strides"), AskHint(), AskHint(), AskHint())
    hints = of(HintGiven, events)
    assert [h.text for h in hints] == [
        "What does she do to walk without pain?",
        "Where does the pain spread?",  # as important as what is left (weight 1), and it has a hint
        "Think about what makes it worse.",
        "Think about where it hurts.",
    ]
    assert [h.level for h in hints] == [1, 2, 3, 4]
    assert hints[-1].next_reveals and not hints[-2].next_reveals


def test_the_ladder_ends_with_the_answer_and_every_rung_costs_the_same():
    session, _ = start()
    session, events = step(session, AskHint(), AskHint(), AskHint(), AskHint(), AskHint())
    hints = of(HintGiven, events)
    assert hints[-1].reveals_answer
    assert hints[-1].revealed == ("No trauma", "Long strides", "Groin pain")
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.hints_used) == ("revealed", 5)
    assert closed.score == 0.0


def test_without_author_hints_the_first_hint_is_the_free_pump_then_the_answer():
    case = make_case(hints=(), expect=(Expectation("no-trauma"), Expectation("long-strides")), pass_count=2)
    session, _ = start(case)
    session, events = step(session, AskHint())
    (pump,) = of(HintGiven, events)
    assert (pump.level, pump.cost, pump.next_reveals) == (0, 0.0, True)
    assert (pump.kind, pump.found_any) == ("history", False)
    assert wording.render_event(pump, width=None).startswith(f"Hint (free): {wording.pump('history', False)}")
    assert session.current_progress.hints_used == 0
    session, events = step(session, AskHint())
    assert of(HintGiven, events)[0].reveals_answer


def test_a_hint_on_a_passed_stage_lowers_its_score_and_the_reveal_keeps_it_passed():
    session, _ = start()
    session, events = step(session, Answer("no-trauma long-strides"), AskHint())
    assert of(HintGiven, events)[0].concept_id == "groin-pain"
    session, events = step(session, AskHint(), AskHint(), AskHint())
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.reason) == ("passed", "revealed")
    assert closed.score == pytest.approx(3 / 4 - 4 * HINT_PENALTY)


def test_the_free_pump_comes_with_a_nudge_after_an_answer_that_added_nothing():
    session, _ = start()
    session, events = step(session, Answer("narrow-ifs"))
    nudge = of(Nudge, events)[0]
    assert nudge.pump and not nudge.progressed
    assert wording.render_event(nudge, width=None).endswith("\n" + wording.pump("history", found_any=False))
    assert session.current_progress.hints_used == 0


# --- What a score is charged -------------------------------------------------------


def test_a_committed_wrong_diagnosis_costs_and_a_kept_in_play_one_does_not():
    session = to_diagnosis(start()[0])
    committed, _ = step(session, Answer("pht"), Answer("ifi"))
    hedged, _ = step(session, Answer("ifi ~pht"))
    assert committed.progress[2].score == pytest.approx(1 - MISCONCEPTION_PENALTY - HINT_PENALTY)
    assert hedged.progress[2].score == pytest.approx(1.0)
    assert hedged.progress[2].misconceptions == ()


def test_naming_the_diagnosis_after_a_contrast_named_it_counts_as_a_hint():
    session = to_diagnosis(start()[0])
    session, events = step(session, Answer("pht"))
    met = of(MisconceptionMet, events)[0]
    assert met.contrast is not None and met.contrast.other_id == "ifi"
    session, events = step(session, Answer("ifi"))
    credit = of(AnswerGraded, events)[0].newly_found[0]
    assert credit.prompted
    assert "counts as a hint" in wording.render_event(of(AnswerGraded, events)[0])
    closed = of(StageClosed, events)[0]
    assert closed.hints_used == 1
    assert closed.score == pytest.approx(1 - MISCONCEPTION_PENALTY - HINT_PENALTY)


def test_naming_the_diagnosis_with_the_wrong_one_in_one_answer_is_not_prompted():
    session = to_diagnosis(start()[0])
    session, events = step(session, Answer("pht ifi"))
    assert not of(AnswerGraded, events)[0].newly_found[0].prompted
    assert of(StageClosed, events)[0].score == pytest.approx(1 - MISCONCEPTION_PENALTY)


def test_a_contrast_only_sets_the_wrong_answer_against_this_cases_diagnosis():
    session = to_diagnosis(start()[0])
    session, events = step(session, Answer("fai"))
    met = of(MisconceptionMet, events)[0]
    assert met.concept_id == "fai" and met.contrast is None  # FAI vs OA: both wrong here


def test_in_an_earlier_stage_the_contrast_is_against_the_cases_diagnosis():
    session, _ = start()
    session, events = step(session, Answer("pht"))
    met = of(MisconceptionMet, events)[0]
    assert met.contrast is not None and met.contrast.other_id == "ifi"
    # IFI is not asked for in the history, so the history's score is not touched by it.
    assert session.current_progress.named_by_tutor == ()


# --- Side ----------------------------------------------------------------------


@pytest.mark.parametrize("text, words", [
    ("left hip QF edema", "left hip"),
    ("L-sided IFS narrowing", "L-sided"),
    ("edema on the left", "the left"),
    ("左側股方肌水腫", "左側"),
    ("right hip QF edema", ""),
    ("the right answer is IFI", ""),
    ("left 22 mm, right 11 mm", ""),
    ("r/o AVN", ""),
    ("nothing left", ""),
    ("right QF edema, left side normal", ""),
    ("QF edema; no edema on the left", ""),
    ("left QF edema, right normal", "left QF"),
    # How the patient lay for an examination is not the side of the complaint.
    ("lying on her left side, adduction in extension hurts", ""),
    ("turned onto his left side for the IFI test", ""),
    ("left lateral decubitus, pain on adduction", ""),
    ("left decubitus: positive test", ""),
    ("lying on the right side, left hip QF edema", "left hip"),
])
def test_the_wrong_side_is_found_in_the_learners_words(text, words):
    assert wrong_side_words(text, "right") == words


def test_an_answer_naming_the_wrong_side_is_told_so():
    session, _ = start()
    session, events = step(session, Answer("left long-strides"))
    graded = of(AnswerGraded, events)[0]
    assert (graded.wrong_side, graded.side) == ("left long-strides", "right")
    assert "Check the side: this case is about the right side" in wording.render_event(graded, width=None)


# --- The summary tells one story ------------------------------------------------------


def test_a_concept_confused_in_one_stage_and_found_in_another_is_only_a_confusion():
    case = make_case()
    findings = Stage(id="findings", kind="differential", ask="Else?", expect=(Expectation("pht"),), explain="PHT.")
    case = Case(**{**case.__dict__, "stages": (case.stages[0], findings, case.stages[2])})
    session, _ = start(case)
    session, _ = step(session, Answer("pht"), Skip(), Answer("pht"), Skip(), Quit())
    summary = session.summary()
    assert "pht" in summary.misconceptions
    assert "pht" not in summary.found and "pht" not in summary.missed
