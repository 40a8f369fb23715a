"""Strange answers, broken case files and unwritable records never break the app."""

from __future__ import annotations

import shutil
from pathlib import Path

from tui_pilot_steps import build_test_app, run, screen_name, shown_text, table_rows, wait_until

from tutor.tui.transcript import LearnerSaid, TutorSays

LIBRARY = Path(__file__).parent / "dialogues"


async def open_case(pilot, words: str) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and table_rows(app), "the library")
    await pilot.press(*words, "enter")
    await wait_until(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None, "the case")


def test_markup_and_escape_sequences_in_an_answer_are_shown_as_plain_text():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await open_case(pilot, "long stride")
            screen = app.screen
            # Typed keys cannot carry ESC, but a paste can: put the raw text in the line.
            screen.input.value = "[b]bold[/b] \x1b[31mred\x1b[0m [link=http://x]long strides[/link] *stars*"
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.query(LearnerSaid), "the answer")
            said = screen.query(LearnerSaid).last()
            assert "\x1b" not in said.answer
            text = shown_text(app)
            assert "[b]bold[/b]" in text  # Rich markup stays literal
            assert "[link=http://x]long strides[/link]" in text
            assert "red" in text and "[31m" not in text

    run(scenario)


def test_an_empty_answer_and_a_huge_one_are_handled():
    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 40)) as pilot:
            await open_case(pilot, "long stride")
            screen = app.screen
            turns = len(screen.query(TutorSays))
            await pilot.press("enter")  # before the stage is passed, an empty Enter is a slip: ignored
            screen.input.value = "long strides " * 10_000
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen.query(LearnerSaid), "the huge answer")
            assert len(screen.query(LearnerSaid)) == 1  # nothing was said, nothing is echoed
            assert "I didn't catch an answer there." not in shown_text(app)
            assert screen.play.session.current_progress.attempts == 1  # the empty Enter used no try
            assert len(screen.query(TutorSays)) > turns
            said = screen.query(LearnerSaid).last()
            assert len(said.answer) <= 600
            assert screen_name(app) == "CaseScreen"

    run(scenario)


def test_a_broken_case_file_is_listed_and_explained_not_opened(tmp_path, monkeypatch):
    library = tmp_path / "dialogues"
    shutil.copytree(LIBRARY, library)
    (library / "cases" / "broken.yaml").write_text("format: 1\nid: broken\ntitle: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("TUTOR_DIALOGUES", str(library))

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 3, "the library with the broken file")
            await pilot.press(*"broken", "enter")
            await wait_until(pilot, lambda: "This case cannot be opened" in shown_text(app), "the problem")
            assert "broken.yaml:" in shown_text(app)  # file:line: message
            assert screen_name(app) == "HomeScreen"

    run(scenario)


def test_records_that_cannot_be_written_leave_the_app_playing(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "data-is-a-file"
    not_a_folder.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("TUTOR_DATA_DIR", str(not_a_folder))

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await open_case(pilot, "warm-up")
            assert "records are off" in shown_text(app)
            await pilot.press(*"atraumatic", "enter")
            await wait_until(pilot, lambda: app.screen.summary is not None, "the end of the one-stage case")
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            assert "Score 100%" in shown_text(app)

    run(scenario)


def test_a_records_opener_that_raises_is_survived():
    def broken_records(warn):
        raise RuntimeError("database exploded")

    async def scenario():
        app = build_test_app(open_records=broken_records)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await wait_until(pilot, lambda: "database exploded" in shown_text(app), "the warning")
            await open_case(pilot, "warm-up")
            await pilot.press(*"no trauma", "enter")
            await wait_until(pilot, lambda: app.screen.summary is not None, "the end of the case")

    run(scenario)


def test_a_bug_inside_the_app_ends_it_with_one_line_and_a_crash_log(tmp_path, capfd):
    import pytest

    from tutor.tui.app import TutorApp

    class BuggyApp(TutorApp):
        def on_mount(self) -> None:
            self.call_later(self.fail)

        def fail(self) -> None:
            raise ValueError("a simulated bug")

    app = BuggyApp(build_test_app().services)

    async def scenario():
        async with app.run_test() as pilot:
            await wait_until(pilot, lambda: app.return_code == 1, "the app to give up")

    with pytest.raises(ValueError):
        run(scenario)
    assert app.crash_log is not None and app.crash_log.parent == tmp_path / "data"
    assert "ValueError: a simulated bug" in app.crash_log.read_text(encoding="utf-8")
    said = " ".join(capfd.readouterr().err.split())  # what the terminal shows once the app has closed
    assert "tutor: something went wrong inside the app (ValueError: a simulated bug)" in said
    assert "Traceback" not in said and "simulated bug" in app.crash_log.read_text(encoding="utf-8")


def test_two_files_with_the_same_case_id_are_both_listed_and_each_opens_its_own(tmp_path, monkeypatch):
    # An author copies a case to rework it and has not changed its id yet.
    library = tmp_path / "dialogues"
    shutil.copytree(LIBRARY, library)
    original = (library / "cases" / "quiet-hip.yaml").read_text(encoding="utf-8")
    (library / "cases" / "quiet-hip-draft.yaml").write_text(
        original.replace("title: A short warm-up case", "title: A draft of the warm-up"), encoding="utf-8"
    )
    monkeypatch.setenv("TUTOR_DIALOGUES", str(library))

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: len(table_rows(app)) == 3, "the library with both copies")
            assert screen_name(app) == "HomeScreen"
            await pilot.press(*"draft", "enter")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the draft")
            assert app.screen.case.title == "A draft of the warm-up"

    run(scenario)


def test_a_records_row_with_text_in_a_number_column_is_skipped_and_the_app_starts():
    """Reliability review, major 5: a database edited by another tool once stopped the app."""
    import sqlite3

    from tui_pilot_steps import DAY, FIXED_NOW, table_rows

    from tutor import locations
    from tutor.cases.library import load_case
    from tutor.records import Records
    from tutor.session import Play

    with Records.open() as records:
        for days in (3, 2):
            play = Play(load_case("quiet-hip"), records, clock=lambda d=days: FIXED_NOW - d * DAY)
            play.skip()
    with sqlite3.connect(locations.records_file()) as db:
        db.execute("UPDATE sessions SET score = 'great' WHERE id = 2")
    db.close()

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            await wait_until(pilot, lambda: "wrong type" in shown_text(app), "the warning")
            warm_up = next(row for row in table_rows(app) if row[0] == "A short warm-up case")
            assert "0% 3d ago" in warm_up  # the good row is still read

    run(scenario)
