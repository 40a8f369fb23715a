"""An instructor's folder named in $TUTOR_CASES shows in the app's library, with where it is from."""

from __future__ import annotations

import textwrap

from tui_pilot_steps import build_test_app, run, screen_name, shown_text, table_rows, wait_until


def test_a_case_folder_in_tutor_cases_appears_in_the_app(tmp_path, monkeypatch):
    folder = tmp_path / "teaching-file"
    folder.mkdir()
    (folder / "own.yaml").write_text(textwrap.dedent("""\
        format: 1
        id: own-case
        title: Zz an instructor's own case
        source: Invented for the app test
        stages:
          - id: diagnosis
            ask: What is the diagnosis?
            expect: [ifi]
            explain: Ischiofemoral impingement.
        """), encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", str(folder))

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: screen_name(app) == "HomeScreen" and len(table_rows(app)) == 3,
                             "the two shipped cases and the folder's one")
            assert any("Zz an instructor's own case" in " ".join(row) for row in table_rows(app))
            await pilot.press(*"instructor")
            await wait_until(pilot, lambda: len(table_rows(app)) == 1, "the filter")
            await wait_until(pilot, lambda: "From: " in shown_text(app), "where the case is from")
            assert str(folder) in " ".join(shown_text(app).split()) or "teaching-file" in shown_text(app)
            await pilot.press("enter")
            await wait_until(pilot, lambda: screen_name(app) == "CaseScreen", "the case opened")

    run(scenario)
