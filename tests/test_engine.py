"""The engine on its own, driven directly like h11's tests: actions in, events out.

The case is built from model dataclasses (the format page's example plus a
diagnosis stage), and graded by the real CaseGrader.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.render import wording
from tutor.engine import (
    HINT_PENALTY,
    MISCONCEPTION_PENALTY,
    Answer,
    AnswerGraded,
    AskHint,
    CaseFinished,
    CaseOpened,
    HintGiven,
    MisconceptionMet,
    Next,
    NotRecognised,
    Nudge,
    Quit,
    Skip,
    StageClosed,
    StageOpened,
    StagePassed,
    advance,
    open_case,
)
from tutor.grading import CaseGrader
from tutor.model import Case, Concept, Discriminator, Expectation, Misconception, Stage


def build_case() -> Case:
    concepts = {
        "ifi": Concept("ifi", "Ischiofemoral impingement", ("IFI", "ischio-femoral impingement")),
        "no-trauma": Concept("no-trauma", "No history of trauma", ("atraumatic", "non-traumatic")),
        "hamstring-tendinopathy": Concept(
            "hamstring-tendinopathy", "Proximal hamstring tendinopathy", ("hamstring tendinosis", "PHT")
        ),
        "hip-oa": Concept("hip-oa", "Hip osteoarthritis", ("hip OA",)),
        "long-stride-pain": Concept("long-stride-pain", "Pain with long strides", ("worse with long strides",)),
    }
    discriminators = {
        "ifi-vs-hamstring": Discriminator(
            "ifi-vs-hamstring",
            ("ifi", "hamstring-tendinopathy"),
            why_confused="Both hurt at the ischial tuberosity.",
            points=("IFI hurts towards the groin.", "Tendinopathy shows a thick tendon."),
            trap="They can coexist; report both.",
        )
    }
    history = Stage(
        id="history",
        kind="history",
        ask="Which features of this history matter?",
        present="A 48-year-old woman with buttock pain.",
        expect=(
            Expectation("no-trauma"),
            Expectation("long-stride-pain"),
            Expectation("ifi", weight=2, required=True, feedback="Named early: good instinct."),
        ),
        pass_count=2,
        misconceptions=(
            Misconception("hamstring-tendinopathy", discriminator="ifi-vs-hamstring"),
            Misconception("hip-oa", feedback="Posterior hip pain is not always osteoarthritis."),
        ),
        hints=("Think about what makes it worse.", "Which muscle lies between the two bones?"),
        attempts=3,
        explain="No trauma, pain with long strides: think of ischiofemoral impingement.",
    )
    diagnosis = Stage(
        id="diagnosis",
        kind="diagnosis",
        ask="What is your diagnosis?",
        expect=(Expectation("ifi", required=True),),
        pass_count=1,
        # No discriminator named here: the engine finds ifi-vs-hamstring in the case itself.
        misconceptions=(Misconception("hamstring-tendinopathy"),),
        hints=(),
        attempts=2,
        explain="Ischiofemoral impingement.",
    )
    return Case(
        id="engine-test",
        title="Buttock and groin pain",
        source="tests",
        stages=(history, diagnosis),
        concepts=concepts,
        discriminators=discriminators,
        intro="Read the story, then answer.",
    )


@pytest.fixture(scope="module")
def case() -> Case:
    return build_case()


@pytest.fixture(scope="module")
def grader(case):
    return CaseGrader(case)


def play(case, grader, *actions, at=100.0):
    """Open the case and apply actions; the session at the end and every event in order."""
    session, events = open_case(case, grader, at=at)
    events = list(events)
    for action in actions:
        session, more = advance(session, action)
        events += more
    return session, events


def of(kind, events):
    return [e for e in events if isinstance(e, kind)]


def test_opening_a_case_shows_the_case_and_its_first_question(case, grader):
    session, events = open_case(case, grader, at=10.0)
    assert [type(e) for e in events] == [CaseOpened, StageOpened]
    opened, stage = events
    assert opened.title == "Buttock and groin pain"
    assert opened.intro == "Read the story, then answer."
    assert opened.stages == (("history", "history"), ("diagnosis", "diagnosis"))
    assert (stage.index, stage.total, stage.stage_id, stage.kind) == (0, 2, "history", "history")
    assert stage.ask == "Which features of this history matter?"
    assert stage.present == "A 48-year-old woman with buttock pain."
    assert session.current_stage.id == "history"
    assert not session.finished


def test_a_passing_answer_passes_the_stage_and_an_empty_line_moves_on(case, grader):
    session, events = play(case, grader, Answer("atraumatic, IFI", at=105.0))
    graded = of(AnswerGraded, events)[0]
    assert [c.concept_id for c in graded.newly_found] == ["no-trauma", "ifi"]
    ifi = graded.newly_found[1]
    assert ifi.label == "Ischiofemoral impingement"
    assert ifi.evidence == "IFI"
    assert ifi.feedback == "Named early: good instinct."
    assert graded.passed
    (passed,) = of(StagePassed, events)
    assert passed.remaining == 1 and passed.score == pytest.approx(3 / 4)
    assert not of(StageClosed, events)  # open for what the learner was about to add
    assert session.current_stage.id == "history"
    session, events = advance(session, Answer("", at=106.0))
    closed = of(StageClosed, events)[0]
    assert closed.reason == "moved-on" and closed.passed
    assert closed.outcome == "passed"
    assert closed.found == ("no-trauma", "ifi")
    assert closed.missed == ("long-stride-pain",)
    assert closed.explain.startswith("No trauma")
    assert closed.score == pytest.approx(3 / 4)  # weights 1 + 2 of 4
    assert of(StageOpened, events)[-1].stage_id == "diagnosis"
    assert session.current_stage.id == "diagnosis"
    assert not of(Nudge, events)


def test_advance_returns_a_new_session_and_leaves_the_old_one_alone(case, grader):
    before, _ = open_case(case, grader, at=0.0)
    after, _ = advance(before, Answer("atraumatic", at=1.0))
    assert before.progress[0].found == ()
    assert after.progress[0].found == ("no-trauma",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.stage_index = 1  # type: ignore[misc]


def test_credit_accumulates_across_attempts_within_a_stage(case, grader):
    session, events = play(case, grader, Answer("atraumatic", at=1.0), Answer("I think IFI", at=2.0))
    first, second = of(AnswerGraded, events)
    assert [c.concept_id for c in first.newly_found] == ["no-trauma"]
    assert first.credit == pytest.approx(1 / 4)
    assert [c.concept_id for c in second.newly_found] == ["ifi"]
    assert second.attempt == 2
    assert second.credit == pytest.approx(3 / 4)
    assert of(StagePassed, events) and session.progress[0].passed


def test_saying_a_credited_concept_again_is_acknowledged_not_recounted(case, grader):
    _, events = play(case, grader, Answer("atraumatic", at=1.0), Answer("atraumatic", at=2.0))
    second = of(AnswerGraded, events)[1]
    assert second.newly_found == ()
    assert second.already_found == ("no-trauma",)
    assert second.already_found_labels == ("No history of trauma",)
    assert second.credit == pytest.approx(1 / 4)


def test_the_nudge_counts_what_is_left_without_naming_it(case, grader):
    _, events = play(case, grader, Answer("atraumatic", at=1.0))
    nudge = of(Nudge, events)[-1]
    assert nudge.remaining == 2
    assert nudge.required_remaining == 1
    assert nudge.needed == 1  # pass 2: one more, and it must be the required one
    assert nudge.attempts_left == 2
    said = wording.render_event(nudge, width=None)
    for label in ("Ischiofemoral", "impingement", "strides", "IFI"):
        assert label not in said
    assert "essential" in said


def test_a_stage_runs_out_of_tries_and_shows_the_model_answer(case, grader):
    session, events = play(
        case, grader, Answer("atraumatic", at=1.0), Answer("atraumatic", at=2.0), Answer("atraumatic", at=3.0)
    )
    closed = of(StageClosed, events)[0]
    assert closed.outcome == "exhausted"
    assert closed.explain == case.stages[0].explain
    assert closed.missed_labels == ("Pain with long strides", "Ischiofemoral impingement")
    assert closed.attempts == 3
    assert session.current_stage.id == "diagnosis"
    # The last try closes the stage instead of nudging.
    assert isinstance(events[events.index(closed) - 1], AnswerGraded)


def test_skip_closes_the_stage_with_what_was_found_so_far(case, grader):
    session, events = play(case, grader, Answer("atraumatic", at=1.0), Skip(at=2.0))
    closed = of(StageClosed, events)[0]
    assert closed.outcome == "skipped"
    assert closed.score == pytest.approx(1 / 4)
    assert session.current_stage.id == "diagnosis"


def test_the_hint_ladder_gives_the_stage_hints_then_the_answer(case, grader):
    session, events = play(case, grader, AskHint(at=1.0), AskHint(at=2.0))
    hints = of(HintGiven, events)
    assert [h.level for h in hints] == [1, 2]
    assert [h.text for h in hints] == list(case.stages[0].hints)  # the author's first hint first
    assert not any(h.reveals_answer for h in hints)
    assert hints[1].next_reveals and not hints[0].next_reveals
    assert session.current_stage.id == "history"

    session, events = advance(session, AskHint(at=4.0))
    reveal = of(HintGiven, events)[0]
    assert reveal.reveals_answer
    assert reveal.revealed == ("No history of trauma", "Pain with long strides", "Ischiofemoral impingement")
    assert "Ischiofemoral impingement" in wording.render_event(reveal, width=None)
    closed = of(StageClosed, events)[0]
    assert (closed.outcome, closed.hints_used, closed.score) == ("revealed", 3, 0.0)
    assert session.current_stage.id == "diagnosis"


def test_the_free_pump_after_an_answer_that_adds_nothing_knows_what_was_found(case, grader):
    _, events = play(case, grader, Answer("atraumatic", at=1.0), Answer("atraumatic", at=2.0))
    first, second = of(Nudge, events)
    assert not first.pump  # that answer progressed
    assert wording.pump("history", found_any=True) not in wording.render_event(first, width=None)
    assert second.pump and second.found_any
    assert wording.pump("history", found_any=True) in wording.render_event(second, width=None)


def test_each_hint_lowers_the_stage_score(case, grader):
    _, events = play(case, grader, AskHint(at=1.0), Answer("atraumatic and IFI", at=2.0), Next(at=3.0))
    closed = of(StageClosed, events)[0]
    assert closed.outcome == "passed"
    assert closed.score == pytest.approx(3 / 4 - HINT_PENALTY)


def test_a_misconception_with_a_discriminator_gets_a_contrast_and_costs_a_try(case, grader):
    session, events = play(case, grader, Answer("proximal hamstring tendinosis", at=1.0))
    met = of(MisconceptionMet, events)[0]
    assert met.concept_id == "hamstring-tendinopathy"
    contrast = met.contrast
    assert (contrast.this_id, contrast.other_id) == ("hamstring-tendinopathy", "ifi")
    assert contrast.this_label == "Proximal hamstring tendinopathy"
    assert contrast.other_label == "Ischiofemoral impingement"
    assert contrast.why_confused == "Both hurt at the ischial tuberosity."
    assert contrast.points == ("IFI hurts towards the groin.", "Tendinopathy shows a thick tendon.")
    assert contrast.trap == "They can coexist; report both."
    assert session.progress[0].attempts == 1
    assert of(AnswerGraded, events)[0].misconceptions == ("hamstring-tendinopathy",)


def test_a_misconception_with_feedback_only_gets_its_feedback(case, grader):
    _, events = play(case, grader, Answer("hip OA", at=1.0))
    met = of(MisconceptionMet, events)[0]
    assert met.feedback == "Posterior hip pain is not always osteoarthritis."
    assert met.contrast is None


def test_a_contrast_is_found_in_the_case_discriminators_when_the_stage_names_none(case, grader):
    session, _ = play(case, grader, Answer("atraumatic, IFI", at=1.0), Next(at=1.5))
    assert session.current_stage.id == "diagnosis"
    session, events = advance(session, Answer("PHT", at=2.0))
    met = of(MisconceptionMet, events)[0]
    assert met.contrast is not None
    assert met.contrast.other_id == "ifi"


def test_meeting_the_same_misconception_twice_is_marked_again(case, grader):
    _, events = play(case, grader, Answer("hip OA", at=1.0), Answer("hip OA", at=2.0))
    first, second = of(MisconceptionMet, events)
    assert (first.again, second.again) == (False, True)


def test_an_expected_concept_denied_is_reported_gently(case, grader):
    _, events = play(case, grader, Answer("atraumatic, not IFI", at=1.0))
    graded = of(AnswerGraded, events)[0]
    assert graded.denied_expected == ("ifi",)
    assert graded.denied_evidence and "IFI" in graded.denied_evidence[0]
    assert [c.concept_id for c in graded.newly_found] == ["no-trauma"]


def test_a_concept_from_elsewhere_is_recognised_but_not_credited(case, grader):
    session, _ = play(case, grader, Answer("atraumatic, IFI", at=1.0), Answer("", at=1.5))
    session, events = advance(session, Answer("worse with long strides", at=2.0))
    graded = of(AnswerGraded, events)[0]
    assert graded.newly_found == ()
    assert graded.unexpected_labels == ("Pain with long strides",)


def test_an_answer_with_no_known_concept_says_so_and_uses_no_try(case, grader):
    session, events = play(case, grader, Answer("the weather is lovely", at=1.0))
    (not_recognised,) = of(NotRecognised, events)
    assert not_recognised.unmatched and not not_recognised.counted
    assert not_recognised.attempt == 0
    assert not_recognised.kind == "history"
    assert wording.rephrase_suggestion("history") in wording.render_event(not_recognised, width=None)
    assert not of(AnswerGraded, events)
    assert session.progress[0].attempts == 0
    assert "I couldn't match that to this case's terms" in wording.render_event(not_recognised)


def test_an_empty_answer_before_the_stage_is_passed_is_ignored(case, grader):
    session, events = play(case, grader, Answer("   ", at=1.0), Answer("", at=2.0))
    assert events[2:] == []
    assert session.progress[0].attempts == 0 and session.current_stage.id == "history"


def test_unrecognised_answers_never_exhaust_a_stage(case, grader):
    session, events = play(case, grader, *(Answer("lovely weather", at=float(t)) for t in range(1, 6)))
    assert not of(StageClosed, events)
    assert session.current_stage.id == "history"


def test_quit_closes_the_stage_and_finishes_with_the_summary_so_far(case, grader):
    session, events = play(case, grader, Answer("atraumatic", at=130.0), Quit(at=160.0), at=100.0)
    closed = of(StageClosed, events)[0]
    assert closed.outcome == "quit"
    (finished,) = of(CaseFinished, events)
    assert events[-1] is finished
    summary = finished.summary
    assert session.finished and session.current_stage is None
    assert summary.seconds == pytest.approx(60.0)
    assert [s.outcome for s in summary.stages] == ["quit", None]
    # The unreached stage counts as zero and gives nothing away.
    assert summary.stages[1].missed == ()
    assert summary.score == pytest.approx((1 / 4 + 0) / 2)
    assert summary.found == ("no-trauma",)
    assert summary.missed == ("long-stride-pain", "ifi")


def test_a_finished_session_ignores_further_actions(case, grader):
    session, _ = play(case, grader, Quit(at=1.0))
    again, events = advance(session, Answer("IFI", at=2.0))
    assert events == ()
    assert again is session


def test_a_full_case_summary_adds_up_stages_hints_and_misconceptions(case, grader):
    session, events = play(
        case,
        grader,
        Answer("hip OA", at=110.0),
        AskHint(at=120.0),
        Answer("atraumatic, worse with long strides, IFI", at=130.0),
        Answer("ischiofemoral impingement", at=190.0),
        at=100.0,
    )
    summary = of(CaseFinished, events)[0].summary
    assert [s.outcome for s in summary.stages] == ["passed", "passed"]
    # The first stage lost a hint's worth and a confusion's worth (hip OA, committed to).
    first = 1 - HINT_PENALTY - MISCONCEPTION_PENALTY
    assert [round(s.score, 4) for s in summary.stages] == [round(first, 4), 1.0]
    assert summary.score == pytest.approx((first + 1.0) / 2)
    assert summary.hints_used == 1
    assert summary.misconceptions == ("hip-oa",)
    assert summary.misconception_labels == ("Hip osteoarthritis",)
    assert summary.missed == ()
    assert summary.seconds == pytest.approx(90.0)
    assert session.summary() == summary


# --- Whatever a learner does, the rules hold -----------------------------------
ANSWERS = [
    "atraumatic", "IFI", "worse with long strides", "not IFI", "hip OA", "PHT", "hamstring tendinosis",
    "", "   ", "lovely weather", "ischiofemoral impingement, atraumatic", "\x1b[31mIFI\x1b[0m", "坐骨",
]
ACTIONS = st.one_of(
    st.builds(Answer, st.one_of(st.sampled_from(ANSWERS), st.text(max_size=40))),
    st.just(AskHint()),
    st.just(Next()),
    st.just(Skip()),
    st.just(Quit()),
)


_SHARED_GRADER = CaseGrader(build_case())  # building the index once keeps the examples fast


@settings(max_examples=150, deadline=None)
@given(st.lists(ACTIONS, max_size=25))
def test_any_sequence_of_actions_keeps_the_rules(actions):
    case = build_case()
    session, events = open_case(case, _SHARED_GRADER, at=0.0)
    events = list(events)
    for t, action in enumerate(actions, start=1):
        action = dataclasses.replace(action, at=float(t))
        session, more = advance(session, action)
        events += more
    if not session.finished:
        session, more = advance(session, Quit(at=float(len(actions) + 1)))
        events += more

    # Exactly one ending, and it is the last event.
    assert [type(e) for e in events].count(CaseFinished) == 1
    assert isinstance(events[-1], CaseFinished)
    # Stages open in the case's order, each closed once before the next opens.
    opened = [e.stage_id for e in events if isinstance(e, StageOpened)]
    closed = [e.stage_id for e in events if isinstance(e, StageClosed)]
    assert opened == [s.id for s in case.stages][: len(opened)]
    assert closed == opened
    for stage, progress in zip(case.stages, session.progress):
        assert progress.attempts <= stage.attempts
        assert set(progress.found) <= set(stage.expected_ids)
    summary = events[-1].summary
    assert 0.0 <= summary.score <= 1.0
    assert all(0.0 <= s.score <= 1.0 for s in summary.stages)
    # Only an answer can earn credit, and a credited concept is never credited twice in a stage.
    for stage in case.stages:
        credited = [
            c.concept_id for e in events if isinstance(e, AnswerGraded) and e.stage_id == stage.id for c in e.newly_found
        ]
        assert len(credited) == len(set(credited))



def test_naming_a_later_stage_answer_early_is_held_not_dismissed():
    from tutor.engine import AnswerGraded, Answer, Skip, advance, open_case
    from tutor.grading import CaseGrader
    from tutor.cases.library import load_case

    case = load_case("ifi-classic")
    session, _ = open_case(case, CaseGrader(case), at=0.0)
    while session.current_stage.kind != "differential":
        session, _ = advance(session, Skip(at=1.0))
    session, events = advance(session, Answer("IFI", at=2.0))
    graded = next(e for e in events if isinstance(e, AnswerGraded))
    assert graded.later_labels == ("Ischiofemoral impingement",)
    assert graded.unexpected_labels == ()


def test_a_drill_ends_when_time_runs_out_and_late_answers_are_not_graded():
    from tutor.engine import Answer, CaseFinished, Next, StageClosed, Tick, TimeUp, advance, open_case
    from tutor.grading import CaseGrader
    from tutor.cases.library import load_case

    case = load_case("ifi-classic")
    session, opened = open_case(case, CaseGrader(case), at=100.0, time_limit=60)
    assert opened[0].time_limit == 60
    session, events = advance(session, Answer("no trauma, pain with long strides", at=130.0))
    session, events = advance(session, Next(at=131.0))
    assert session.current_stage.kind == "findings"
    assert session.remaining(130.0) == 30.0
    session, events = advance(session, Tick(at=150.0))
    assert events == () and not session.finished
    session, events = advance(session, Answer("quadratus femoris edema, narrow IFS", at=170.0))
    assert isinstance(events[0], TimeUp) and events[0].limit == 60
    closed = [e for e in events if isinstance(e, StageClosed)]
    assert [c.outcome for c in closed] == ["time"] and closed[0].found == ()
    summary = next(e for e in events if isinstance(e, CaseFinished)).summary
    assert summary.seconds == 60 and summary.time_limit == 60
    assert session.finished and advance(session, Tick(at=200.0)) == (session, ())


def test_an_untimed_case_never_runs_out():
    from tutor.engine import Tick, advance, open_case
    from tutor.grading import CaseGrader
    from tutor.cases.library import load_case

    case = load_case("ifi-classic")
    session, _ = open_case(case, CaseGrader(case), at=0.0)
    session, events = advance(session, Tick(at=10**9))
    assert events == () and session.remaining(5.0) is None


def _shipped(case_id):
    from tutor.grading import CaseGrader
    from tutor.cases.library import load_case

    case = load_case(case_id)
    return case, CaseGrader(case)


def _to_stage(session, kind):
    from tutor.engine import Skip, advance

    while session.current_stage.kind != kind:
        session, _ = advance(session, Skip(at=1.0))
    return session


def test_i_dont_know_points_to_hint_and_costs_no_try():
    from tutor.engine import Answer, NotRecognised, advance, open_case

    case, grader = _shipped("ifi-classic")
    session, _ = open_case(case, grader, at=0.0)
    for text in ("idk", "I don't know", "不知道", "?"):
        session, events = advance(session, Answer(text, at=1.0))
        (reply,) = events
        assert isinstance(reply, NotRecognised) and reply.gave_up and not reply.counted
    assert session.current_progress.attempts == 0
    assert "/hint" in wording.render_event(reply)


def test_a_diagnosis_kept_in_play_gets_the_contrast_without_the_penalty():
    from tutor.engine import Answer, CaseFinished, MisconceptionMet, Quit, advance, open_case

    case, grader = _shipped("toh-man-vs-onfh")
    session = _to_stage(open_case(case, grader, at=0.0)[0], "diagnosis")
    session, events = advance(session, Answer("TOH > AVN", at=2.0))
    (met,) = [e for e in events if isinstance(e, MisconceptionMet)]
    assert met.kept_open and met.contrast is not None
    assert wording.misconception_lead(met).startswith("You kept Osteonecrosis of the femoral head on the list")
    summary = next(e for e in advance(session, Quit(at=3.0))[1] if isinstance(e, CaseFinished)).summary
    assert summary.misconceptions == ()


def test_naming_every_diagnosis_costs_what_each_wrong_one_is_worth():
    from tutor.engine import Answer, StageClosed, advance, open_case

    case, grader = _shipped("ifi-classic")
    session = _to_stage(open_case(case, grader, at=0.0)[0], "diagnosis")
    stage = session.current_stage
    session, events = advance(session, Answer(
        "piriformis syndrome, hip OA, IFI with narrow IFS and QF edema; hamstring tendinopathy can coexist", at=2.0))
    closed = next(e for e in events if isinstance(e, StageClosed))
    confusions = len({"piriformis-syndrome", "hip-oa"} & set(stage.misconception_ids))
    assert confusions == 2
    assert closed.credit == 1.0
    assert closed.score == pytest.approx(1.0 - MISCONCEPTION_PENALTY * confusions)


def test_a_checklist_item_said_wrongly_in_findings_is_told_what_the_images_show():
    """Usability #12: "the right sciatic nerve is brighter and thicker" named only the report's
    sciatic nerve item and got "Noted … Not scored", though the case's nerves are normal."""
    from tutor.cases.library import load_case
    from tutor.events import AnswerGraded
    from tutor.render import wording
    from tutor.session import Play

    play = Play(load_case("ifi-classic"))
    play.skip()
    events = play.answer("right sciatic nerve is brighter and thicker than the left")
    graded = next(e for e in events if isinstance(e, AnswerGraded))
    assert [label for label, _ in graded.noted_corrections] == ["Sciatic nerve signal and its relation to the piriformis"]
    text = " ".join(wording.render_event(graded, width=None).split())
    assert "Noted: Sciatic nerve signal and its relation to the piriformis. Not scored in this question, but look again:" in text
    assert "The two sciatic nerves match in signal and calibre." in text  # the stage's own feedback on it
    assert play.session.current_progress.misconceptions == ()  # told, not counted against the learner

    # Said rightly, the nerve earns what the stage credits and nothing is corrected.
    events = play.answer("sciatic nerves symmetric, sciatic nerve normal")
    graded = next(e for e in events if isinstance(e, AnswerGraded))
    assert graded.noted_corrections == ()
    assert "look again" not in wording.render_event(graded, width=None)
