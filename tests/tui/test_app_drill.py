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


def test_f6_drills_every_shown_case_in_a_row_and_ends_with_the_table():
    async def scenario():
        clock = Clock()
        app = build_test_app(clock=clock)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
            cases = len(table_rows(app))
            assert cases == 2
            await pilot.press("f6")
            await wait_until(pilot, lambda: "Drill · case 1 of 2" in shown_text(app), "the first case's countdown")
            first = app.screen.case.id
            clock.now += app.screen.time_limit + 1
            await app.screen.tick()
            await wait_until(pilot, lambda: "Time is up" in shown_text(app), "the bell")
            assert "Next case" in shown_text(app)
            await pilot.press("enter")
            await wait_until(pilot, lambda: "Drill · case 2 of 2" in shown_text(app), "the second case")
            assert app.screen.case.id != first
            await pilot.press("f4")  # stop: the drill's table comes next
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question before ending")
            await pilot.press("f4")  # F4 again ends it
            await wait_until(pilot, lambda: screen_name(app) == "DrillSummaryScreen", "the drill's table")
            text = shown_text(app)
            assert "Drill · 2 of 2 cases played" in text
            assert "(time up)" in text and "(stopped)" in text
            await pilot.press(*"the hip")  # still typing when the drill ended: not a way home (m17)
            await wait_until(pilot, lambda: "the drill has ended" in shown_text(app), "the notice")
            assert screen_name(app) == "DrillSummaryScreen"
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "back home")
            # Both plays are in the records as one drill, from the app.
            import sqlite3

            from tutor import locations

            with sqlite3.connect(locations.records_file()) as db:
                rows = db.execute("SELECT front_end, drill FROM sessions").fetchall()
            assert len(rows) == 2 and {r[0] for r in rows} == {"app"} and len({r[1] for r in rows}) == 1

    run(scenario)


def test_an_answer_half_typed_when_time_runs_out_is_shown_as_not_graded():
    async def scenario():
        clock = Clock()
        app = build_test_app(clock=clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
            await pilot.press("f5")
            await wait_until(pilot, lambda: "Drill ·" in shown_text(app), "the drill's countdown")
            screen = app.screen
            await pilot.press(*"no trauma, long str")  # typing, no Enter yet
            clock.now += screen.time_limit + 1
            await screen.tick()
            await wait_until(pilot, lambda: "Not graded (time was up)" in shown_text(app), "the unsent answer noted")
            assert "no trauma, long str" in shown_text(app)
            assert screen.input.value == ""
            assert screen.play.session.progress[0].found == ()  # it was not graded

    run(scenario)


def test_the_drill_table_fits_80_columns_with_every_miss_in_sight():
    """QA finding 13: at 80x24 the drill's table was cut ("8 s (time u", no Misses column)."""
    from tutor.drill import STOPPED, TIMED_OUT, Drill, DrillLine
    from tutor.tui.drill_summary import DrillSummaryScreen

    misses = ("Pain on long-stride walking", "Pain on hip extension with adduction",
              "Tenderness lateral to the ischial tuberosity", "Pain towards the groin and medial buttock")
    drill = Drill(cases=[])
    drill.lines += [
        DrillLine("a", "Buttock and leg pain in a 51-year-old man, nine months after a fall", TIMED_OUT,
                  0.25, 480, misses=misses),
        DrillLine("b", "Hip pain that began late in pregnancy", STOPPED, 0.0, 8, misses=misses[:1]),
    ]

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
            app.push_screen(DrillSummaryScreen(drill))
            await wait_until(pilot, lambda: screen_name(app) == "DrillSummaryScreen" and app.screen.query("#drill-table"),
                             "the drill's table")
            table = app.screen.query_one("#drill-table")
            await wait_until(pilot, lambda: table.row_count == 2 and table.virtual_size.width > 0, "the rows")
            assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing to scroll sideways
            text = " ".join(shown_text(app).split())
            assert "Misses" in text and "(time up)" in text and "(stopped)" in text
            for miss in misses:  # wrapped in its column, every word there
                assert all(word in text for word in miss.split()), miss
            assert "Tenderness lateral" in text and "medial buttock" in text

    run(scenario)
