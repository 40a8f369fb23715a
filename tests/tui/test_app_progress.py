"""The progress screen: the figures of `tutor stats`, a chart of score over time, and past sessions."""

from __future__ import annotations

from tui_pilot_steps import DAY, FIXED_NOW, build_test_app, run, screen_name, shown_text, table_rows, wait_until

SIZE = (80, 24)


def play_some_history() -> None:
    """Three plays over a week, as a learner would leave them: two results and one left unfinished."""
    from tutor.cases.library import load_case
    from tutor.session import Play
    from tutor.records import Records

    with Records.open(front_end="app") as records:
        warm_up = load_case("quiet-hip")
        first = Play(warm_up, records, clock=lambda: FIXED_NOW - 7 * DAY)
        first.skip()
        second = Play(warm_up, records, clock=lambda: FIXED_NOW - 2 * DAY)
        second.answer("no trauma")
        assert first.finished and second.finished
        third = Play(load_case("long-stride-pain"), records, clock=lambda: FIXED_NOW - DAY)
        third.answer("hamstring tendinopathy")


async def open_progress(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
    await pilot.press("f8")
    await wait_until(pilot, lambda: screen_name(app) == "ProgressScreen" and app.screen.loaded, "the progress screen")


def test_f8_shows_progress_and_a_past_session_reopens_read_only():
    play_some_history()

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_progress(pilot)
            text = " ".join(shown_text(app).split())  # the caption wraps at 80 columns
            assert "Score over time, oldest left: 2 results, lowest 0%, highest 100%, last 100% · 3 plays" in text
            sessions = table_rows(app, "#sessions")
            assert [row[0] for row in sessions] == ["1d ago", "2d ago", "7d ago"]  # newest first
            assert sessions[0][2] == "unfinished" and sessions[1][2] == "100%" and sessions[2][2] == "0%"
            assert app.screen.query_one("#score-chart").data == [0.0, 1.0]
            warm_up = next(r for r in table_rows(app, "#cases") if r[0] == "A short warm-up case")
            assert warm_up[1:5] == ["2", "100%", "100%", "+100"]
            # Enter on the newest session reopens it, as it was recorded, and changes nothing.
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen_name(app) == "PastSessionScreen", "the past session")
            text = shown_text(app)
            assert "(read-only)" in text and "> hamstring tendinopathy" in text
            assert "Not finished: the answers below were kept." in text
            # One line per answer and per stage, as written, not run together into one paragraph.
            shown_lines = [line.strip() for line in text.splitlines()]
            assert "Not finished: the answers below were kept." in shown_lines
            assert any(line.startswith("> hamstring tendinopathy") for line in shown_lines)
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "ProgressScreen", "back to progress")
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "back home")

    run(scenario)


def test_the_progress_screen_with_no_records_says_so():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_progress(pilot)
            assert "No records yet" in shown_text(app)

    run(scenario)


def test_progress_at_80x24(snap_compare):
    play_some_history()

    async def open_it(pilot):
        await open_progress(pilot)

    assert snap_compare(build_test_app(), terminal_size=SIZE, run_before=open_it)


def test_every_progress_table_fits_80_columns_with_long_titles(tmp_path):
    """QA finding 13: the Sessions table's Score was cut to "Scor" at 80 columns by a long title."""
    import yaml

    from conftest import LIBRARY
    from tutor.cases.library import load_case
    from tutor.records import Records
    from tutor.session import Play

    data = yaml.safe_load((LIBRARY / "cases" / "long-stride-pain.yaml").read_text(encoding="utf-8"))
    data["title"] = "Buttock and leg pain in a 51-year-old man, nine months after a fall on the stairs"
    path = tmp_path / "long-title.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with Records.open(front_end="app") as records:
        play = Play(load_case(str(path)), records, clock=lambda: FIXED_NOW - DAY)
        play.answer("hamstring tendinopathy")
        play.quit()

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_progress(pilot)
            tabs = app.screen.query_one("#progress-tabs")
            for pane, table_id in [("tab-sessions", "#sessions"), ("tab-cases", "#cases"),
                                   ("tab-concepts", "#concepts"), ("tab-pairs", "#pairs"), ("tab-kinds", "#kinds")]:
                tabs.active = pane
                table = app.screen.query_one(table_id)
                await wait_until(pilot, lambda: table.region.width > 0 and table.virtual_size.width > 0, f"the {pane} table")
                assert table.region.right <= 80
                assert table.virtual_size.width <= table.scrollable_content_region.width, pane  # no sideways scroll
            tabs.active = "tab-sessions"
            await wait_until(pilot, lambda: "Score" in shown_text(app), "the sessions table again")
            assert "Buttock and leg pain in a 51-year-old man" in shown_text(app)  # cut with an ellipsis, not lost
            assert "0%" in shown_text(app)

    run(scenario)


def test_letters_typed_on_the_progress_screens_do_not_navigate():
    """A letter meant for an answer line ("h" of "hip") leaves neither screen; Esc does, as elsewhere."""
    play_some_history()

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await open_progress(pilot)
            await pilot.press(*"the hip")
            await wait_until(pilot, lambda: "Esc goes back to the library" in " ".join(shown_text(app).split()), "the notice of keys")
            assert screen_name(app) == "ProgressScreen"
            assert "esc Library" in shown_text(app)
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen_name(app) == "PastSessionScreen", "the past session")
            await pilot.press(*"hq")
            await wait_until(pilot, lambda: "this session is read-only" in " ".join(shown_text(app).split()), "the notice there")
            assert screen_name(app) == "PastSessionScreen"
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "ProgressScreen", "back to progress")
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "back home")

    run(scenario)
