"""`tutor play CASE --watch` in the app: a save reloads the case at the same stage, a broken
save is shown and play goes on, and the next good save reloads again.

The case is the made-up one of tests/test_case_watch.py; the screen's own timer looks at
the file (every 20 ms here), and the test waits on what the screen shows, never a fixed time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tui_pilot_steps import build_test_app, run, screen_name, shown_text

from tutor.tui.stepper import FoundSoFar, StageStepper
from tutor.tui.transcript import Note

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_case_watch import case_text, save, start  # noqa: E402

SIZE = (100, 40)
# Rounds of a short pause before a condition is given up: a bound far above normal, to catch a hang.
ROUNDS = 3000


async def wait_for(pilot, condition, what: str) -> None:
    for _ in range(ROUNDS):
        if condition():
            return
        await pilot.pause(0.02)  # the file is looked at on a timer, so let time pass between looks
    raise AssertionError(f"gave up waiting for {what}")


def notes(app) -> str:
    return " ".join(" ".join(str(n.render()).split()) for n in app.screen.query(Note))


def test_the_app_reloads_a_saved_case_at_the_same_stage_and_shows_a_broken_save(tmp_path):
    path, _, watch = start(tmp_path)
    watch.poll_seconds = 0.02
    case = watch.case

    async def scenario():
        app = build_test_app(start_case=case, watch=watch)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None,
                           "the case opened")
            screen = app.screen
            assert "is not kept in your records" in notes(app)
            await pilot.press(*"alpha mark", "enter")
            await wait_for(pilot, lambda: screen.play.session.stage_index == 1, "the findings stage")
            await pilot.press(*"beta mark", "enter")
            await wait_for(pilot, lambda: screen.play.session.current_progress.found == ("beta-sign",),
                           "beta credited")

            save(path, case_text(replace={"What do you see on the images?": "What do the new images show?"}))
            await wait_for(pilot, lambda: "What do the new images show?" in shown_text(app), "the reloaded ask")
            assert screen.case.stages[1].ask == "What do the new images show?"
            assert screen.play.session.current_stage.id == "findings"
            assert "your answers in it are kept" in notes(app)
            assert screen.query_one("#found", FoundSoFar).labels == ["Beta sign"]
            stepper = screen.query_one("#stepper", StageStepper)
            assert stepper.current == 1 and "history" in stepper.outcomes

            save(path, case_text(replace={"    expect: [delta-diagnosis]\n": "    expect: [nowhere]\n"}))
            await wait_for(pilot, lambda: "has errors" in notes(app), "the errors")
            assert "watched.yaml:" in notes(app) and "nowhere" in notes(app)
            assert "the file has errors" in str(screen.query_one("#case-title").render())
            # Play goes on with the last good version.
            await pilot.press(*"gamma mark", "enter")
            await wait_for(pilot, lambda: screen.play.session.stage_index == 2, "the diagnosis stage")

            save(path, case_text(stages=("history", "findings")))
            await wait_for(pilot, lambda: "is no longer in the file" in notes(app), "the stage-gone note")
            assert screen.play.session.current_stage.id == "findings"
            assert "the file has errors" not in str(screen.query_one("#case-title").render())
            assert [s for s, *_ in stepper.stages] == ["history", "findings"]
        records = tmp_path / "data" / "records.sqlite3"
        if records.exists():  # the library screen behind the case may open the records; the case is not in them
            import sqlite3

            with sqlite3.connect(records) as db:
                assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (0,)

    run(scenario)


def test_a_retry_from_the_summary_plays_the_version_saved_since_and_still_watches(tmp_path):
    path, _, watch = start(tmp_path)
    watch.poll_seconds = 0.02

    async def scenario():
        app = build_test_app(start_case=watch.case, watch=watch)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None,
                           "the case opened")
            await pilot.press(*"/quit", "enter")
            await wait_for(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            save(path, case_text(replace={"Which feature of the story matters?": "What in the story counts?"}))
            await pilot.press("ctrl+r")  # the summary's retry key
            await wait_for(pilot, lambda: screen_name(app) == "CaseScreen" and app.screen.play is not None,
                           "the case again")
            screen = app.screen
            assert screen.watch is watch
            assert screen.case.stages[0].ask == "What in the story counts?"
            save(path, case_text(replace={"Which feature of the story matters?": "Which part of the story?"}))
            await wait_for(pilot, lambda: "Which part of the story?" in shown_text(app), "the next save")

    run(scenario)
