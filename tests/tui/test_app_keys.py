"""Keyboard-only use: answer history, slash commands, help, paging, themes, and `tutor play` in a terminal."""

from __future__ import annotations

from tui_pilot_steps import build_test_app, run, screen_name, shown_text, table_rows, wait_until

from tutor.cases.library import load_case
from tutor.tui.help import HelpScreen
from tutor.tui.transcript import LearnerSaid, TutorSays


async def open_long_stride(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: table_rows(app), "the library")
    await pilot.press(*"long stride", "enter")
    await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")


def test_up_and_down_walk_through_earlier_answers():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            for answer in ("hip osteoarthritis", "no trauma"):
                count = len(screen.query(LearnerSaid))
                await pilot.press(*answer, "enter")
                await wait_until(pilot, lambda: len(screen.query(LearnerSaid)) > count, "the answer")
            await pilot.press(*"draft")
            await pilot.press("up")
            assert screen.input.value == "no trauma"
            await pilot.press("up", "up")
            assert screen.input.value == "hip osteoarthritis"  # stays at the oldest
            await pilot.press("down")
            assert screen.input.value == "no trauma"
            await pilot.press("down")
            assert screen.input.value == "draft"  # back to what was being typed

    run(scenario)


def test_slash_commands_work_like_the_keys():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            await pilot.press(*"/hint", "enter")
            await wait_until(pilot, lambda: any(w.source.startswith("Hint 1") for w in screen.query(TutorSays)), "the hint")
            await pilot.press(*"/frobnicate", "enter")
            await wait_until(pilot, lambda: "I don't know the command /frobnicate" in shown_text(app), "the unknown command")
            await pilot.press(*"/help", "enter")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
            assert "/skip" in shown_text(app) and "F2" in shown_text(app)
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is screen, "the case again")
            await pilot.press(*"/quit", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")

    run(scenario)


def test_page_keys_scroll_the_dialogue_while_typing():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_long_stride(pilot)
            transcript = app.screen.transcript
            for _ in range(3):
                await pilot.press("f2")
            await pilot.press("f3")
            await wait_until(pilot, lambda: transcript.max_scroll_y > 0, "a dialogue taller than the screen")
            await wait_until(pilot, lambda: transcript.scroll_y > 0, "the view down the dialogue")
            down_there = transcript.scroll_y
            await pilot.press("pageup")
            await wait_until(pilot, lambda: transcript.scroll_y < down_there, "one page up")
            await pilot.press("pageup", "pageup", "pageup", "pageup")
            await wait_until(pilot, lambda: transcript.scroll_y == 0, "the top of the dialogue")
            await pilot.press("pagedown")
            await wait_until(pilot, lambda: transcript.scroll_y > 0, "scrolling down again")
            assert app.focused is app.screen.input  # still typing

    run(scenario)


def test_ctrl_t_switches_between_light_and_dark():
    async def scenario():
        app = build_test_app()
        async with app.run_test() as pilot:
            assert app.theme == "textual-dark"
            await pilot.press("ctrl+t")
            assert app.theme == "textual-light"
            await pilot.press("ctrl+t")
            assert app.theme == "textual-dark"

    run(scenario)


def test_play_in_a_terminal_opens_the_case_and_home_is_a_key_away():
    async def scenario():
        app = build_test_app(start_case=load_case("quiet-hip"))
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the case screen")
            await wait_until(pilot, lambda: "Was there an injury?" in shown_text(app), "the question")
            await pilot.press("f4")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question before ending")
            await pilot.press("f4")  # F4 again ends it
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "the library")

    run(scenario)


def test_every_screen_fits_80_by_24():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            for selector in ("#filter", "#tag-chips", "#library", "#home-status", "Footer"):
                region = app.screen.query_one(selector).region
                assert region.height > 0 and region.bottom <= 24 and region.right <= 80, selector
            await open_long_stride(pilot)
            for selector in ("#stepper", "#found", "#transcript", "#answer", "Footer"):
                region = app.screen.query_one(selector).region
                assert region.height > 0 and region.bottom <= 24 and region.right <= 80, selector
            assert "Management" in shown_text(app)  # all five stages fit on the stepper line
            await pilot.press("f4")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question before ending")
            await pilot.press("f4")  # F4 again ends it
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            assert "^r Retry case" in shown_text(app) and "esc Library" in shown_text(app)

    run(scenario)


def test_a_pasted_paragraph_is_one_answer():
    from textual import events

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await open_long_stride(pilot)
            screen = app.screen
            screen.input.post_message(events.Paste("Long stride pain.\n\nNo trauma.\n  Worse walking fast.\n"))
            await wait_until(pilot, lambda: screen.input.value, "the pasted text")
            assert screen.input.value == "Long stride pain. No trauma. Worse walking fast."

    run(scenario)


def test_letters_typed_on_the_summary_never_retry_or_leave():
    """Reliability m17: a learner still typing when the case ends ("/quit", then "trauma, the hip")
    stays on the summary, is told the case is over, and the screen's own keys still work."""

    async def scenario():
        app = build_test_app(start_case=load_case("quiet-hip"))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await wait_until(pilot, lambda: "Was there an injury?" in shown_text(app), "the question")
            await pilot.press(*"/quit", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            summary = app.screen
            await pilot.press(*"trauma, the hip", "enter")
            await wait_until(pilot, lambda: "the case has ended" in shown_text(app), "the notice that the case is over")
            assert app.screen is summary  # no retry (r), no home (h)
            assert "^r Retry case" in shown_text(app) and "esc Library" in shown_text(app)
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the case again")
            await wait_until(pilot, lambda: app.screen.play is not None, "the new play")
            await pilot.press(*"/quit", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary again")
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "the library")

    run(scenario)
