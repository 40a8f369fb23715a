"""What each screen looks like at 80x24, in the dark and the light theme.

The snapshots under __snapshots__/ were looked at and approved; regenerate them
with `pytest tests/tui --snapshot-update` only after looking at the new ones.
"""

from __future__ import annotations

from tui_pilot_steps import build_test_app, screen_name, table_rows, wait_until

from tutor.tui.transcript import ContrastView, LearnerSaid

SIZE = (80, 24)


async def open_long_stride_case(pilot) -> None:
    app = pilot.app
    # Typed once the library is there: a key pressed while the app still starts is lost ("ong stride").
    await wait_until(pilot, lambda: table_rows(app), "the library")
    await pilot.press(*"long stride", "enter")
    await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the case screen")
    await wait_until(pilot, lambda: app.screen.play is not None, "the case to open")
    await steady_cursors(pilot)  # a slow machine would take the picture with the cursor off


async def answer(pilot, text: str, condition, what: str) -> None:
    await pilot.press(*text, "enter")
    await wait_until(pilot, condition, what)
    await wait_until(pilot, lambda: footer_settled(pilot.app), "the footer to catch up with the scroll")


def footer_settled(app) -> bool:
    """ "Read on" is in the footer exactly when there is more below (the footer updates a moment later)."""
    from textual.widgets import Footer

    screen = app.screen
    transcript = screen.transcript
    more = transcript.scroll_y < transcript.max_scroll_y
    shown = any("Read on" in str(getattr(k, "description", "")) for k in screen.query_one(Footer).query("FooterKey"))
    return more == shown


async def steady_cursors(pilot) -> None:
    """Text boxes' cursors blink every half second; the pictures show them lit, so keep them lit."""
    from textual.widgets import Input

    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False


def test_home_dark(snap_compare):
    assert snap_compare(build_test_app(), terminal_size=SIZE, run_before=steady_cursors)


def test_home_light_with_a_filter(snap_compare):
    async def type_filter(pilot):
        await steady_cursors(pilot)
        await wait_until(pilot, lambda: table_rows(pilot.app), "the library")
        await pilot.press(*"hip")

    assert snap_compare(build_test_app(theme="textual-light"), terminal_size=SIZE, run_before=type_filter)


def test_case_answer_credited_light(snap_compare):
    async def play(pilot):
        await open_long_stride_case(pilot)
        await answer(pilot, "worse with long strides", lambda: pilot.app.screen.query(LearnerSaid), "the credit")

    assert snap_compare(build_test_app(theme="textual-light"), terminal_size=SIZE, run_before=play)


def test_case_misconception_contrast_dark(snap_compare):
    async def play(pilot):
        await open_long_stride_case(pilot)
        await answer(pilot, "hamstring tendinopathy", lambda: pilot.app.screen.query(ContrastView), "the contrast")

    assert snap_compare(build_test_app(), terminal_size=SIZE, run_before=play)


def test_summary_dark(snap_compare):
    async def play(pilot):
        app = pilot.app
        await open_long_stride_case(pilot)
        await answer(pilot, "atraumatic, worse with long strides", lambda: app.screen.play.session.current_progress.passed, "the pass")
        await pilot.press("enter")  # a passed stage stays open until the learner moves on
        await wait_until(pilot, lambda: "▶ Findings" in str(app.screen.query_one("#stepper").visual), "the findings")
        await answer(pilot, "hamstring tendinopathy", lambda: len(app.screen.query(LearnerSaid)) == 2, "the second answer")
        await pilot.press("f4")
        await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question before ending")
        await pilot.press("f4")  # F4 again ends it
        await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")

    assert snap_compare(build_test_app(), terminal_size=SIZE, run_before=play)
