"""A learner drives the whole app with the keyboard: library, a case, the summary, and back."""

from __future__ import annotations

from tui_pilot_steps import (
    build_test_app,
    run,
    screen_name,
    shown_text,
    table_rows,
    wait_until,
)

from tutor.tui.stepper import FoundSoFar, StageStepper
from tutor.tui.transcript import ContrastView, LearnerSaid, TutorSays

SIZE = (100, 50)


def titles(app) -> list[str]:
    return [row[0] for row in table_rows(app)]


def column_labels(app) -> list[str]:
    from textual.widgets import DataTable

    table = app.screen.query_one("#library", DataTable)
    return [str(getattr(c.label, "plain", c.label)) for c in table.columns.values()]


def cells_by_column(app, title: str) -> dict[str, str]:
    row = next(r for r in table_rows(app) if r[0] == title)
    return dict(zip(column_labels(app), row))


def said_lines(app) -> list[str]:
    return [w.source for w in app.screen.query(TutorSays)]


def test_home_lists_the_library_and_tells_a_newcomer_what_to_do():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
            assert titles(app) == ["A short warm-up case", "Buttock pain on long strides"]
            text = shown_text(app)
            assert "New here? Pick a case" in text
            assert "Last" not in table_rows(app)[0]  # no records yet: no score column to read
            assert "●●○" in text  # the difficulty of the long-stride case

    run(scenario)


def test_typing_filters_the_library_and_escape_clears_it():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 2, "the library")
            await pilot.press(*"strides")
            await wait_until(pilot, lambda: titles(app) == ["Buttock pain on long strides"], "the filtered list")
            await pilot.press(*" zebra")
            await wait_until(pilot, lambda: titles(app) == [], "an empty list")
            # Said where the cases would be: what found nothing, and how to clear it.
            text = " ".join(shown_text(app).split())
            assert "No case matches “strides zebra”." in text
            assert "Esc clears the filter; Backspace edits it." in text
            assert "0 of 2 cases" in text
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(titles(app)) == 2, "the whole list again")
            assert "No case matches" not in shown_text(app)
            # Shorthand for what a case is about finds it, as the tutor reads answers: this
            # case's diagnosis is ischiofemoral impingement, its rival hamstring tendinopathy.
            await pilot.press(*"IFI")
            await wait_until(pilot, lambda: titles(app) == ["Buttock pain on long strides"], "the IFI case")
            await pilot.press("escape", *"pht")
            await wait_until(pilot, lambda: titles(app) == ["Buttock pain on long strides"], "the case PHT is set against")

    run(scenario)


def test_an_empty_result_with_a_tag_names_both_and_escape_clears_both():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 2, "the library")
            await pilot.press(*"strides", *["tab"] * 4, "enter")  # the warm-up chip, which this case lacks
            await wait_until(pilot, lambda: "No case matches" in shown_text(app), "the empty result")
            text = " ".join(shown_text(app).split())
            assert "No case matches “strides” with the tag warm-up." in text
            assert "Esc clears the filter and the tags" in text
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(titles(app)) == 2, "both cases again")

    run(scenario)


def test_a_tag_chip_narrows_the_library_to_its_cases():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 2, "the library")
            chips = [c.tag for c in app.screen.query(".tag-chip")]
            assert chips == ["hip", "mri", "posterior-hip-pain", "warm-up"]  # most used first
            # Keyboard: Tab from the filter through the chips, Enter switches one on.
            await pilot.press(*["tab"] * 4, "enter")
            chip = app.screen.query(".tag-chip").last()
            await wait_until(pilot, lambda: titles(app) == ["A short warm-up case"], "the warm-up case alone")
            assert chip.has_class("-on")
            # The chip grows to fit its tick: the tag's name stays readable on screen.
            await wait_until(pilot, lambda: "✓ warm-up" in shown_text(app), "the switched-on chip with its name")
            # Mouse: a click switches it off again.
            await pilot.click(chip)
            await wait_until(pilot, lambda: len(titles(app)) == 2, "both cases again")

    run(scenario)


def test_a_whole_case_from_the_library_to_the_summary_and_back():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 2, "the library")

            # Open the long-stride case by typing part of its title and pressing Enter.
            await pilot.press(*"long stride", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the case screen")
            screen = app.screen
            await wait_until(pilot, lambda: "Which features of this history matter?" in shown_text(app), "the first question")
            assert "48-year-old woman" in shown_text(app)
            stepper = screen.query_one(StageStepper)
            assert "▶ History" in str(stepper.visual)

            # A partly right answer: credited, with the learner's own words lit up.
            await pilot.press(*"worse with long strides", "enter")
            await wait_until(pilot, lambda: screen.query(LearnerSaid), "the answer in the transcript")
            said = screen.query(LearnerSaid).last()
            assert said.credited == ("worse with long strides",)
            assert "Credited: ✓ Pain on long strides" in shown_text(app)
            assert any("Long strides narrow the space." in s for s in said_lines(app))

            # A misconception: its discriminator is drawn as two diagnoses side by side.
            await pilot.press(*"hamstring tendinopathy", "enter")
            await wait_until(pilot, lambda: screen.query(ContrastView), "the contrast")
            text = shown_text(app)
            said_side = next(line for line in text.splitlines() if "You said" in line)
            assert "Compare with" in said_side  # one row, two columns
            assert "Proximal hamstring tendinopathy" in text and "Ischiofemoral impingement" in text
            assert "They can coexist; report both." in text

            # A hint, then the stage is passed and the next one opens.
            await pilot.press("f2")
            await wait_until(pilot, lambda: any(s.startswith("Hint 1") for s in said_lines(app)), "the hint")
            await pilot.press(*"atraumatic", "enter")
            await wait_until(pilot, lambda: "What are the key findings?" in shown_text(app), "the findings stage")
            assert "✓ History" in str(stepper.visual) and "▶ Findings" in str(stepper.visual)
            assert "Imaging findings: nothing credited yet" in str(screen.query_one(FoundSoFar).visual)

            # Skip the rest; the case ends and Enter opens the summary.
            for _ in range(4):
                await pilot.press("f3")
            await wait_until(pilot, lambda: screen.summary is not None, "the end of the case")
            assert "Case finished" in shown_text(app)
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            text = shown_text(app)
            assert "Summary · Buttock pain on long strides" in text
            assert "Pain on long strides" in text  # found
            assert "Narrow ischiofemoral space" in text  # missed
            assert "Proximal hamstring tendinopathy" in text  # a confusion met
            rows = table_rows(app, "#stage-scores")
            assert [r[1] for r in rows] == ["passed", "skipped", "skipped", "skipped", "skipped"]
            assert rows[0][4] == "1"  # one hint in the history stage
            first_score = app.screen.summary.score

            # Retry opens the same case afresh.
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen is not screen, "a new try")
            assert not app.screen.query(LearnerSaid)

            # Stop at once: straight to the summary; then home, where the last real result
            # shows (leaving a case straight away is no 0% result).
            await pilot.press("f4")
            await wait_until(pilot, lambda: screen_name(app) == "ConfirmScreen", "the question before ending")
            await pilot.press("f4")  # F4 again ends it
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary after stopping")
            assert "stopped" in [r[1] for r in table_rows(app, "#stage-scores")]
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen", "home")
            await wait_until(pilot, lambda: "Last" in column_labels(app), "the score columns")
            from tutor.render.wording import percent

            assert cells_by_column(app, "Buttock pain on long strides")["Last"] == f"{percent(first_score)} now"
            assert "New here?" not in shown_text(app)

    run(scenario)


def test_a_list_of_credits_is_followed_by_the_tutors_next_remark_on_its_own():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 50)) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 2, "the library")
            await pilot.press(*"long stride", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")
            await pilot.press(*"atraumatic, long strides, IFI", "enter")
            await wait_until(pilot, lambda: app.screen.query(LearnerSaid), "the answer")
            lines = shown_text(app).splitlines()
            credit = next(i for i, line in enumerate(lines) if "• No history of trauma" in line)
            remark = next(i for i, line in enumerate(lines) if "Noted: Ischiofemoral impingement" in line)
            assert remark > credit
            # Flush with the tutor's other lines, not indented as part of the last bullet.
            assert lines[remark].index("Noted") < lines[credit].index("No history")

    run(scenario)


def test_the_library_shows_the_last_score_and_what_is_due_for_review():
    from tui_pilot_steps import DAY, FIXED_NOW

    from tutor.cases.library import load_case
    from tutor.session import Play
    from tutor.records import Records

    # Three days ago the learner finished the warm-up case with a poor score: a day's wait is over.
    with Records.open() as records:
        play = Play(load_case("quiet-hip"), records, clock=lambda: FIXED_NOW - 3 * DAY)
        play.skip()
        assert play.finished

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: table_rows(app) and "Last" in column_labels(app), "the score columns")
            warm_up = cells_by_column(app, "A short warm-up case")
            assert (warm_up["Last"], warm_up["Due"]) == ("0% 3d ago", "due")
            long_stride = cells_by_column(app, "Buttock pain on long strides")
            assert (long_stride["Last"], long_stride["Due"]) == ("", "")
            text = shown_text(app)
            assert "2 cases · 1 due for review" in text
            assert "New here?" not in text

    run(scenario)
