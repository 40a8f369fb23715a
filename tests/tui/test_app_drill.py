"""A timed drill in the app: the countdown shows, and the case ends at the bell between answers."""

from __future__ import annotations

from tui_pilot_steps import FIXED_NOW, build_test_app, run, screen_name, shown_text, table_rows, wait_until

SIZE = (100, 40)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> float:
        return self.now


def test_f5_opens_a_drill_that_ends_when_time_runs_out():
    async def scenario():
        clock = Clock()
        app = build_test_app(clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
            await pilot.press("f5")
            await wait_until(pilot, lambda: "Drill ·" in shown_text(app), "the drill's countdown")
            limit = app.screen.time_limit
            assert f"Drill · {limit // 60:.0f}:00 left" in shown_text(app)
            clock.now += limit - 30
            await app.screen.tick()
            await wait_until(pilot, lambda: "0:30 left" in shown_text(app), "the countdown moving")
            clock.now += 31
            await app.screen.tick()
            await wait_until(pilot, lambda: "Time is up" in shown_text(app), "the bell")
            assert "time's up" in shown_text(app)
            assert app.screen.summary is not None and app.screen.summary.time_limit == limit
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            assert "out of time" in shown_text(app)

    run(scenario)
