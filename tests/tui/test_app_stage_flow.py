"""At 80x24, the way a learner meets a stage: passed but still open, Enter to move on,
and the tutor's reply with the next question in sight after every answer."""

from __future__ import annotations

from tui_pilot_steps import build_test_app, run, screen_name, shown_text, table_rows, wait_until

from tutor.tui.case_screen import PASSED_PLACEHOLDER
from tutor.tui.stepper import StageStepper
from tutor.tui.transcript import LearnerSaid

SIZE = (80, 24)


async def open_long_stride(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: table_rows(app), "the library")
    await pilot.press(*"long stride", "enter")
    await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")


async def say(pilot, text: str) -> None:
    screen = pilot.app.screen
    count = len(screen.query(LearnerSaid))
    await pilot.press(*text, "enter")
    await wait_until(pilot, lambda: len(screen.query(LearnerSaid)) > count, f"the reply to {text!r}")


def stepper_text(app) -> str:
    return str(app.screen.query_one(StageStepper).visual)


def test_a_passed_stage_takes_one_more_answer():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            await say(pilot, "atraumatic, worse with long strides")
            # The learner's line is on screen first; the tutor's reply follows it.
            await wait_until(pilot, lambda: "Anything to add?" in shown_text(app), "the passed stage's reply")
            assert "Stage passed" in shown_text(app)
            assert screen.play.session.current_stage.id == "history"
            assert screen.input.placeholder == PASSED_PLACEHOLDER
            assert "✓ History" in stepper_text(app)
            # The answer the learner was about to give still counts in this stage.
            await say(pilot, "groin pain")
            await wait_until(pilot, lambda: "What are the key findings?" in shown_text(app), "the findings question")
            closed = screen.play.session.progress[0]
            assert closed.outcome == "passed" and closed.score == 1.0

    run(scenario)


def test_enter_on_an_empty_answer_moves_on_from_a_passed_stage_and_only_then():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            await pilot.press("enter")  # nothing passed yet: ignored
            await pilot.pause()
            assert screen.play.session.current_stage.id == "history"
            assert screen.play.session.current_progress.attempts == 0
            await say(pilot, "atraumatic, long strides")
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.play.session.current_stage.id == "findings", "the next stage")
            await wait_until(pilot, lambda: "What are the key findings?" in shown_text(app), "the findings question")
            assert "Stage passed. Stage score" in shown_text(app) or screen.play.session.progress[0].outcome == "passed"

    run(scenario)


def test_next_before_passing_says_what_is_still_needed():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            await say(pilot, "atraumatic")
            await pilot.press(*"/next", "enter")
            await wait_until(pilot, lambda: "Not passed yet" in shown_text(app), "what is still needed")
            assert screen.play.session.current_stage.id == "history"

    run(scenario)


def test_the_stepper_tells_passed_not_passed_and_nothing_apart():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            await say(pilot, "atraumatic")  # some credit, not passed
            await pilot.press("f3")
            await wait_until(pilot, lambda: "▶ Findings" in stepper_text(app), "the findings")
            await pilot.press("f3")  # nothing at all
            await wait_until(pilot, lambda: "▶ Differential" in stepper_text(app), "the differential")
            await say(pilot, "hamstring tendinopathy, hip OA")  # passed (and complete)
            await wait_until(pilot, lambda: "▶ Diagnosis" in stepper_text(app), "the diagnosis")
            steps = stepper_text(app)
            assert "◐ History" in steps and "✗ Findings" in steps and "✓ Differential" in steps

    run(scenario)


def test_scrolling_back_shows_each_closed_stage_with_its_question():
    """Usability: the question lives in the bar while its stage is open; read back, a stage
    without it was a heading, images and answers to nothing said."""
    from tutor.tui.transcript import StageHeading

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            history = screen.query(StageHeading).first()
            assert "Which features of this history matter?" not in history.source  # in the bar for now
            await say(pilot, "atraumatic, worse with long strides")
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.play.session.current_stage.id == "findings", "the next stage")
            await wait_until(pilot, lambda: "Which features of this history matter?" in history.source,
                             "the history's question with its stage")
            findings = screen.query(StageHeading).last()
            assert "What are the key findings?" not in findings.source
            # Scrolled to the top, the closed stage reads heading, then its question.
            screen.transcript.scroll_home(animate=False)
            await wait_until(pilot, lambda: screen.transcript.scroll_y == 0, "the top of the dialogue")
            await wait_until(pilot, lambda: "Which features of this history matter?" in shown_text(app), "it on screen")
            lines = [line.strip() for line in shown_text(app).splitlines()]
            heading = next(i for i, line in enumerate(lines) if "Stage 1 of 5 · History" in line)
            question = next(i for i, line in enumerate(lines) if "Which features of this history matter?" in line)
            assert heading < question
            await pilot.press("f3")  # skipping closes a stage too
            await wait_until(pilot, lambda: "What are the key findings?" in findings.source, "the skipped stage's question")

    run(scenario)
